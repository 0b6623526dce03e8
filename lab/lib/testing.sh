# Helpers for shell tests that drive the lab (tests/integration/test_lab_*.sh). Sourced.
# shellcheck shell=bash
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=state.sh
. "$LAB_DIR/lib/state.sh"
# The real state directory (lab/run links to it): pgrep -f for it finds the lab's daemons.
LAB_RUN=$(lab_state_dir "$LAB_DIR/..")
LAB_FAILS=0

# lab_lock: serialise every test that uses the lab. The lab's addresses and ports are fixed
# for the whole machine, so the lock is machine-wide too (several checkouts may hold tests);
# within one build ctest's RESOURCE_LOCK "lab" already serialises the integration tests.
# A test run by a test that holds the lock (test_lab_private_clone.sh) inherits it on fd 9:
# flock on a descriptor of its own would wait for its parent forever.
lab_lock() {
    local dir=/run/lock
    [ -d "$dir" ] && [ -w "$dir" ] || dir=/tmp
    if [ "${MAILSPEC_LAB_LOCKED:-}" = "$dir/mailspec-lab.lock" ] &&
        [ "$(readlink "/proc/$$/fd/9")" = "$dir/mailspec-lab.lock" ]; then return 0; fi
    exec 9>"$dir/mailspec-lab.lock"
    flock -w 900 9 || { echo "FAIL: could not lock the lab ($dir/mailspec-lab.lock) within 900 s" >&2; exit 1; }
    export MAILSPEC_LAB_LOCKED=$dir/mailspec-lab.lock
}

lab_require() {
    [ "$(id -u)" = 0 ] || { echo "FAIL: lab tests need root (lab/up starts daemons)" >&2; exit 1; }
    local t
    for t in swaks openssl dig curl flock; do
        command -v "$t" >/dev/null || { echo "FAIL: missing tool $t" >&2; exit 1; }
    done
    perl -MNet::SSLeay -e 1 2>/dev/null ||
        { echo "FAIL: swaks needs Net::SSLeay for TLS (Debian package libnet-ssleay-perl)" >&2; exit 1; }
}

# check DESCRIPTION: announce what is checked next.
check() { printf '  check: %s ... ' "$*"; }
ok() { printf 'ok\n'; }
# bad WHAT [EVIDENCE]: record a failure loudly, with the evidence, and go on.
bad() {
    printf 'FAILED\n    %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/      | /' | tail -n 25
    LAB_FAILS=$((LAB_FAILS + 1))
}
# expect_match DESCRIPTION REGEX TEXT: TEXT must contain a line matching REGEX (grep -E).
expect_match() {
    check "$1"
    if grep -Eq -- "$2" <<<"$3"; then ok; else bad "expected a line matching /$2/" "$3"; fi
}
expect_no_match() {
    check "$1"
    if grep -Eq -- "$2" <<<"$3"; then bad "expected no line matching /$2/" "$3"; else ok; fi
}

sink_count() { find "$LAB_RUN/sink" -type f 2>/dev/null | wc -l; }

# smtp_probe ARGS...: swaks against mail.lab.test with a bounded timeout; prints the dialogue.
smtp_probe() { timeout 30 swaks --server 127.0.0.10 --helo probe.mailspec.test --timeout 10 "$@" 2>&1 || true; }

# expect_verdicts LABEL JSON LOG [CHECK=STATUS ...]: in the report JSON of `mailspec run
# --json`, every check not named must pass and the named ones have the status given; a fail
# must say what was expected and what happened. Prints the verdicts; on a mismatch records a
# failure with them and LOG (the run's console output).
expect_verdicts() {
    local label=$1 json=$2 log=$3 verdicts
    shift 3
    check "$label: verdicts"
    if verdicts=$(python3 - "$json" "$@" <<'PY'
import json, sys
results = {r["check_id"]: r for r in json.load(open(sys.argv[1]))["results"]}
want = dict(a.split("=", 1) for a in sys.argv[2:])
problems = []
for cid, r in sorted(results.items()):
    expected = want.get(cid, "pass")
    line = f"{cid}: {r['status']} - {r['message']}"
    print(line)
    if r["status"] != expected:
        problems.append(f"{cid}: expected {expected}, got {line}")
    if r["status"] == "fail" and not (r.get("expected") and r["message"]):
        problems.append(f"{cid}: a fail without expected/message")
for cid in want:
    if cid not in results:
        problems.append(f"{cid}: no result")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
PY
    ); then
        ok
        printf '%s\n' "$verdicts" | sed 's/^/      /'
    else
        bad "unexpected verdicts" "$verdicts$(cat "$log")"
    fi
}

