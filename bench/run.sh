#!/usr/bin/env bash
# ./run bench: mailspec against the tools users would pick instead, side by side, loopback only.
#   (a) a 200-check suite against the lab Postfix vs the same 200 probes as sequential swaks
#   (b) mailspec load vs Postfix's smtp-source against Postfix's smtp-sink, 20 and 100 sessions,
#       and mailspec load with STARTTLS (against mailspec sink: smtp-sink has no TLS)
#   (c) peak RSS of mailspec load holding 1000 sessions
#   (d) mailspec validate on a generated 10 000-check suite
#   (e) mailspec load over TLS (implicit and STARTTLS, new and resumed sessions) vs openssl
#       s_time against mailspec sink: the machine's TLS handshake rate
#   (f) 500 targets x the mx-baseline suite in a network namespace, sharded 1, 2 and 4 ways
#   (g) a full TLS enumeration (tls_scan) of the lab Postfix port 25 vs testssl.sh --starttls
#       smtp (-p -E, the same questions; and its default run, once), with a side-by-side
#       comparison of what both report
# Medians of RUNS runs (default 5) go to bench/RESULTS.md (or $BENCH_RESULTS).
# Usage: bench/run.sh [--runs N] [--only a,b,c,d,e,f,g]    env: MAILSPEC = the binary to measure
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
MAILSPEC=${MAILSPEC:-$ROOT/build/mailspec}
RESULTS=${BENCH_RESULTS:-$BENCH/RESULTS.md}
RUNS=5
ONLY=a,b,c,d,e,f,g
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --only) ONLY=$2; shift 2 ;;
        *) echo "usage: bench/run.sh [--runs N] [--only a,b,c,d,e,f,g]" >&2; exit 2 ;;
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

# --- (e) TLS: mailspec load vs openssl s_time (the TLS stack's own rate) ---------------------
if wants e || wants f; then
    # An ECDSA certificate, as modern MTAs use; (b) makes the same one.
    [ -f "$work/tls.pem" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -days 2 -keyout "$work/tls.key" -out "$work/tls.pem" -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
fi
if wants e; then
    HANDSHAKES=${BENCH_HANDSHAKES:-2000}
    echo "== (e) $HANDSHAKES TLS connections: mailspec load vs openssl s_time, against mailspec sink"
    # s_time cannot speak STARTTLS: it gets an implicit-TLS sink (the same server code, cert and
    # threads); load is measured against that one and against the STARTTLS sink.
    smtps_port=$(free_port 127.0.0.1) starttls_port=$(free_port 127.0.0.1)
    "$MAILSPEC" sink --listen 127.0.0.1:"$smtps_port" --tls-on-connect --cert "$work/tls.pem" \
        --key "$work/tls.key" --threads 2 >/dev/null 2>&1 & pids+=($!)
    "$MAILSPEC" sink --listen 127.0.0.1:"$starttls_port" --cert "$work/tls.pem" \
        --key "$work/tls.key" --threads 2 >/dev/null 2>&1 & pids+=($!)
    wait_listening 127.0.0.1 "$smtps_port"
    wait_listening 127.0.0.1 "$starttls_port"
    rate() { # what run FILE... : a rate row, the sum of the files' "connections seconds" lines
        local v
        v=$(awk '{n += $1; s = $2} END {if (s > 0) printf "%.1f", n / s}' "${@:3}")
        [ -n "$v" ] || { echo "bench: $1: no rate measured"; cat "${@:3}"; exit 1; }
        printf 'e\t%s\t%s\t0\t0\t0\t%s\n' "$1" "$2" "$v" >>"$rows"
    }
    s_time() { # mode (new|reuse) seconds -> "connections seconds" of one s_time process
        # Timed from outside: s_time prints its real seconds as a whole number.
        local t0 n
        t0=$(date +%s%N)
        n=$(openssl s_time -connect 127.0.0.1:"$smtps_port" -"$1" -time "$2" \
            -CAfile "$work/tls.pem" 2>/dev/null | awk '/connections in .* real seconds/ {print $1; exit}')
        echo "$n $(python3 -c 'import sys; print((int(sys.argv[2]) - int(sys.argv[1])) / 1e9)' "$t0" "$(date +%s%N)")"
    }
    for r in $(seq "$RUNS"); do
        for mode in new reuse; do
            # One s_time process (it is sequential), then two at once (both cores).
            s_time "$mode" 5 >"$work/st1"
            rate "s_time -$mode x1" "$r" "$work/st1"
            s_time "$mode" 5 >"$work/st1" & a=$!
            s_time "$mode" 5 >"$work/st2" & b=$!
            wait $a $b
            rate "s_time -$mode x2" "$r" "$work/st1" "$work/st2"
            resume=() && [ $mode = new ] && resume=(--no-tls-resume)
            for sessions in 1 20; do
                for how in tls-on-connect starttls; do
                    port=$smtps_port && [ $how = starttls ] && port=$starttls_port
                    measure e "load --$how -$mode s=$sessions" "$r" "$work/load-e.json" \
                        "$MAILSPEC" load --port "$port" --sessions "$sessions" --messages "$HANDSHAKES" \
                        --"$how" "${resume[@]}" --ca-file "$work/tls.pem" --json -q
                    # Its own clock (start-up excluded, as s_time's): "connections seconds".
                    python3 - "$work/load-e.json" "$HANDSHAKES" "$mode" >"$work/load-e.rate" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1]))
