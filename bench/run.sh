#!/usr/bin/env bash
# ./run bench: mailspec against the tools users would pick instead, side by side, loopback only.
#   (a) a 200-check suite against the lab Postfix vs the same 200 probes as sequential swaks
#   (b) mailspec load vs Postfix's smtp-source against Postfix's smtp-sink, 20 and 100 sessions,
#       and mailspec load with STARTTLS (against mailspec sink: smtp-sink has no TLS)
#   (c) peak RSS of mailspec load holding 1000 sessions
#   (d) mailspec validate on a generated 10 000-check suite
# Medians of RUNS runs (default 5) go to bench/RESULTS.md (or $BENCH_RESULTS).
# Usage: bench/run.sh [--runs N] [--only a,b,c,d]      env: MAILSPEC = the binary to measure
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
MAILSPEC=${MAILSPEC:-$ROOT/build/mailspec}
RESULTS=${BENCH_RESULTS:-$BENCH/RESULTS.md}
RUNS=5
ONLY=a,b,c,d
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        *) echo "usage: bench/run.sh [--runs N] [--only a,b,c,d]" >&2; exit 2 ;;
    esac
done
[ -x "$MAILSPEC" ] || { echo "bench: build mailspec first ($MAILSPEC)" >&2; exit 1; }
for t in smtp-source smtp-sink swaks python3 openssl; do
    command -v "$t" >/dev/null || { echo "bench: missing $t" >&2; exit 1; }
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

# shellcheck source=../tests/integration/lib/servers.sh
. "$ROOT/tests/integration/lib/servers.sh"
servers_setup
ulimit -n 8192 2>/dev/null || true  # 1000 sessions on both ends
rows=$work/rows.tsv  # section, what, run, wall_s, rss_kib, messages, extra
: >"$rows"

measure() { # section what run outfile command... -> appends a row
    local sec=$1 what=$2 run=$3 out=$4
    shift 4
    local m
    m=$(python3 "$BENCH/measure.py" --out "$out" "$@")
    printf '%s\t%s\t%s\t%s\n' "$sec" "$what" "$run" "$m" >>"$rows"
    [ "$(cut -f3 <<<"$m")" = 0 ] || { echo "bench: $what run $run failed:"; tail -5 "$out"; exit 1; }
}
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

echo "bench: $RUNS runs each; sections $ONLY; mailspec $("$MAILSPEC" --version)"

# --- (d) validate a 10 000-check suite ------------------------------------------------------
if wants d; then
    echo "== (d) mailspec validate, 10 000 checks"
    python3 "$BENCH/gen_suite.py" validate 10000 >"$work/big.yaml"
    "$MAILSPEC" validate "$work/big.yaml" >/dev/null
    for r in $(seq "$RUNS"); do
        measure d validate "$r" "$work/validate.out" "$MAILSPEC" validate "$work/big.yaml"
    done
fi

# --- (b) load vs smtp-source against smtp-sink ----------------------------------------------
if wants b || wants c; then
    sink_port=$(free_port 127.0.0.1)
    smtp-sink -u nobody -m 2000 127.0.0.1:"$sink_port" 2048 & pids+=($!)
    wait_listening 127.0.0.1 "$sink_port"
