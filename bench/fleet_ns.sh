#!/usr/bin/env bash
# Bench (f), run by bench/run.sh inside a network namespace of its own (unshare -n): only `lo`
# exists, so nothing can leave the machine. One `mailspec sink` listens on 0.0.0.0:25 and
# :587 there, which makes every address of 127.0.0.0/8 a mail server; the mx-baseline suite
# then runs against 500 of them (--targets), unsharded and split 2 and 4 ways (--shard I/N,
# the shards running at once, as a CI matrix would), and the shards' merge is checked to equal
# the whole run. Rows (section f) are appended to $ROWS as bench/run.sh's measure() writes them.
# env: MAILSPEC, BENCH, ROOT, ROWS, RUNS, WORK, TARGETS (default 500)
set -euo pipefail
ip link set lo up
TARGETS=${TARGETS:-500}
tls="$WORK/tls.pem" key="$WORK/tls.key"
"$MAILSPEC" sink --listen 0.0.0.0:25 --cert "$tls" --key "$key" --threads 2 >/dev/null 2>&1 &
s25=$!
"$MAILSPEC" sink --listen 0.0.0.0:587 --cert "$tls" --key "$key" >/dev/null 2>&1 &
s587=$!
trap 'kill $s25 $s587 2>/dev/null || true' EXIT
python3 - "$TARGETS" >"$WORK/targets.txt" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):  # 127.1.0.1, 127.1.0.2, ... (never .0 or .255)
    print(f"127.1.{i // 250}.{i % 250 + 1}")
PY
for p in 25 587; do
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.1.0.1/$p") 2>/dev/null && break; sleep 0.1; done
done
suite="$ROOT/suites/mx-baseline.yaml"
# The suite's lab defaults stay (vantages 127.0.0.20/.30 exist on this lo too); the sink has
# no mailbox, so the one check that sends and then reads a message is left out.
common=(run "$suite" --targets "$WORK/targets.txt" --skip delivery -q --parallel 256)
export MX_CA_FILE=$tls MAILBOX_PASSWORD_FILE=$WORK/password
printf 'secret' >"$WORK/password"
row() { printf '%s\t%s\t%s\t%s\n' f "$1" "$2" "$3" >>"$ROWS"; }
for r in $(seq "$RUNS"); do
    m=$(python3 "$BENCH/measure.py" --out "$WORK/fleet.out" "$MAILSPEC" "${common[@]}" \
        --json "$WORK/whole.json")
    row "1 process" "$r" "$m"
    for n in 2 4; do
        pids=() t0=$(date +%s%N)
        for i in $(seq "$n"); do
            python3 "$BENCH/measure.py" --out "$WORK/shard-$i.out" "$MAILSPEC" "${common[@]}" \
                --shard "$i/$n" --json "$WORK/shard-$i.json" >"$WORK/shard-$i.m" &
            pids+=($!)
        done
        wait "${pids[@]}"
        wall=$(python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / 1e9:.4f}')" "$t0" "$(date +%s%N)")
        rss=$(cut -f2 "$WORK"/shard-*.m | sort -n | tail -1)
        rc=$(cut -f3 "$WORK"/shard-*.m | sort -n | tail -1)
        row "$n shards" "$r" "$(printf '%s\t%s\t%s' "$wall" "$rss" "$rc")"
        shards=()
        for i in $(seq "$n"); do shards+=("$WORK/shard-$i.json"); done
        "$MAILSPEC" merge "${shards[@]}" --json "$WORK/merged.json" >/dev/null || true
        python3 "$BENCH/same_results.py" "$WORK/whole.json" "$WORK/merged.json" ||
            { echo "bench: the $n shards' merge differs from the whole run"; exit 1; }
        rm -f "$WORK"/shard-*
    done
done
python3 - "$WORK/whole.json" >"$WORK/fleet-counts.txt" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
c = collections.Counter(r["status"] for r in d["results"])
print(len(d["results"]), " ".join(f"{k}={v}" for k, v in sorted(c.items())))
PY
