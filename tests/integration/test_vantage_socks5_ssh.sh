#!/usr/bin/env bash
# The socks5 vantage through `ssh -D`: a local sshd (Debian's openssh-server, own config,
# host and user keys made by this test, loopback only) and the system's ssh client as the
# SOCKS5 proxy; the banner check against Postfix's smtp-sink passes through the tunnel, with
# the target name resolved on the far side. Needs root (sshd; it also needs /run/sshd).
set -euo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
# shellcheck source=lib/servers.sh
. "$(dirname "$0")/lib/servers.sh"
servers_setup /usr/sbin/sshd ssh ssh-keygen smtp-sink

start_sshd "AllowTcpForwarding yes"
socks_port=$(free_port 127.0.0.1)
sink_port=$(free_port 127.0.0.1)
ssh -N -D "127.0.0.1:$socks_port" -p "$ssh_port" -i "$work/user_key" -o BatchMode=yes \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -o ExitOnForwardFailure=yes "$(id -un)@127.0.0.1" 2>"$work/ssh.log" & pids+=($!)
smtp-sink -u nobody "127.0.0.1:$sink_port" 10 & pids+=($!)
wait_listening 127.0.0.1 "$sink_port"
wait_listening 127.0.0.1 "$socks_port"

cat >"$work/suite.yaml" <<YAML
suite: socks5-ssh
targets:
  by-address: { host: 127.0.0.1, port: $sink_port }
  by-name: { host: localhost, port: $sink_port }
vantages:
  tunnel: { socks5: "127.0.0.1:$socks_port" }
defaults: { timeout: 10s, from: [tunnel] }
checks:
  - id: banner
    target: by-address
    banner: { code: 220 }
  - id: banner-by-name
    target: by-name
    banner: { code: 220 }
YAML

status=0
"$MAILSPEC" run "$work/suite.yaml" --json "$work/out.json" >"$work/console.txt" 2>&1 || status=$?
cat "$work/console.txt"
python3 - "$work/out.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
res = {r["check_id"]: r for r in doc["results"]}
failures = 0
for cid, what in [("banner", "an address target"), ("banner-by-name", "a name resolved by sshd's side")]:
    r = res[cid]
    ok = r["status"] == "pass" and any("via socks5 127.0.0.1:" in t["text"] for t in r["transcript"])
    print(("ok   " if ok else "FAIL ") + f"banner through ssh -D to {what}" + ("" if ok else f": {r['status']} {r['message']}"))
    failures += not ok
sys.exit(1 if failures else 0)
PY
[ "$status" -eq 0 ] || { echo "FAIL: exit status $status"; cat "$work/sshd.log" "$work/ssh.log"; exit 1; }
