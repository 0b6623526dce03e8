#!/usr/bin/env bash
# Reports of results whose every string field holds bytes that are not UTF-8 (all 256 byte
# values, overlongs, surrogates, NUL, lone continuation bytes, escape-like text), written by the
# real binary (`mailspec merge` of a JSON file that carries those bytes in *_base64 fields) and
# read by real consumers: python's strict JSON decoder, xmllint, Perl's TAP::Parser, and the
# shared validate-junit / validate-tap when present. Then hostile results files: exit 2 with a
# reason, never a crash. No lab needed.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failures=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -40; failures=$((failures + 1)); }

/usr/bin/python3 - "$TMP/bytes.json" <<'PY'
import base64, json, sys
b64 = lambda b: base64.b64encode(b).decode()
corpus = [bytes(range(256)), b"\x00", b"\x80", b"\xbf\x80", b"\xc3\x28", b"\xe2\x82",
          b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xfe\xff",
          b"\xef\xbf\xbe", b"\xe2\x80\xa8", b"\\x80 literal", b"\\", b"\r\n\t\x1b[2J\x7f",
          b"]]><!-- & \" ' # : - ...", b"v=spf1 \x80a:example.net -all"]
def field(obj, key, raw):
    obj[key] = raw.decode("utf-8", "replace")
    obj[key + "_base64"] = b64(raw)
results, suites = [], []
for i, b in enumerate(corpus):
    r = {}
    for key in ("suite", "check_id", "variant", "kind", "target", "endpoint", "vantage",
                "message", "expected", "actual", "rfc"):
        field(r, key, key.encode() + str(i).encode() + b)
    r["status"] = ["pass", "fail", "error", "skip", "inconclusive"][i % 5]
    r["duration"] = 0.001 * i
    r["transcript"] = []
    for d in ("->", "<-", "~>", "<~", "=="):
        line = {"at": 0.0, "dir": d}
        field(line, "text", b"line " + b)
        r["transcript"].append(line)
    r["properties"] = {"k": "v"}
    r["properties_base64"] = [[b64(b"key" + b), b64(b"value" + b)], [b64(b"k"), b64(b)]]
    r["tags"] = ["t"]
    r["tags_base64"] = [b64(b"tag" + b), b64(b)]
    f = {"severity": "violation"}
    field(f, "kind", b"kind" + b)
    field(f, "text", b"finding " + b)
    r["findings"] = [f]
    results.append(r)
    s = {"planned": 1}
    field(s, "name", b"suite" + str(i).encode() + b)
    field(s, "description", b"d" + b)
    suites.append(s)
run = {"started": "2025-11-21T22:33:00.123Z", "duration": 1.5, "incomplete": False}
field(run, "version", b"0.1.0")
field(run, "host", b"probe\xff")
doc = {"format": "mailspec-results", "format_version": 2, "run": run, "suites": suites,
       "results": results}
json.dump(doc, open(sys.argv[1], "w"))
PY

echo "-- every byte in every field"
"$MAILSPEC" merge "$TMP/bytes.json" --junit "$TMP/junit.xml" --tap "$TMP/report.tap" \
    --json "$TMP/out.json" -vv >"$TMP/console.txt" 2>"$TMP/err.txt"
rc=$?
if [ $rc -eq 1 ] && [ -s "$TMP/junit.xml" ] && [ -s "$TMP/report.tap" ] && [ -s "$TMP/out.json" ]; then
    ok "merge wrote every report (exit 1: the input has failures)"
else bad "merge exit $rc" "$(cat "$TMP/err.txt")"; fi

if out=$(/usr/bin/python3 - "$TMP/bytes.json" "$TMP/out.json" <<'PY' 2>&1
import base64, json, sys
def exact(obj, key):
    return base64.b64decode(obj[key + "_base64"]) if key + "_base64" in obj else obj[key].encode()
def exact_list(obj, key):
    if key + "_base64" in obj: return [base64.b64decode(v) for v in obj[key + "_base64"]]
    return [v.encode() for v in obj[key]]
def exact_map(obj, key):
    if key + "_base64" in obj:
        return sorted((base64.b64decode(k), base64.b64decode(v)) for k, v in obj[key + "_base64"])
    return sorted((k.encode(), v.encode()) for k, v in obj[key].items())
src = json.load(open(sys.argv[1], "rb"))
raw = open(sys.argv[2], "rb").read()
out = json.loads(raw.decode("utf-8", errors="strict"))
for a, b in zip(src["results"], out["results"]):
    for key in ("suite", "check_id", "variant", "vantage", "message", "actual", "rfc"):
        assert exact(a, key) == exact(b, key), (key, a[key], b[key])
    assert [exact(l, "text") for l in a["transcript"]] == [exact(l, "text") for l in b["transcript"]]
    assert exact(a["findings"][0], "text") == exact(b["findings"][0], "text")
    assert exact_list(a, "tags") == exact_list(b, "tags"), (a["tags"], b["tags"])
    assert exact_map(a, "properties") == exact_map(b, "properties"), b["properties"]
PY
); then ok "the JSON report is strict UTF-8 JSON with every byte recoverable"
else bad "JSON report" "$out"; fi

