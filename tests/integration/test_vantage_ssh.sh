#!/usr/bin/env bash
# The ssh vantage against the lab's Postfix: a local sshd (Debian's openssh-server, own
# config on a free loopback port, host and user keys made here, stopped at the end) runs
# `mailspec agent`. Checks from [local, probe] give results for both vantages in one merged
# JUnit report; the probe's bind address (inside) makes Postfix allow a relay that the same
# check from outside is denied; an AUTH check gets its password over the ssh channel. A
# wrong ssh port makes that vantage's checks `error` with ssh's reason while the rest of the
# run goes on; SIGINT to the runner stops the remote agent. Needs root (lab, sshd).
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?path of the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
# shellcheck source=lib/servers.sh
. "$(dirname "$0")/lib/servers.sh"
lab_require
servers_setup /usr/sbin/sshd ssh ssh-keygen xmllint
lab_lock
servers_and_lab_cleanup_on_exit

start_sshd

echo "== lab/up"
"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
cp "$LAB_RUN/secrets/alice.password" "$work/alice.password"

opts="ssh_options: [StrictHostKeyChecking=no, UserKnownHostsFile=/dev/null, LogLevel=ERROR]"
probe() { # bind address, port -> an ssh vantage
    echo "{ ssh: { destination: $(id -un)@127.0.0.1, port: $2, binary: \"$MAILSPEC\", identity_file: user_key, bind: $1, $opts } }"
}
cat >"$work/suite.yaml" <<YAML
suite: ssh-probe
targets:
  mx: { host: 127.0.0.10, port: 25 }
  submission: { host: 127.0.0.10, port: 587, tls_name: mail.lab.test, ca_file: $LAB_RUN/tls/ca.pem }
vantages:
  outside: { bind: 127.0.0.30 }
  probe: $(probe 127.0.0.20 "$ssh_port")
  probe-outside: $(probe 127.0.0.30 "$ssh_port")
  broken: $(probe 127.0.0.20 "$(free_port 127.0.0.1)")
defaults: { timeout: 15s, helo: probe.mailspec.test }
checks:
  - id: banner
    target: mx
    from: [local, probe]
    banner: { code: 220 }
  - id: relay-from-inside
    target: mx
    from: [probe]
    relay: { expect: allowed, rcpt: probe@relay-test.invalid, sender: probe@lab.test }
  - id: relay-from-outside
    target: mx
    from: [outside, probe-outside]
    relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@nospf.lab.test }
  - id: alice-authenticates
    target: submission
    from: [probe]
    auth: { mechanism: PLAIN, user: alice@lab.test, password_file: alice.password }
  - id: unreachable-probe
    target: mx
    from: [local, broken]
    banner: { code: 220 }
YAML

echo "== mailspec run"
"$MAILSPEC" run "$work/suite.yaml" --junit "$work/junit.xml" --json "$work/out.json" \
    >"$work/console.txt" 2>&1
status=$?
sed 's/^/    | /' "$work/console.txt" | tail -n 30
check "exit status 1 (only the broken vantage errors)"
if [ "$status" = 1 ]; then ok; else bad "exit status $status" "$(cat "$work/sshd.log")"; fi
check "JUnit report is well-formed (xmllint)"
if out=$(xmllint --noout "$work/junit.xml" 2>&1); then ok; else bad "xmllint" "$out"; fi
check "the password sent over ssh is in no report"
pw=$(cat "$work/alice.password")
if grep -qF -- "$pw" "$work/junit.xml" "$work/out.json" "$work/console.txt"; then bad "password leaked"; else ok; fi

python3 - "$work/out.json" "$work/junit.xml" <<'PY' || LAB_FAILS=$((LAB_FAILS + 1))
import json, sys
import xml.etree.ElementTree as ET
doc = json.load(open(sys.argv[1]))
res = {}
for r in doc["results"]:
    res.setdefault((r["check_id"], r["vantage"]), []).append(r)
failures = 0
def expect(cond, what, key=None):
    global failures
    rs = res.get(key, [])
    why = "" if cond else ": " + "; ".join(f"{r['status']} {r['message']}" for r in rs) if rs else ": no result"
    print("  check: " + what + " ... " + ("ok" if cond else "FAILED" + why))
    failures += not cond