# expect_results JSON [ARG...] <<'PY' ... PY: runs the Python on stdin against the report JSON
# of `mailspec run --json` (sys.argv[1]; the ARGs follow), after a prelude that gives it `raw`
# (the report's text), `by` (results by check id), `fails`, and
#   want(check_id, status, *needles) -> the result: status as given, needles in its
#       message/expected/actual;
#   prop(result, key, value): a property as given.
# Each failed want/prop counts in `fails`; any makes one failure in LAB_FAILS.
expect_results() {
    local json=$1 prelude body
    shift
    prelude=$(cat <<'PY'
import json, sys
raw = open(sys.argv[1]).read()
doc = json.loads(raw)
results = doc["results"] if isinstance(doc, dict) else doc
by = {r.get("check_id") or r.get("check"): r for r in results}
fails = 0
def want(cid, status, *needles):
    global fails
    r = by.get(cid)
    if r is None:
        print(f"  check: {cid} ... FAILED (no result)"); fails += 1; return
    text = " ".join(str(r.get(k, "")) for k in ("message", "expected", "actual"))
    missing = [n for n in needles if n not in text]
    if r.get("status") != status or missing:
        print(f"  check: {cid} is {status} ... FAILED: got {r.get('status')}: {r.get('message')!r}"
              f" expected={r.get('expected')!r} actual={r.get('actual')!r} missing={missing}")
        fails += 1
    else:
        print(f"  check: {cid} is {status} ... ok ({r.get('message')})")
    return r
def prop(r, key, value):
    global fails
    got = (r or {}).get("properties", {}).get(key)
    print(f"  check: {key} = {value!r} ... " + ("ok" if got == value else f"FAILED: got {got!r}"))
    if got != value: fails += 1
PY
    )
    body=$(cat)
    python3 -c "$prelude
$body
sys.exit(1 if fails else 0)" "$json" "$@" || LAB_FAILS=$((LAB_FAILS + 1))
}

# expect_matrix LABEL JSON [SUITE:CHECK[/VARIANT]=STATUS ...]: in a multi-suite report, every
# result not listed passes and the listed ones have the status given (every vantage); a fail
# must say what was expected. Records one failure with the differences.
expect_matrix() {
    local label=$1 json=$2 out
    shift 2
    check "$label: exactly the expected verdicts"
    if out=$(python3 - "$json" "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = dict(a.rsplit("=", 1) for a in sys.argv[2:])
problems, seen = [], set()
for r in doc["results"]:
    name = r["suite"] + ":" + r["check_id"] + ("/" + r["variant"] if r.get("variant") else "")
    seen.add(name)
    expected = want.get(name, "pass")
    if r["status"] != expected:
        problems.append(f"{name} @ {r['vantage']}: expected {expected}, got {r['status']}: {r['message']}")
    if r["status"] == "fail" and not (r.get("expected") and r.get("message")):
        problems.append(f"{name}: a fail that does not say what was expected")
problems += [f"{n}: no result" for n in want if n not in seen]
print("\n".join(problems))
PY
    ) && [ -z "$out" ]; then ok; else bad "verdicts differ" "$out"; fi
}

lab_finish() {
    if [ "$LAB_FAILS" -gt 0 ]; then
        echo "FAIL: $LAB_FAILS check(s) failed (lab logs: $LAB_RUN/log/)"
        exit 1
    fi
    echo "PASS"
}
