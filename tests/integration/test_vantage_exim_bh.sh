#!/usr/bin/env bash
# The exim_bh vantage against the lab's real Exim (lab/up --mta exim): the relay checks' SMTP
# dialogues run through `lab/exim-bh -bh ADDRESS` (Exim's host-checking mode on stdin/stdout,
# nothing delivered) instead of a socket. From 192.0.2.7 — an address the machine does not
# have — relaying is denied by exim.lab.test and allowed by exim-relay.lab.test (-oMi carries
# the target's listener); from 127.0.0.20 (relay_from_hosts) it is allowed. The transcripts hold
# Exim's replies and none of its "**** SMTP testing" notices; a command that does not exist is
# an `error` that names it. Through an ssh vantage's login (`exim_bh: { ssh: probe }`, a real
# sshd on loopback) the same dialogue runs as `ssh ... lab/exim-bh -bh 192.0.2.7` on the "Exim
# host" and is denied the same way. The queue check reads the same Exim's queue with
# `exim -bp` through the wrapper (queue: { mta: exim, program: lab/exim-bh }). Needs root (lab,
# sshd).
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?path of the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
# shellcheck source=lib/servers.sh
. "$(dirname "$0")/lib/servers.sh"
lab_require
servers_setup /usr/sbin/sshd ssh ssh-keygen
lab_lock
servers_and_lab_cleanup_on_exit
start_sshd

echo "== lab/up --mta exim"
"$ROOT/lab/up" --mta exim >/dev/null || { echo "FAIL: lab/up --mta exim failed"; exit 1; }
mainlog_before=$(wc -l <"$LAB_RUN/log/exim/mainlog" 2>/dev/null || echo 0)

cat >"$work/suite.yaml" <<YAML
suite: exim-bh
targets:
  exim: { host: 127.0.0.13, port: 25 }
  exim-relay: { host: 127.0.0.14, port: 25 }
vantages:
  bh-outside: { exim_bh: { address: 192.0.2.7, command: [$ROOT/lab/exim-bh] } }
  bh-inside: { exim_bh: { address: 127.0.0.20, command: [$ROOT/lab/exim-bh] } }
  bh-missing: { exim_bh: { address: 192.0.2.7, command: [/nonexistent/exim4] } }
  exim-host: { ssh: { destination: $(id -un)@127.0.0.1, port: $ssh_port, identity_file: $work/user_key,
                      ssh_options: [StrictHostKeyChecking=no, UserKnownHostsFile=/dev/null, LogLevel=ERROR] } }
  bh-ssh: { exim_bh: { address: 192.0.2.7, ssh: exim-host, command: [$ROOT/lab/exim-bh] } }
defaults: { timeout: 20s, helo: probe.mailspec.test }
checks:
  - id: relay-denied
    target: exim
    from: [bh-outside]
    relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@nospf.lab.test }
  - id: relay-allowed
    target: exim
    from: [bh-inside]
    relay: { expect: allowed, rcpt: probe@relay-test.invalid, sender: probe@nospf.lab.test }
  - id: open-relay-listener
    target: exim-relay
    from: [bh-outside]
    relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@nospf.lab.test }
  - id: relay-denied-ssh
    target: exim
    from: [bh-ssh]
    relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@nospf.lab.test }
  - id: exim-queue
    target: exim
    queue: { mta: exim, program: $ROOT/lab/exim-bh, deferred: { max: 0 }, hold: { max: 0 } }
  - id: missing-command
    target: exim
    from: [bh-missing]
    banner: { matches: "^220 " }
YAML

start=$(date +%s%N)
"$MAILSPEC" run "$work/suite.yaml" --json "$work/out.json" >"$work/console.txt" 2>&1
echo "    ran in $((($(date +%s%N) - start) / 1000000)) ms"
sed 's/^/    | /' "$work/console.txt" | tail -n 20

python3 - "$work/out.json" <<'PY' || LAB_FAILS=$((LAB_FAILS + 1))
import json, sys
doc = json.load(open(sys.argv[1]))
res = {r["check_id"]: r for r in doc["results"]}
failures = 0
def expect(cid, status, what, transcript_has=(), transcript_lacks=(), message_has=None):
    global failures
    r = res.get(cid)
    lines = [t["text"] for t in r["transcript"]] if r else []
    text = "\n".join(lines)
    cond = r is not None and r["status"] == status
    cond = cond and all(s in text for s in transcript_has)
    cond = cond and not any(s in text for s in transcript_lacks)
    cond = cond and (message_has is None or message_has in r["message"])
    print("  check: " + what + " ... " + ("ok" if cond else
          "FAILED: " + (f"{r['status']} {r['message']}\n" + "\n".join("      | " + t for t in lines) if r else "no result")))
    failures += not cond
expect("relay-denied", "pass", "192.0.2.7 may not relay through exim.lab.test (exim -bh)",
       transcript_has=("Hello probe.mailspec.test [192.0.2.7]", "550 relay not permitted", "exim-bh -bh 192.0.2.7"),
       transcript_lacks=("****",))
expect("relay-allowed", "pass", "127.0.0.20 (relay_from_hosts) may relay (exim -bh)",
       transcript_has=("[127.0.0.20]", "250 Accepted"))
expect("open-relay-listener", "fail", "exim-relay.lab.test (-oMi 127.0.0.14.25) relays for 192.0.2.7",
       transcript_has=("exim-relay.lab.test", "250 Accepted"))
expect("relay-denied-ssh", "pass", "through ssh to the Exim host, 192.0.2.7 may not relay either",
       transcript_has=("ssh " , "exim-bh -bh 192.0.2.7", "Hello probe.mailspec.test [192.0.2.7]",
                       "550 relay not permitted"),
       transcript_lacks=("****",))
expect("exim-queue", "pass", "the lab Exim's queue read with exim -bp (queue: program)",
       transcript_has=("exim-bh -bp",))
expect("missing-command", "error", "a missing command is an error naming it",
       message_has="cannot run /nonexistent/exim4")
sys.exit(1 if failures else 0)
PY

check "exim -bh delivered nothing (no new mainlog lines with <=)"
new=$(tail -n +"$((mainlog_before + 1))" "$LAB_RUN/log/exim/mainlog" 2>/dev/null | grep -c ' <= ' || true)
if [ "$new" = 0 ]; then ok; else bad "$new message(s) received" "$(tail -5 "$LAB_RUN/log/exim/mainlog")"; fi
check "no exim -bh process left behind"
sleep 0.5
if pgrep -f -- '-bh 192.0.2.7' >/dev/null || pgrep -f -- '-bh 127.0.0.20' >/dev/null; then
    bad "still running" "$(pgrep -af -- '-bh ')"
else ok; fi

[ "$LAB_FAILS" = 0 ] || { echo "FAIL: $LAB_FAILS check(s) failed"; exit 1; }
echo "PASS"