def status(key):
    return {r["status"] for r in res.get(key, [])}
def notes(key):
    return [t["text"] for r in res.get(key, []) for t in r["transcript"] if t["dir"] == "=="]

expect(status(("banner", "local")) == {"pass"}, "banner from local passes", ("banner", "local"))
expect(status(("banner", "probe")) == {"pass"}, "banner from the probe passes", ("banner", "probe"))
expect(any(n == "connected from 127.0.0.20" for n in notes(("banner", "probe"))),
       "the probe's transcript shows its bind address", ("banner", "probe"))
expect(all(r["properties"].get("ssh.destination", "").endswith("@127.0.0.1") for r in res[("banner", "probe")]),
       "probe results name the ssh destination", ("banner", "probe"))
expect(status(("relay-from-inside", "probe")) == {"pass"}, "relay allowed through the probe from inside",
       ("relay-from-inside", "probe"))
expect(status(("relay-from-outside", "outside")) == {"pass"}, "relay denied from outside (local run)",
       ("relay-from-outside", "outside"))
expect(status(("relay-from-outside", "probe-outside")) == {"pass"}, "relay denied from outside via the probe",
       ("relay-from-outside", "probe-outside"))
expect(status(("alice-authenticates", "probe")) == {"pass"}, "AUTH with the password sent over ssh",
       ("alice-authenticates", "probe"))
expect(status(("unreachable-probe", "local")) == {"pass"}, "the rest of the run goes on", ("unreachable-probe", "local"))
broken = res.get(("unreachable-probe", "broken"), [])
expect(len(broken) == 1 and broken[0]["status"] == "error" and "ssh failed (exit status 255" in broken[0]["message"]
       and "Connection refused" in broken[0]["message"],
       "an unreachable sshd: error once with ssh's reason", ("unreachable-probe", "broken"))

suites = {tc.get("classname") + " " + tc.get("name") for tc in ET.parse(sys.argv[2]).getroot().iter("testcase")}
for want in ["ssh-probe.local banner", "ssh-probe.probe banner", "ssh-probe.probe alice-authenticates"]:
    expect(any(s.startswith(want) for s in suites), f"JUnit has testcase {want!r}")
sys.exit(1 if failures else 0)
PY

echo "== SIGINT stops the remote agent"
# A listener that accepts and never greets: the banner check waits for its timeout.
silent_port=$(free_port 127.0.0.1)
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); c = []
while True: c.append(s.accept()[0])' "$silent_port" & pids+=($!)
wait_listening 127.0.0.1 "$silent_port"
cat >"$work/slow.yaml" <<YAML
suite: ssh-slow
targets: { silent: { host: 127.0.0.1, port: $silent_port } }
vantages: { probe: $(probe 127.0.0.1 "$ssh_port") }
defaults: { timeout: 60s, from: [probe] }
checks:
  - { id: waits, banner: { code: 220 } }
YAML
"$MAILSPEC" run "$work/slow.yaml" --json "$work/slow.json" >"$work/slow.txt" 2>&1 & runner=$!
for _ in $(seq 100); do pgrep -f -- "$MAILSPEC agent" >/dev/null && break; sleep 0.1; done
check "the agent runs on the probe"
if pgrep -f -- "$MAILSPEC agent" >/dev/null; then ok; else bad "no agent process" "$(cat "$work/slow.txt")"; fi
kill -INT "$runner"
rc=0
wait "$runner" || rc=$?
check "the runner ends with exit status 3 (interrupted)"
if [ "$rc" = 3 ]; then ok; else bad "exit status $rc" "$(cat "$work/slow.txt")"; fi
check "no agent process is left within 5 s"
for _ in $(seq 50); do pgrep -f -- "$MAILSPEC agent" >/dev/null || break; sleep 0.1; done
if pgrep -f -- "$MAILSPEC agent" >/dev/null; then bad "agent still running" "$(pgrep -af -- "$MAILSPEC agent")"; else ok; fi

lab_finish
