#!/usr/bin/env bash
# The netns vantage with real namespaces: two namespaces made by this test and joined by a
# veth pair (198.18.0.0/30, an address range that exists only inside them), Postfix's
# smtp-sink listening in one, mailspec running in the root namespace with vantages in the
# other. The banner check passes and the transcript shows the namespace-side source address;
# a namespace that does not exist, or one the runner may not enter (CAP_SYS_ADMIN dropped
# with setpriv), makes its checks `error` with a clear reason. Needs root
# (ip netns add, setns). Everything made here is removed on exit.
set -euo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
for tool in ip smtp-sink python3; do
    command -v "$tool" >/dev/null || { echo "$tool not installed"; exit 1; }
done

srv=mailspec-srv-$$
cli=mailspec-cli-$$
veth_srv=msv$$s
veth_cli=msv$$c
work=$(mktemp -d)
sink_pid=
cleanup() {
    if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; fi
    ip netns del "$srv" 2>/dev/null || true  # the veth pair goes with it
    ip netns del "$cli" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$srv" || { echo "cannot create network namespaces (needs root)"; exit 1; }
ip netns add "$cli"
ip link add "$veth_srv" type veth peer name "$veth_cli"
ip link set "$veth_srv" netns "$srv"
ip link set "$veth_cli" netns "$cli"
ip -n "$srv" addr add 198.18.0.1/30 dev "$veth_srv"
ip -n "$cli" addr add 198.18.0.2/30 dev "$veth_cli"
for ns in "$srv" "$cli"; do ip -n "$ns" link set lo up; done
ip -n "$srv" link set "$veth_srv" up
ip -n "$cli" link set "$veth_cli" up

ip netns exec "$srv" smtp-sink -u nobody 198.18.0.1:2525 10 &
sink_pid=$!
for _ in $(seq 50); do
    if ip netns exec "$cli" python3 -c 'import socket
socket.create_connection(("198.18.0.1", 2525), 1).close()' 2>/dev/null; then break; fi
    sleep 0.1
done

cat >"$work/suite.yaml" <<YAML
suite: netns
targets: { sink: { host: 198.18.0.1, port: 2525 } }
vantages:
  beyond: { netns: $cli }
  beyond-bound: { netns: { name: $cli, bind: 198.18.0.2 } }
  missing: { netns: mailspec-missing-$$ }
defaults: { timeout: 5s, from: [beyond, beyond-bound, missing] }
checks:
  - id: banner
    banner: { code: 220 }
  - id: banner-again
    banner: { code: 220 }
YAML

status=0
"$MAILSPEC" run "$work/suite.yaml" --json "$work/out.json" >"$work/console.txt" 2>&1 || status=$?
cat "$work/console.txt"
[ "$status" -eq 1 ] || { echo "FAIL: expected exit status 1 (errors present), got $status"; exit 1; }

python3 - "$work/out.json" "mailspec-missing-$$" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
missing = sys.argv[2]
res = {(r["check_id"], r["vantage"]): r for r in doc["results"]}
failures = 0
def expect(cond, what, r=None):
    global failures
    print(("ok   " if cond else "FAIL ") + what + ("" if cond or r is None else f": {r['status']} {r['message']} {r['transcript']}"))
    failures += not cond

for check in ["banner", "banner-again"]:
    for v in ["beyond", "beyond-bound"]:
        r = res[(check, v)]
        expect(r["status"] == "pass", f"{check} passes from namespace vantage {v}", r)
        expect(any(t["text"] == "connected from 198.18.0.2" for t in r["transcript"]),
               f"{check} @ {v}: the transcript shows the namespace-side address 198.18.0.2", r)
        expect(r["endpoint"] == "198.18.0.1:2525", f"{check} @ {v}: endpoint is the sink", r)
    r = res[(check, "missing")]
    expect(r["status"] == "error" and f"network namespace '{missing}' does not exist" in r["message"]
           and r["message"].startswith("vantage 'missing' cannot be used"),
           f"{check} @ missing: error saying the namespace does not exist", r)
expect(len(doc["results"]) == 6, "one result per (check, vantage)")
sys.exit(1 if failures else 0)
PY

# Without capabilities (root, but CAP_SYS_ADMIN dropped) entering the namespace is refused.
if command -v setpriv >/dev/null; then
    status=0
    setpriv --bounding-set=-all --inh-caps=-all "$MAILSPEC" run "$work/suite.yaml" --json "$work/noperm.json" \
        >"$work/noperm.txt" 2>&1 || status=$?
    python3 - "$work/noperm.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
bad = [r for r in doc["results"] if r["vantage"] == "beyond"
       and not (r["status"] == "error" and "not permitted to enter network namespace" in r["message"])]
print("FAIL without CAP_SYS_ADMIN: " + repr(bad) if bad else
      "ok   without CAP_SYS_ADMIN the vantage is an error saying entering is not permitted")
sys.exit(1 if bad else 0)
PY
fi
