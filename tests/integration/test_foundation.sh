#!/usr/bin/env bash
# End to end against the real lab Postfix: a small suite through the mailspec binary yields
# every kind of outcome (pass, fail, error, skip, inconclusive) with the right verdicts, the
# exit code says "failures", and the JUnit, TAP and JSON reports it writes are accepted by real
# consumers: xmllint and Perl's TAP::Parser always, ../shared/tools/validate-* when present.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
TMP=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$TMP"' EXIT
"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
sink_before=$(sink_count)

cat >"$TMP/foundation.yaml" <<YAML
suite: foundation
targets:
  mx: { host: 127.0.0.10, port: 25 }
  closed: { host: 127.0.0.10, port: 2 }
  submission: { host: 127.0.0.10, port: 587 }
vantages: { outside: { bind: 127.0.0.30 } }
defaults: { timeout: 5s, from: [outside] }
checks:
  - id: greets-esmtp
    target: mx
    banner: { code: 220, matches: "ESMTP Postfix", within: 2s }
  - id: written-to-fail
    target: mx
    banner: { matches: "Microsoft Exchange" }
  - id: nobody-listens
    target: closed
    banner: {}
  - id: filtered-out
    target: mx
    capabilities: { has: [STARTTLS] }
  - id: relay-needs-auth-first
    target: submission
    relay: { expect: denied, sender: probe@spf-pass.lab.test, rcpt: probe@relay-test.invalid }
YAML

check "mailspec run exits 1 (failures) and writes three reports"
"$MAILSPEC" run "$TMP/foundation.yaml" --skip filtered-out \
    --junit "$TMP/junit.xml" --tap "$TMP/report.tap" --json "$TMP/results.json" >"$TMP/console.txt" 2>&1
rc=$?
if [ $rc -eq 1 ] && [ -s "$TMP/junit.xml" ] && [ -s "$TMP/report.tap" ] && [ -s "$TMP/results.json" ]; then ok
else bad "exit code $rc" "$(cat "$TMP/console.txt")"; fi

check "each check has the verdict its server behaviour calls for"
verdicts=$(/usr/bin/python3 - "$TMP/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
got = {r["check_id"]: r for r in doc["results"]}
want = {"greets-esmtp": "pass", "written-to-fail": "fail", "nobody-listens": "error",
        "filtered-out": "skip", "relay-needs-auth-first": "inconclusive"}
bad = [f"{k}: {got.get(k, {}).get('status')} != {v}" for k, v in want.items() if got.get(k, {}).get("status") != v]
fail = got["written-to-fail"]
if "Microsoft Exchange" not in fail.get("expected", "") or "Postfix" not in fail.get("actual", ""):
    bad.append("the failure does not say what was expected and what the server said: %r" % fail)
if "refused" not in got["nobody-listens"].get("message", "").lower():
    bad.append("the error does not give the reason: %r" % got["nobody-listens"].get("message"))
if not any("220" in line["text"] for line in got["greets-esmtp"]["transcript"]):
    bad.append("no greeting in the transcript of greets-esmtp")
print("\n".join(bad))
PY
)
if [ -z "$verdicts" ]; then ok; else bad "wrong verdicts" "$verdicts"; fi

check "the console shows one line per result and a summary"
expect_match "summary line" "5 results .* 1 pass, 1 fail, 1 error, 1 skip, 1 inconclusive" "$(cat "$TMP/console.txt")"

check "JUnit XML is well-formed (xmllint)"
if out=$(xmllint --noout "$TMP/junit.xml" 2>&1); then ok; else bad "xmllint" "$out"; fi
check "TAP is accepted by Perl's TAP::Parser"
if out=$(perl -MTAP::Parser -e '
    my $t = do { local $/; open my $f, "<", $ARGV[0] or die; <$f> };
    $t =~ s/\ATAP version 14/TAP version 13/;   # TAP::Parser < 3.48 predates TAP 14
    my $p = TAP::Parser->new({ tap => $t }); 1 while $p->next;
    my @e = $p->parse_errors; print "$_\n" for @e; exit(@e ? 1 : ($p->tests_run == 5 ? 0 : 1));' "$TMP/report.tap" 2>&1); then ok
else bad "TAP::Parser" "$out"; fi

tools=$ROOT/../shared/tools
if [ -x "$tools/validate-junit" ] && [ -x "$tools/validate-tap" ]; then
    check "validate-junit accepts the JUnit report"
    if out=$("$tools/validate-junit" "$TMP/junit.xml" 2>&1); then ok; else bad "validate-junit" "$out"; fi
    check "validate-tap accepts the TAP report"
    if out=$("$tools/validate-tap" "$TMP/report.tap" 2>&1); then ok; else bad "validate-tap" "$out"; fi
else
    echo "  skip: ../shared/tools not found next to the checkout (validate-junit, validate-tap)"
fi

check "no message reached the sink"
if [ "$(sink_count)" = "$sink_before" ]; then ok; else bad "sink count moved from $sink_before to $(sink_count)"; fi
lab_finish