n, mode = int(sys.argv[2]), sys.argv[3]
ok = d["messages_ok"] == n and d["tls_handshakes"] == n
# Every connection after a session's first resumes with -reuse; none with -new.
ok = ok and (d["tls_resumed"] == 0 if mode == "new" else d["tls_resumed"] >= n * 0.9)
print(d["tls_handshakes"], d["elapsed_s"])
sys.exit(0 if ok else 1)
PY
                        { echo "bench: load over TLS ($how, -$mode) lost messages or resumed wrongly"; cat "$work/load-e.json"; exit 1; }
                    rate "load --$how -$mode s=$sessions" "$r" "$work/load-e.rate"
                done
            done
        done
    done
fi

# --- (f) 500 targets x mx-baseline in a network namespace, sharded 1/2/4 ways ----------------
if wants f; then
    echo "== (f) ${BENCH_TARGETS:-500} targets x mx-baseline, in a network namespace of its own"
    command -v unshare >/dev/null || { echo "bench: (f) needs unshare (util-linux)"; exit 1; }
    MAILSPEC=$MAILSPEC BENCH=$BENCH ROOT=$ROOT ROWS=$rows RUNS=$RUNS WORK=$work \
        TARGETS=${BENCH_TARGETS:-500} unshare -n bash "$BENCH/fleet_ns.sh"
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

# --- (g) TLS enumeration: tls_scan vs testssl.sh, against the lab Postfix port 25 ---------
if wants g; then
    command -v testssl >/dev/null || { echo "bench: missing testssl (Debian package testssl.sh)" >&2; exit 1; }
    echo "== (g) TLS enumeration of 127.0.0.10:25: tls_scan vs testssl.sh (waiting for the lab lock)"
    # shellcheck source=../lab/lib/testing.sh
    . "$ROOT/lab/lib/testing.sh"
    lab_require
    lab_lock
    trap '"$ROOT/lab/down" >/dev/null 2>&1 || true; servers_cleanup' EXIT
    "$ROOT/lab/up" >/dev/null
    cat >"$work/tls-scan.yaml" <<'YAML'
suite: bench-tls-scan
targets:
  mx: { host: 127.0.0.10, port: 25, tls_name: mail.lab.test }
defaults: { timeout: 120s }
checks:
  - id: mx-scan
    target: mx
    tls_scan:
YAML
    # testssl.sh refuses to overwrite a JSON file; its exit code counts findings, not failures.
    testssl_cmd=(bash -c 'f=$1; shift; rm -f "$f"; testssl --quiet --color 0 --warnings off \
        --starttls smtp "$@" --jsonfile "$f" 127.0.0.10:25; exit 0' testssl)
    for r in $(seq "$RUNS"); do
        measure g "mailspec tls_scan" "$r" "$work/tls-scan.out" \
            "$MAILSPEC" run "$work/tls-scan.yaml" -q --json "$work/tls-scan.json"
        measure g "mailspec tls_scan --jobs 2" "$r" "$work/tls-scan2.out" \
            "$MAILSPEC" run "$work/tls-scan.yaml" -q --jobs 2
        measure g "testssl.sh -p -E" "$r" "$work/testssl.out" "${testssl_cmd[@]}" "$work/testssl.json" -p -E
    done
    # The run auditors make (protocols, ciphers, vulnerabilities, certificate, ...), once: a
    # superset of the questions, so a ratio against it flatters mailspec; reported, not targeted.
    measure g "testssl.sh (default run, once)" 1 "$work/testssl-full.out" \
        "${testssl_cmd[@]}" "$work/testssl-full.json"
    "$MAILSPEC" run "$work/tls-scan.yaml" -vv | grep -E ' == [0-9]+ handshakes' | sed 's/.*== //' \
        >"$work/tls-handshakes.txt" || true
    # Same findings on every lab TLS variant: one untimed run of each tool per variant, with
    # testssl.sh's certificate (-S) and renegotiation (-R) answers for the side by side.
    : >"$work/tls-compare.md"
    for variant in correct weak-tls rsa-kex weak-key; do
        echo "   variant $variant"
        "$ROOT/lab/up" --variant "$variant" >/dev/null
        "$MAILSPEC" run "$work/tls-scan.yaml" -q --json "$work/scan-$variant.json" >/dev/null || true
        "${testssl_cmd[@]}" "$work/testssl-$variant.json" -p -E -S -R >/dev/null 2>&1
        { echo "### variant $variant"; echo
          python3 "$BENCH/tls_compare.py" "$work/scan-$variant.json" mx-scan "$work/testssl-$variant.json"
          echo; } >>"$work/tls-compare.md"
    done
    "$ROOT/lab/down" >/dev/null
fi

BENCH_TLS_COMPARE=$work/tls-compare.md BENCH_TLS_HANDSHAKES=$work/tls-handshakes.txt \
BENCH_FLEET_COUNTS=$work/fleet-counts.txt python3 "$BENCH/report.py" "$rows" "$RUNS" \
    "${MESSAGES:-3000}" "${size:-}" "$RESULTS" >"$RESULTS.new"
mv "$RESULTS.new" "$RESULTS"
echo "bench: wrote ${RESULTS#$ROOT/}"
cat "$RESULTS"
