#!/usr/bin/env bash
# `mailspec spf` against a real unbound serving a small test zone on a loopback port of its own
# (the same SPF zones the lab DNS serves): pass / fail / softfail / none, plus include, mx,
# multi-string TXT, JSON output, and a bounded temperror when the server is gone. Also the
# non-ASCII cases of the RFC 7208 test suite (issue #22: `spf --json` aborted on them), with
# their zone data (rfc7208-tests.yml, "Initial processing"; \DDD are the octets 0x80, 0x96).
set -euo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
command -v unbound >/dev/null || { echo "unbound not installed"; exit 1; }

work=$(mktemp -d)
unbound_pid=
cleanup() {
    if [ -n "$unbound_pid" ]; then kill "$unbound_pid" 2>/dev/null || true; wait "$unbound_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat >"$work/unbound.conf" <<CONF
server:
    interface: 127.0.0.1
    port: $port
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$work"
    pidfile: "$work/unbound.pid"
    logfile: "$work/unbound.log"
    use-syslog: no
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    local-zone: "lab.test." static
    local-data: 'lab.test. TXT "v=spf1 ip4:127.0.0.20 -all"'
    local-data: 'spf-pass.lab.test. TXT "v=spf1 ip4:127.0.0.0/8 -all"'
    local-data: 'spf-fail.lab.test. TXT "v=spf1 -all"'
    local-data: 'spf-softfail.lab.test. TXT "v=spf1 ~all"'
    local-data: 'no-spf.lab.test. TXT "not an spf record"'
    local-data: 'no-mx.lab.test. TXT "v=spf1 mx -all"'
    local-data: 'split.lab.test. TXT "v=spf1 ip4:127.0.0.0/8" " -all"'
    local-data: 'include.lab.test. TXT "v=spf1 include:spf-pass.lab.test -all"'
    local-data: 'mx.lab.test. TXT "v=spf1 mx -all exp=exp.lab.test"'
    local-data: 'mx.lab.test. MX 10 mail.lab.test.'
    local-data: 'mail.lab.test. A 127.0.0.25'
    local-data: 'exp.lab.test. TXT "%{i} is not a mail server of %{d}"'
    local-zone: "example.com." static
    local-zone: "example.net." static
    local-data: 'example.net. TXT "v=spf1 -all exp=exp.example.net"'
    local-data: 'hosed2.example.com. TXT "v=spf1 \\128a:example.net -all"'
    local-data: 'hosed3.example.com. TXT "v=spf1 a:example.net \\150all"'
    local-data: 'nothosed.example.com. TXT "v=spf1 a:example.net -all"'
    local-data: 'nothosed.example.com. TXT "\\150"'
remote-control:
    control-enable: no
CONF

unbound -c "$work/unbound.conf" &
unbound_pid=$!
# Wait until unbound answers (it binds within a moment).
for _ in $(seq 1 50); do
    if grep -q '^spf: pass' <<<"$("$MAILSPEC" spf --dns "127.0.0.1:$port" --timeout 200ms \
        --ip 127.0.0.1 --sender probe@spf-pass.lab.test 2>/dev/null)"; then
        break
    fi
    kill -0 "$unbound_pid" 2>/dev/null || { cat "$work/unbound.log" >&2 || true; echo "unbound died"; exit 1; }
    sleep 0.1
done

failures=0
expect() { # expected-result ip sender [extra args...]
    local want=$1 ip=$2 sender=$3
    shift 3
    local out got
    out=$("$MAILSPEC" spf --dns "127.0.0.1:$port" --ip "$ip" --sender "$sender" "$@")
    got=$(printf '%s\n' "$out" | sed -n 's/^spf: //p')
    if [ "$got" = "$want" ]; then
        echo "ok   $want  $ip $sender $*"
    else
        echo "FAIL $ip $sender $*: want $want, got $got"
        printf '%s\n' "$out"
        failures=$((failures + 1))
    fi
}

expect pass      127.0.0.1  probe@spf-pass.lab.test
expect fail      192.0.2.1  probe@spf-pass.lab.test
expect fail      127.0.0.1  probe@spf-fail.lab.test
expect softfail  127.0.0.1  probe@spf-softfail.lab.test
expect none      127.0.0.1  probe@no-spf.lab.test
expect none      127.0.0.1  probe@nowhere.lab.test
expect pass      127.0.0.20 probe@lab.test
expect fail      127.0.0.21 probe@lab.test
expect fail      127.0.0.1  probe@no-mx.lab.test
expect pass      127.0.0.9  probe@split.lab.test
expect pass      127.0.0.9  probe@include.lab.test
expect pass      127.0.0.25 probe@mx.lab.test
expect fail      127.0.0.26 probe@mx.lab.test
expect pass      127.0.0.3  '<>' --helo spf-pass.lab.test
expect fail      127.0.0.3  anyone@spf-pass.lab.test --helo spf-fail.lab.test --identity helo

# The explanation comes from exp= with macros expanded.
out=$("$MAILSPEC" spf --dns "127.0.0.1:$port" --ip 127.0.0.26 --sender probe@mx.lab.test)
if ! grep -q 'explanation: 127.0.0.26 is not a mail server of mx.lab.test' <<<"$out"; then
    echo "FAIL explanation"; printf '%s\n' "$out"; failures=$((failures + 1))
else
    echo "ok   exp= explanation"
fi

# JSON output carries the same fields.
json=$("$MAILSPEC" spf --dns "127.0.0.1:$port" --ip 127.0.0.1 --sender probe@spf-fail.lab.test --json)
if printf '%s' "$json" | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["result"] == "fail", j
assert j["record"] == "v=spf1 -all", j
assert j["lookups"][0]["type"] == "TXT" and j["lookups"][0]["status"] == "ok", j
assert j["explanation"], j
'; then echo "ok   --json"; else echo "FAIL --json"; failures=$((failures + 1)); fi

# RFC 7208 suite: non-ascii-mech, non-ascii-result, non-ascii-non-spf. The verdicts in text
# and in JSON; the JSON is strict UTF-8 and its *_base64 fields hold the record's exact octets.
expect permerror 1.2.3.4 foobar@hosed2.example.com --helo hosed
expect permerror 1.2.3.4 foobar@hosed3.example.com --helo hosed
expect fail      1.2.3.4 foobar@nothosed.example.com --helo hosed
check_json() { # sender result python-assertions
    local out rc
    out=$("$MAILSPEC" spf --dns "127.0.0.1:$port" --ip 1.2.3.4 --sender "$1" --helo hosed --json 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && printf '%s' "$out" | python3 -c '
import base64, json, sys
raw = sys.stdin.buffer.read()
j = json.loads(raw.decode("utf-8", errors="strict"))
assert j["result"] == sys.argv[1], j
'"$3" "$2"; then echo "ok   --json $1: $2"
    else echo "FAIL --json $1 (exit $rc)"; printf '%s\n' "$out"; failures=$((failures + 1)); fi
}
set +e
check_json foobar@hosed2.example.com permerror '
assert base64.b64decode(j["record_base64"]) == b"v=spf1 \x80a:example.net -all", j
assert j["record"] == "v=spf1 \\x80a:example.net -all", j'
check_json foobar@hosed3.example.com permerror '
assert base64.b64decode(j["record_base64"]) == b"v=spf1 a:example.net \x96all", j'
check_json foobar@nothosed.example.com fail '
assert j["record"] == "v=spf1 a:example.net -all" and "record_base64" not in j, j
recs = [base64.b64decode(r) for r in j["lookups"][0]["records_base64"]]
assert b"\"\x96\"" in recs, recs
assert "is not allowed to send mail for nothosed.example.com" in j["explanation"], j'
set -e
out=$("$MAILSPEC" spf --dns "127.0.0.1:$port" --ip 1.2.3.4 --sender foobar@hosed2.example.com --helo hosed)
if grep -q 'record: *v=spf1 \\x80a:example.net -all' <<<"$out"; then echo "ok   text output escapes the octet"
else echo "FAIL text output"; printf '%s\n' "$out"; failures=$((failures + 1)); fi

# A server that is gone: temperror, and the command still ends (bounded by --timeout; the
# silent-server case is covered by the resolver's unit tests).
kill "$unbound_pid"; wait "$unbound_pid" 2>/dev/null || true; unbound_pid=
start=$(date +%s)
expect temperror 127.0.0.1 probe@spf-pass.lab.test --timeout 1s
[ $(( $(date +%s) - start )) -le 10 ] || { echo "FAIL: temperror took too long"; failures=$((failures + 1)); }

# Usage errors exit 2.
set +e
"$MAILSPEC" spf --ip not-an-ip --sender a@b.example >/dev/null 2>&1; rc1=$?
"$MAILSPEC" spf --ip 127.0.0.1 --sender a@b.example --dns bad:server >/dev/null 2>&1; rc2=$?
set -e
if [ $rc1 -eq 2 ] && [ $rc2 -eq 2 ]; then echo "ok   usage errors exit 2"; else
    echo "FAIL usage exit codes: $rc1 $rc2"; failures=$((failures + 1)); fi

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all SPF DNS checks passed"