fi
if wants b; then
    MESSAGES=${BENCH_MESSAGES:-3000}
    # smtp-source's -l is the body; measure its whole message on mailspec sink to send the same.
    probe_port=$(free_port 127.0.0.1)
    "$MAILSPEC" sink --listen 127.0.0.1:"$probe_port" --json >"$work/probe.json" 2>/dev/null &
    probe=$!
    wait_listening 127.0.0.1 "$probe_port"
    smtp-source -s 2 -m 10 -l 1024 -f load@mailspec.test -t sink@mailspec.test 127.0.0.1:"$probe_port"
    kill -INT $probe
    wait $probe
    [ "$(json_field "$work/probe.json" messages)" = 10 ] || { echo "bench: size probe failed"; exit 1; }
    size=$(( $(json_field "$work/probe.json" bytes) / 10 ))
    echo "== (b) $MESSAGES messages of $size octets (smtp-source -l 1024), one per connection"

    # An ECDSA certificate for the STARTTLS runs, as modern MTAs use.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -keyout "$work/tls.key" -out "$work/tls.pem" -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
    tls_port=$(free_port 127.0.0.1)
    "$MAILSPEC" sink --listen 127.0.0.1:"$tls_port" --cert "$work/tls.pem" --key "$work/tls.key" --threads 2 \
        >/dev/null 2>&1 & pids+=($!)
    wait_listening 127.0.0.1 "$tls_port"

    for s in 20 100; do
        for r in $(seq "$RUNS"); do
            measure b "smtp-source s=$s" "$r" "$work/src.out" \
                smtp-source -s "$s" -m "$MESSAGES" -l 1024 -f load@mailspec.test \
                -t sink@mailspec.test 127.0.0.1:"$sink_port"
            measure b "mailspec load s=$s" "$r" "$work/load.json" \
                "$MAILSPEC" load --port "$sink_port" --sessions "$s" --messages "$MESSAGES" \
                --size "$size" --json -q
            [ "$(json_field "$work/load.json" messages_ok)" = "$MESSAGES" ] ||
                { echo "bench: load lost messages"; cat "$work/load.json"; exit 1; }
            measure b "mailspec load STARTTLS s=$s" "$r" "$work/load-tls.json" \
                "$MAILSPEC" load --port "$tls_port" --sessions "$s" --messages "$MESSAGES" \
                --size "$size" --starttls --ca-file "$work/tls.pem" --json -q
            [ "$(json_field "$work/load-tls.json" messages_ok)" = "$MESSAGES" ] ||
                { echo "bench: load over TLS lost messages"; cat "$work/load-tls.json"; exit 1; }
        done
    done
fi

# --- (c) 1000 sessions at once: smtp-sink holds each DATA reply for 1 s ----------------------
if wants c; then
    echo "== (c) mailspec load, 1000 concurrent sessions"
    slow_port=$(free_port 127.0.0.1)
    smtp-sink -u nobody -m 2000 -w 1 127.0.0.1:"$slow_port" 2048 & pids+=($!)
    wait_listening 127.0.0.1 "$slow_port"
    for r in $(seq "$RUNS"); do
        measure c "mailspec load s=1000" "$r" "$work/load1000.json" \
            "$MAILSPEC" load --port "$slow_port" --sessions 1000 --messages 2000 --size 1024 --json -q
        [ "$(json_field "$work/load1000.json" messages_ok)" = 2000 ] ||
            { echo "bench: load lost messages"; cat "$work/load1000.json"; exit 1; }
    done
fi

# --- (a) 200 checks: mailspec run vs a swaks loop, against the lab ---------------------------
if wants a; then
    echo "== (a) 200 checks against the lab Postfix (waiting for the lab lock)"
    # shellcheck source=../lab/lib/testing.sh
    . "$ROOT/lab/lib/testing.sh"
    lab_require
    lab_lock
    trap '"$ROOT/lab/down" >/dev/null 2>&1 || true; servers_cleanup' EXIT
    "$ROOT/lab/up" >/dev/null
    python3 "$BENCH/gen_suite.py" lab 200 >"$work/lab.yaml"
    python3 "$BENCH/gen_suite.py" swaks 200 >"$work/swaks.sh"
    "$MAILSPEC" run "$work/lab.yaml" -q >"$work/run.out" ||
        { echo "bench: the 200-check suite does not pass against the lab:"; cat "$work/run.out"; exit 1; }
    for r in $(seq "$RUNS"); do
        measure a "mailspec run" "$r" "$work/run.out" "$MAILSPEC" run "$work/lab.yaml" -q
        measure a "mailspec run --jobs 2" "$r" "$work/run.out" "$MAILSPEC" run "$work/lab.yaml" -q --jobs 2
        measure a "swaks loop" "$r" "$work/swaks.out" bash "$work/swaks.sh"
    done
    "$ROOT/lab/down" >/dev/null
fi

python3 "$BENCH/report.py" "$rows" "$RUNS" "${MESSAGES:-3000}" "${size:-}" >"$RESULTS"
echo "bench: wrote ${RESULTS#$ROOT/}"
cat "$RESULTS"
