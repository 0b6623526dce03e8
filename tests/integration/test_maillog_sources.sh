#!/usr/bin/env bash
# Where the maillog check reads the server's log, against the lab's Postfix (lab/up): a probe
# message is accepted from outside, then its queue id is followed to status=sent relay=virtual
# in lab/run/log/postfix.log read through an ssh vantage's login (a real sshd on loopback;
# `file:` becomes `tail -F` on the "mail host"), through `command:` (tail -F run here), and
# from the systemd journal (`journal: postfix@-.service`, read by the real journalctl). A
# probe sent by an ssh vantage's agent is followed too: that maillog check runs on the runner
# with the queue id the agent brought back. The lab's Postfix logs to its file, not to syslog,
# so for the journal part a real systemd-journald runs in a private mount namespace and a
# forwarder (lib/journal_forward.py) hands it each new Postfix line as syslog would, from a
# cgroup named system.slice/postfix@-.service so that journald records that unit. A wrong unit
# fails within its bound; ssh to a port where nothing listens is an error with ssh's reason.
# Needs root.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
# shellcheck source=lib/servers.sh
. "$(dirname "$0")/lib/servers.sh"
lab_require
servers_setup /usr/sbin/sshd ssh ssh-keygen journalctl /lib/systemd/systemd-journald
lab_lock
servers_and_lab_cleanup_on_exit
start_sshd
"$ROOT/lab/up" --variant correct >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
export LOGFILE=$LAB_RUN/log/postfix.log SSH_USER
SSH_USER=$(id -un)

ssh_vantage() { # port
    echo "{ ssh: { destination: $(id -un)@127.0.0.1, port: $1, binary: \"$MAILSPEC\", bind: 127.0.0.30, identity_file: $work/user_key, ssh_options: [StrictHostKeyChecking=no, UserKnownHostsFile=/dev/null, LogLevel=ERROR] } }"
}
# suite FILE SOURCE...: a probe from outside, then one maillog check per "id=SOURCE" argument.
suite() {
    local out=$1 spec
    shift
    cat >"$out" <<YAML
suite: maillog-sources
targets: { mx: { host: 127.0.0.10, port: 25 } }
vantages:
  outside: { bind: 127.0.0.30 }
  mail-host: $(ssh_vantage "$ssh_port")
  no-sshd: $(ssh_vantage "$(free_port 127.0.0.1)")
defaults: { timeout: 15s, from: [outside] }
checks:
  - id: probe
    smtp:
      - ehlo: probe.mailspec.test
      - mail_from: probe@spf-pass.lab.test
      - rcpt_to: bob@lab.test
      - data: { headers: { Subject: maillog sources }, body: "probe\n", complete: true }
        expect: 250
YAML
    for spec in "$@"; do
        printf '  - id: %s\n    maillog: { after: probe, status: sent, relay: "^virtual$", %s }\n' \
            "${spec%%=*}" "${spec#*=}" >>"$out"
    done
}

echo "== file over ssh, command, and a probe sent by an ssh vantage's agent"
suite "$work/ssh.yaml" "over-ssh=ssh: mail-host, file: $LOGFILE, within: 10s" \
    "by-command=command: [tail, -c, \"+1\", -F, $LOGFILE], within: 10s" \
    "ssh-down=ssh: no-sshd, file: $LOGFILE, within: 10s"
cat >>"$work/ssh.yaml" <<YAML
  - id: agent-probe
    from: [mail-host]
    smtp:
      - ehlo: probe.mailspec.test
      - mail_from: probe@spf-pass.lab.test
      - rcpt_to: bob@lab.test
      - data: { headers: { Subject: maillog from an agent }, body: "probe\n", complete: true }
        expect: 250
  - id: agent-probe-logged
    from: [mail-host]
    maillog: { after: agent-probe, file: $LOGFILE, status: sent, relay: "^virtual$", within: 10s }
YAML
"$MAILSPEC" run --json "$work/ssh.json" "$work/ssh.yaml" >"$work/ssh.out" 2>&1
expect_results "$work/ssh.json" <<'PY'
want("probe", "pass")
r = want("over-ssh", "pass", "status=sent", "relay=virtual")
prop(r, "maillog.status", "sent")
import os
where = os.environ["LOGFILE"] + " on " + os.environ["SSH_USER"] + "@127.0.0.1"
print("  check: over-ssh names the file on the ssh host ... " +
      ("ok" if r and r["endpoint"] == where else f"FAILED: {r and r['endpoint']!r}, expected {where!r}"))
