#!/usr/bin/env bash
# GTUBE end to end against the lab's real SpamAssassin (lab/up --with spamassassin: spamd and
# spamass-milter on Postfix): the shipped suite content-filter.yaml passes — GTUBE is refused at
# DATA on port 25 (gtube-rejected) and delivered with X-Spam-Flag: YES through 587
# (gtube-flagged); on the no-content-filter variant both fail and say why. swaks cross-checks
# the refusal, and spamd's log shows it scored GTUBE with the rules shipped in
# /usr/share/spamassassin (no sa-update).
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
TMP=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$TMP"' EXIT
GTUBE='XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'

"$ROOT/lab/up" --with spamassassin >"$TMP/up.out" 2>&1 || { cat "$TMP/up.out"; echo "FAIL: lab/up --with spamassassin failed"; exit 1; }
cat "$TMP/up.out"

echo "== correct (with SpamAssassin)"
got=$(smtp_probe --local-interface 127.0.0.30 --from probe@spf-pass.lab.test --to alice@lab.test --body "$GTUBE")
expect_match "swaks: GTUBE refused at DATA by the milter" '^<\*\* +5[0-9][0-9] 5\.7\.1 Blocked by SpamAssassin' "$got"
"$MAILSPEC" run --vantages "$ROOT/lab/vantages.yaml" --json "$TMP/correct.json" -q \
    "$ROOT/suites/content-filter.yaml" >"$TMP/correct.out" 2>&1
expect_verdicts correct "$TMP/correct.json" "$TMP/correct.out"
expect_results "$TMP/correct.json" <<'PY'
r = want("gtube-rejected", "pass", "refused at DATA")
want("gtube-flagged", "pass", "spam flag")
tx = " ".join(str(e) for e in by["gtube-flagged"].get("transcript", []))
print("  check: the flagged copy's X-Spam-Flag in the transcript ... " + ("ok" if "X-Spam-Flag: YES" in tx else "FAILED"))
if "X-Spam-Flag: YES" not in tx: fails += 1
PY
check "spamd scored GTUBE with the shipped rules"
if grep -q 'result: Y .*GTUBE' "$LAB_RUN/log/spamd.log"; then ok; else bad "no GTUBE result in spamd.log" "$(tail -5 "$LAB_RUN/log/spamd.log")"; fi

echo "== no-content-filter"
"$ROOT/lab/up" --variant no-content-filter >/dev/null || { bad "lab/up --variant no-content-filter failed"; exit 1; }
"$MAILSPEC" run --vantages "$ROOT/lab/vantages.yaml" --json "$TMP/nocf.json" -q \
    "$ROOT/suites/content-filter.yaml" >"$TMP/nocf.out" 2>&1
expect_verdicts no-content-filter "$TMP/nocf.json" "$TMP/nocf.out" gtube-rejected=fail gtube-flagged=fail
expect_results "$TMP/nocf.json" <<'PY'
want("gtube-rejected", "fail", "GTUBE message accepted at DATA", "no content filter refused it")
want("gtube-flagged", "fail", "delivered without a spam flag")
PY

[ "$LAB_FAILS" = 0 ] || { echo "FAIL: $LAB_FAILS check(s) failed"; exit 1; }
echo "PASS"
