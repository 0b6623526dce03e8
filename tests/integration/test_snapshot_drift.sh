#!/usr/bin/env bash
# Baseline and drift against the lab: snapshot the correct lab, diff a fresh snapshot of the
# same lab (nothing may change: the surface is stable), then switch to the no-starttls variant
# and diff again: the lost STARTTLS on port 25 must be a regression, exit 1, in text and JSON.
set -uo pipefail
MAILSPEC=${MAILSPEC:?path of the mailspec binary}
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
work=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$work"' EXIT
SUITE=("$ROOT/suites/mx-baseline.yaml" --vantages "$ROOT/lab/vantages.yaml" --skip delivery)

"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }

check "snapshot of the correct lab is written"
"$MAILSPEC" snapshot "${SUITE[@]}" --out "$work/base.json" >"$work/snapshot.out" 2>&1
rc=$?
if [ $rc = 0 ] && [ -s "$work/base.json" ]; then ok; else bad "exit $rc" "$(cat "$work/snapshot.out")"; fi

facts() { # FILE ENDPOINT VANTAGE FACT
    python3 -c 'import json,sys
b = json.load(open(sys.argv[1]))
print(next((s["facts"].get(sys.argv[4], "") for s in b["surfaces"] if s["endpoint"] == sys.argv[2] and s["vantage"] == sys.argv[3]), "missing"))' "$@"
}
expect_match "baseline: STARTTLS offered on 127.0.0.10:25 from outside" '^yes$' \
    "$(facts "$work/base.json" 127.0.0.10:25 outside starttls)"
expect_match "baseline: a TLS version was recorded" '^TLSv1\.[23]$' \
    "$(facts "$work/base.json" 127.0.0.10:25 outside tls.version)"
expect_match "baseline: the greeting" '^220 ' "$(facts "$work/base.json" 127.0.0.10:25 outside greeting)"

check "diff against the unchanged lab: no regression, exit 0"
out=$("$MAILSPEC" diff "$work/base.json" "${SUITE[@]}" 2>&1)
rc=$?
if [ $rc = 0 ] && grep -q '^0 changes' <<<"$out"; then ok; else bad "exit $rc" "$out"; fi

"$ROOT/lab/up" --variant no-starttls >/dev/null || { echo "FAIL: lab/up --variant no-starttls failed"; exit 1; }

check "diff against no-starttls: exit 1"
"$MAILSPEC" diff "$work/base.json" "${SUITE[@]}" >"$work/drift.txt" 2>&1
rc=$?
if [ $rc = 1 ]; then ok; else bad "exit $rc" "$(cat "$work/drift.txt")"; fi
expect_match "text: the lost STARTTLS is a regression" \
    '^  regression +starttls: yes -> no \(STARTTLS no longer offered\)' "$(cat "$work/drift.txt")"

check "--json: the same regression"
"$MAILSPEC" diff "$work/base.json" "${SUITE[@]}" --json >"$work/drift.json" 2>"$work/drift.err"
rc=$?
verdict=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted({c["class"] for c in d["changes"] if c["fact"] == "starttls" and c["endpoint"] == "127.0.0.10:25"})), d["summary"]["regressions"] > 0)' \
    "$work/drift.json" 2>&1)
if [ $rc = 1 ] && [ "$verdict" = "regression True" ]; then ok; else bad "exit $rc, $verdict" "$(cat "$work/drift.json" "$work/drift.err")"; fi

[ "$LAB_FAILS" = 0 ] || { echo "FAIL: $LAB_FAILS checks failed"; exit 1; }
echo "PASS"
