#!/usr/bin/env bash
# `mailspec load` against `mailspec sink` on loopback: the sink receives exactly the messages
# load says it sent (plain with pipelining, STARTTLS with a verified certificate and AUTH),
# and load refuses destinations outside loopback/private networks and unusable options
# before it sends anything. Counts only, no timing.
set -euo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
# shellcheck source=lib/servers.sh
. "$(dirname "$0")/lib/servers.sh"
servers_setup openssl

fails=0
check() { printf '  check: %s ... ' "$1"; }
ok() { echo ok; }
bad() { echo "FAIL: $1"; fails=$((fails + 1)); }
json() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

# A CA and a server certificate for 127.0.0.1, for the STARTTLS run.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days 2 \
    -subj /CN=load-test-ca >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$work/server.key" -out "$work/server.csr" \
    -subj /CN=127.0.0.1 >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >"$work/ext.cnf"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -CAcreateserial -out "$work/server.pem" -days 2 -extfile "$work/ext.cnf" >/dev/null 2>&1

start_sink() { # name, extra args...
    local name=$1 port
    shift
    port=$(free_port 127.0.0.1)
    "$MAILSPEC" sink --listen "127.0.0.1:$port" --json "$@" >"$work/$name.json" 2>"$work/$name.err" &
    pids+=($!)
    sink_pid=$!
    wait_listening 127.0.0.1 "$port"
    sink_port=$port
}
stop_sink() {
    kill -INT "$sink_pid"
    wait "$sink_pid" || true
}

echo "== plain, pipelined, 5 messages per connection"
start_sink plain
rc=0
"$MAILSPEC" load --port "$sink_port" --messages 500 --sessions 20 --per-connection 5 \
    --recipients 2 --size 3000 --pipelining --json -q >"$work/load.json" || rc=$?
stop_sink
check "load exits 0 and reports 500 messages accepted, none failed"
if [ $rc = 0 ] && [ "$(json "$work/load.json" messages_ok)" = 500 ] &&
    [ "$(json "$work/load.json" messages_failed)" = 0 ]; then ok; else bad "rc=$rc $(cat "$work/load.json")"; fi
check "the sink received exactly 500 messages, 1000 recipients, 1 500 000 octets"
if [ "$(json "$work/plain.json" messages)" = 500 ] && [ "$(json "$work/plain.json" recipients)" = 1000 ] &&
    [ "$(json "$work/plain.json" bytes)" = 1500000 ]; then ok; else bad "$(cat "$work/plain.json")"; fi
check "connections agree: 100-119 (20 sessions end short at most once), the sink saw one more (wait_listening)"
lc=$(json "$work/load.json" connections)
sc=$(json "$work/plain.json" connections)
if [ "$lc" -ge 100 ] && [ "$lc" -le 119 ] && [ "$sc" = $((lc + 1)) ]; then ok; else bad "sink $sc, load $lc"; fi

echo "== STARTTLS verified against the CA, AUTH PLAIN with the password from the environment"
start_sink tls --cert "$work/server.pem" --key "$work/server.key" --messages 60
rc=0
LOAD_TEST_PW='not a real secret' "$MAILSPEC" load --port "$sink_port" --messages 60 --sessions 6 \
    --starttls --ca-file "$work/ca.pem" --auth alice --password-env LOAD_TEST_PW -q \
    >"$work/load-tls.txt" || rc=$?
wait "$sink_pid" || true  # --messages 60 stops the sink by itself
check "load over STARTTLS exits 0 with 60 accepted and TLS latencies"
if [ $rc = 0 ] && grep -q '^60 messages accepted, 0 failed' "$work/load-tls.txt" &&
    grep -q '^tls  *60 ' "$work/load-tls.txt" && grep -q '^auth  *60 ' "$work/load-tls.txt"
then ok; else bad "rc=$rc $(cat "$work/load-tls.txt")"; fi
check "the sink saw 60 messages over 60 TLS handshakes"
if [ "$(json "$work/tls.json" messages)" = 60 ] && [ "$(json "$work/tls.json" tls)" = 60 ]; then ok
else bad "$(cat "$work/tls.json")"; fi
check "the password is not in load's output"
if grep -q 'not a real secret' "$work/load-tls.txt"; then bad "password printed"; else ok; fi

echo "== --threads 2: two event loops share sessions and messages, one report"
start_sink threads
rc=0
"$MAILSPEC" load --port "$sink_port" --messages 301 --sessions 10 --threads 2 --json -q \
    >"$work/load-threads.json" || rc=$?
stop_sink
check "load --threads 2 reports 301 accepted over 301 connections, and the sink got 301"
if [ $rc = 0 ] && [ "$(json "$work/load-threads.json" messages_ok)" = 301 ] &&
    [ "$(json "$work/load-threads.json" connections)" = 301 ] &&
    [ "$(json "$work/threads.json" messages)" = 301 ]; then ok
else bad "rc=$rc $(cat "$work/load-threads.json") $(cat "$work/threads.json")"; fi

echo "== refusals before anything is sent"
rc=0
out=$("$MAILSPEC" load --host 192.0.2.1 --messages 1 2>&1) || rc=$?
check "a public destination is refused (exit 2) without --i-know-this-sends-mail"
if [ $rc = 2 ] && grep -q -- '--i-know-this-sends-mail' <<<"$out"; then ok; else bad "rc=$rc $out"; fi
rc=0
out=$("$MAILSPEC" load --messages 5 --duration 5s 2>&1) || rc=$?
check "--messages with --duration is a usage error"
if [ $rc = 2 ] && grep -q 'not both' <<<"$out"; then ok; else bad "rc=$rc $out"; fi
rc=0
out=$("$MAILSPEC" load --messages 5 --auth alice 2>&1) || rc=$?
check "--auth without a password source is a usage error"
if [ $rc = 2 ] && grep -q 'password-env' <<<"$out"; then ok; else bad "rc=$rc $out"; fi
rc=0
dead=$(free_port 127.0.0.1)
out=$("$MAILSPEC" load --port "$dead" --messages 3 -q 2>&1) || rc=$?
check "nothing listening: exit 1, 3 failed, reason counted"
if [ $rc = 1 ] && grep -q '^0 messages accepted, 3 failed' <<<"$out" && grep -q 'connect: ' <<<"$out"
then ok; else bad "rc=$rc $out"; fi

[ $fails = 0 ] && echo "PASS" || { echo "$fails check(s) failed"; exit 1; }