if out=$(xmllint --noout "$TMP/junit.xml" 2>&1); then ok "xmllint accepts the JUnit report"
else bad "xmllint" "$out"; fi

if out=$(perl -MTAP::Parser -e '
    my $t = do { local $/; open my $f, "<", $ARGV[0] or die; <$f> };
    $t =~ s/\ATAP version 14/TAP version 13/;   # TAP::Parser < 3.48 predates TAP 14
    my $p = TAP::Parser->new({ tap => $t });
    while (my $r = $p->next) { print "unknown line: ", $r->as_string, "\n" if $r->is_unknown }
    my @e = $p->parse_errors; print "$_\n" for @e;
    exit(@e || $p->tests_run != $ARGV[1] ? 1 : 0);' "$TMP/report.tap" 18 2>&1) && [ -z "$out" ]; then
    ok "Perl's TAP::Parser reads the TAP report: 18 points, no unknown lines"
else bad "TAP::Parser" "$out"; fi

if /usr/bin/python3 -c '
import sys
t = open(sys.argv[1], "rb").read().decode("utf-8", errors="strict")
bad = [c for c in t if (ord(c) < 0x20 and c not in "\t\n") or ord(c) == 0x7f]
sys.exit(1 if bad else 0)' "$TMP/console.txt"; then ok "console output is UTF-8 without control characters"
else bad "console output holds raw control characters or bad UTF-8"; fi

tools=${MAILSPEC_SHARED_TOOLS:-$ROOT/../shared/tools}
if [ -x "$tools/validate-junit" ] && [ -x "$tools/validate-tap" ]; then
    if out=$("$tools/validate-junit" "$TMP/junit.xml" 2>&1); then ok "validate-junit accepts the JUnit report"
    else bad "validate-junit" "$out"; fi
    out=$("$tools/validate-tap" "$TMP/report.tap" 2>&1); rc=$?
    if [ $rc -eq 0 ]; then ok "validate-tap accepts the TAP report"
    elif [ $rc -eq 2 ]; then echo "  skip: validate-tap could not install its tools"
    else bad "validate-tap" "$out"; fi
else
    echo "  skip: $tools not found (validate-junit, validate-tap); set MAILSPEC_SHARED_TOOLS"
fi

echo "-- hostile results files: exit 2 with a reason"
hostile() { # name expected-message python-that-edits-doc-d
    /usr/bin/python3 - "$TMP/bytes.json" "$TMP/$1.json" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
open(sys.argv[2], "w").write(json.dumps(d))
PY
    local rc
    out=$("$MAILSPEC" merge "$TMP/$1.json" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$2" <<<"$out"; then ok "$1: exit 2, $out"
    else bad "$1: exit $rc" "$out"; fi
}
hostile wrong-status-type '$.results[0].status: not a string' 'd["results"][0]["status"] = 5'
hostile bad-base64 '$.results[1].message_base64: not base64' 'd["results"][1]["message_base64"] = "%%%"'
hostile format-number 'not a mailspec results document' 'd["format"] = 2'
hostile tags-object '$.results[0].tags_base64: not an array' 'd["results"][0]["tags_base64"] = {}'
printf '{"format":"mailspec-results","format_version":2,"results":["\xff\x80"]}' >"$TMP/raw.json"
out=$("$MAILSPEC" merge "$TMP/raw.json" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 2 ] && grep -q 'raw.json: not JSON' <<<"$out" &&
    /usr/bin/python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8", "strict")' <<<"$out"; then
    ok "invalid UTF-8 inside the JSON file: exit 2, the message is printable"
else bad "raw bytes: exit $rc" "$out"; fi
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); d["results"][0]["message"] = "x" * (64 << 20)
d["results"][0].pop("message_base64")
json.dump(d, open(sys.argv[2], "w"))' "$TMP/bytes.json" "$TMP/huge.json"
"$MAILSPEC" merge "$TMP/huge.json" --json "$TMP/huge-out.json" >/dev/null 2>&1; rc=$?
if [ $rc -eq 1 ] && [ "$(stat -c %s "$TMP/huge-out.json")" -gt $((64 << 20)) ]; then
    ok "a 64 MiB string is carried through"
else bad "huge string: exit $rc"; fi

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all report byte checks passed"
