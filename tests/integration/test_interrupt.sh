#!/usr/bin/env bash
# Interruption: SIGINT and SIGTERM during a run end it with exit 3 within a few seconds and
# leave every requested report complete and marked incomplete; SIGKILL leaves no half-written
# report (reports are written to ".NAME.XXXXXX" temporaries and renamed into place).
#
# The server is a hand-written fake (a python3 listener below): it accepts connections and
# never greets, so checks stay in flight until their 60 s timeout. No real server can be made
# to hold a check open on demand like that.
set -euo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
work=$(mktemp -d)
fake_pid=
run_pid=
cleanup() {
    [ -n "$run_pid" ] && kill -KILL "$run_pid" 2>/dev/null || true
    if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
shopt -s nullglob

# Fake server: accept, hold every connection open, say nothing.
python3 - "$work/port" <<'PY' &
import socket, sys, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # never greet, never close
PY
fake_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "fake server did not start"
port=$(cat "$work/port")

cat >"$work/suite.yaml" <<YAML
suite: silent-server
targets:
  mx: { host: 127.0.0.1, port: $port }
defaults: { timeout: 60s }
checks:
  - id: banner-a
    banner: { code: 220 }
  - id: banner-b
    banner: { code: 220 }
  - id: caps
    capabilities: { has: [STARTTLS] }
YAML

# Starts a run in the background writing all three reports into $1.
start_run() {
    local out=$1
    mkdir -p "$out"
    "$MAILSPEC" run "$work/suite.yaml" --junit "$out/junit.xml" --tap "$out/report.tap" \
        --json "$out/results.json" >"$out/console" 2>&1 &
    run_pid=$!
}

# Waits up to $2 seconds for the run to end; sets run_rc to its exit code.
run_rc=
wait_run() {
    local limit=$2 waited=0
    while kill -0 "$run_pid" 2>/dev/null; do
        [ "$waited" -ge $((limit * 10)) ] && { kill -KILL "$run_pid"; fail "$1: still running ${limit}s after the signal"; }
        sleep 0.1
        waited=$((waited + 1))
    done
    run_rc=0
    wait "$run_pid" || run_rc=$?
    run_pid=
}

check_reports() {
    local out=$1 sig=$2
    for f in junit.xml report.tap results.json; do
        [ -s "$out/$f" ] || fail "$sig: $f missing or empty"
    done
    python3 - "$out/results.json" <<'PY' || fail "$sig: results.json not complete/incomplete-marked"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["run"]["incomplete"] is True, doc["run"]
PY
    xmllint --noout "$out/junit.xml" || fail "$sig: junit.xml is not well-formed"
    grep -q '<property name="run.incomplete" value="true"' "$out/junit.xml" ||
        fail "$sig: junit.xml not marked incomplete"
    grep -q '^# incomplete: the run was interrupted' "$out/report.tap" ||
        fail "$sig: report.tap not marked incomplete"
    # The plan line matches the test points present.
    local plan points
    plan=$(grep -m1 -E '^1\.\.[0-9]+$' "$out/report.tap" | cut -d. -f3) || fail "$sig: TAP has no plan"
    points=$(grep -c -E '^(not )?ok ' "$out/report.tap" || true)
    [ "$plan" = "$points" ] || fail "$sig: TAP plan 1..$plan but $points test points"
    grep -q 'INCOMPLETE' "$out/console" || fail "$sig: console does not say INCOMPLETE"
}

for sig in INT TERM; do
    out=$work/$sig
    start_run "$out"
    sleep 1
    kill -"$sig" "$run_pid"
    wait_run "SIG$sig" 3
    [ "$run_rc" = 3 ] || { cat "$out/console" >&2; fail "SIG$sig: exit $run_rc, wanted 3"; }
    check_reports "$out" "SIG$sig"
    echo "ok: SIG$sig -> exit 3, three complete reports marked incomplete"
done

# SIGKILL at several moments: each report is either absent or complete; leftovers may only be
# the ".NAME.XXXXXX" temporaries report_file.cpp writes before renaming.
for delay in 0.05 0.3 1; do
    out=$work/KILL-$delay
    start_run "$out"
    sleep "$delay"
    kill -KILL "$run_pid"
    wait "$run_pid" 2>/dev/null || true
    run_pid=
    for f in "$out"/*; do
        name=$(basename "$f")
        case $name in
            console) ;;
            junit.xml) xmllint --noout "$f" || fail "SIGKILL: half-written $name" ;;
            results.json) python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" || fail "SIGKILL: half-written $name" ;;
            report.tap) grep -q -E '^1\.\.[0-9]+$' "$f" || fail "SIGKILL: half-written $name" ;;
            *) fail "SIGKILL: unexpected file $name" ;;
        esac
    done
    for f in "$out"/.*; do
        name=$(basename "$f")
        case $name in
            . | ..) ;;
            .junit.xml.?????? | .report.tap.?????? | .results.json.??????) ;;
            *) fail "SIGKILL: unexpected file $name" ;;
        esac
    done
done
echo "ok: SIGKILL leaves only absent or complete reports"
