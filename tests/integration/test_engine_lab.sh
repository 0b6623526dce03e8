#!/usr/bin/env bash
# The SMTP engine's own tests against the real lab Postfix + Dovecot SASL
# (tests/unit/transport/lab_engine_test.cpp, skipped in plain unit runs).
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
TESTS=$(dirname "$MAILSPEC")/mailspec_tests
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"' EXIT
"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
MAILSPEC_LAB=1 "$TESTS" --gtest_filter='LabEngine.*' --gtest_brief=1 || { echo "FAIL"; exit 1; }
echo PASS
