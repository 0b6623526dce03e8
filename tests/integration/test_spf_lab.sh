#!/usr/bin/env bash
# `mailspec spf` against the lab's own DNS server (unbound on 127.0.0.10:53, lab/up): the lab's
# SPF test domains give pass / fail / softfail / none for the outside vantage's address.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"' EXIT
"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }

spf() { "$MAILSPEC" spf --dns 127.0.0.10:53 --json "$@" 2>&1; }
result_of() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])' 2>/dev/null; }
expect_spf() { # DOMAIN IP RESULT
    check "SPF for $1 from $2 is $3"
    local out got
    out=$(spf --ip "$2" --sender "probe@$1" --helo probe.mailspec.test)
    got=$(result_of <<<"$out")
    if [ "$got" = "$3" ]; then ok; else bad "got '$got'" "$out"; fi
}
expect_spf spf-pass.lab.test 127.0.0.30 pass
expect_spf spf-fail.lab.test 127.0.0.30 fail
expect_spf spf-softfail.lab.test 127.0.0.30 softfail
expect_spf nospf.lab.test 127.0.0.30 none
expect_spf lab.test 127.0.0.20 pass
expect_spf lab.test 127.0.0.30 fail
lab_finish