fails += not (r and r["endpoint"] == where)
want("by-command", "pass", "status=sent")
want("ssh-down", "error", "ssh ended (exit status 255)", "Connection refused")
want("agent-probe", "pass")
r = want("agent-probe-logged", "pass", "status=sent", "relay=virtual")
prop(r, "ssh.destination", None)  # ran on the runner, not through the agent
print("  check: agent-probe-logged found the agent's queue id ... " +
      ("ok" if r and r["properties"].get("queue_id") == by["agent-probe"]["properties"].get("queue_id") else "FAILED"))
fails += not (r and r["properties"].get("queue_id") == by["agent-probe"]["properties"].get("queue_id"))
PY

echo "== the systemd journal (journald in a private mount namespace)"
CG=/sys/fs/cgroup/unified/system.slice/postfix@-.service
if [ ! -d /sys/fs/cgroup/unified ] && [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    CG=/sys/fs/cgroup/system.slice/postfix@-.service
fi
suite "$work/journal.yaml" "journal=journal: postfix@-.service, within: 10s" \
    "wrong-unit=journal: exim4.service, within: 2s"
cat >"$work/journal.sh" <<'SH'
set -eu
work=$1 cg=$2 logfile=$3 mailspec=$4 forward=$5
mount -t tmpfs mailspec-journal /run/systemd 2>/dev/null || { mkdir -p /run/systemd && mount -t tmpfs mailspec-journal /run/systemd; }
mkdir -p /run/systemd/journal /run/log
mount -t tmpfs mailspec-journal /run/log
# Where journald would keep a persistent journal: this namespace's own, empty, thrown away.
[ ! -d /var/log/journal ] || mount -t tmpfs mailspec-journal /var/log/journal
/lib/systemd/systemd-journald >"$work/journald.log" 2>&1 &
journald=$!
for _ in $(seq 50); do [ -S /run/systemd/journal/dev-log ] && break; sleep 0.1; done
[ -S /run/systemd/journal/dev-log ] || { echo "journald did not start: $(cat "$work/journald.log")"; exit 1; }
# The forwarder (lib/journal_forward.py): each new Postfix line to journald, as syslog would.
python3 "$forward" "$logfile" "$cg" >"$work/forward.log" 2>&1 &
forwarder=$!
for _ in $(seq 50); do grep -q ready "$work/forward.log" && break; sleep 0.1; done
grep -q ready "$work/forward.log" || { echo "the forwarder did not start: $(cat "$work/forward.log")"; exit 1; }
rc=0
"$mailspec" run --json "$work/journal.json" "$work/journal.yaml" >"$work/journal.out" 2>&1 || rc=$?
journalctl --no-pager -o short-iso -u postfix@-.service >"$work/journal.txt" 2>&1 || true
kill "$forwarder" "$journald" 2>/dev/null || true
wait 2>/dev/null || true
exit $rc
SH
check "a cgroup for postfix@-.service can be made (journald derives the unit from it)"
if mkdir -p "$CG" 2>/dev/null; then
    ok
    unshare --mount --propagation private bash "$work/journal.sh" "$work" "$CG" "$LOGFILE" "$MAILSPEC" \
        "$(dirname "$0")/lib/journal_forward.py" >"$work/journal.run" 2>&1
    check "the forwarded lines are in the journal under unit postfix@-.service"
    if grep -q 'postfix/smtpd\[[0-9]*\]: .*client=' "$work/journal.txt"; then ok; else
        bad "$(tail -5 "$work/journal.txt") $(cat "$work/journal.run")"; fi
    expect_results "$work/journal.json" <<'PY'
r = want("journal", "pass", "status=sent", "relay=virtual")
print("  check: the journal source is named ... " +
      ("ok" if r and r["endpoint"] == "the journal of postfix@-.service" else f"FAILED: {r and r['endpoint']}"))
fails += not (r and r["endpoint"] == "the journal of postfix@-.service")
want("wrong-unit", "fail", "no delivery line for the message in the log within 2s", "the journal of exim4.service")
PY
    # Processes left the cgroup with the namespace's end; an empty cgroup can go.
    for _ in $(seq 20); do rmdir "$CG" 2>/dev/null && break; sleep 0.1; done
else
    echo "SKIP (no writable cgroup hierarchy here: journald could not name the unit)"
fi
lab_finish
