#!/usr/bin/env bash
# `mailspec serve` scraped by a real Prometheus (Debian's prometheus package) against the lab:
# the blackbox_exporter relabelling pattern (target -> ?target=, the exporter as address),
# the verdicts end up as series in Prometheus' TSDB (read back through its HTTP API), the
# certificate expiry is a series, repeated scrapes within --cache are served from the cache,
# the exporter's own /metrics is scraped too, and bad parameters get 400 with a reason.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
command -v prometheus >/dev/null || { echo "FAIL: prometheus not installed (./run setup)"; exit 1; }
lab_lock
TMP=$(mktemp -d)
SERVE='' PROM='' STALLER=''
cleanup() {
    for p in $SERVE $PROM $STALLER; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    "$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"
    rm -rf "$TMP"
}
trap cleanup EXIT
"$ROOT/lab/up" >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SPORT=$(free_port) PPORT=$(free_port)

mkdir "$TMP/suites"
cat >"$TMP/suites/edge.yaml" <<YAML
suite: edge
targets: { mx: { host: placeholder.invalid, port: 25, ca_file: "$LAB_RUN/tls/ca.pem" } }
vantages: { outside: { bind: 127.0.0.30 }, inside: { bind: 127.0.0.20 } }
defaults: { timeout: 10s, from: [outside] }
checks:
  - { id: banner, from: [inside, outside], banner: { code: 220, matches: ESMTP } }
  - { id: starttls, starttls: { min_version: TLSv1.2, days_left: 14 } }
  - { id: relay-denied, relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@spf-pass.lab.test, local_domain: lab.test, variants: all } }
  - { id: written-to-fail, banner: { matches: "Microsoft Exchange" } }
YAML
# A server that accepts and never greets: a probe must still answer within its timeout.
STALL=$(free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); held = []
while True: held.append(s.accept()[0])' "$STALL" &
STALLER=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$STALL") 2>/dev/null && break; sleep 0.1; done
cat >"$TMP/suites/stall.yaml" <<YAML
suite: stall
targets: { mx: { host: placeholder.invalid, port: $STALL } }
defaults: { timeout: 20s }
checks:
  - { id: banner, banner: { code: 220 } }
YAML
"$MAILSPEC" serve --listen "127.0.0.1:$SPORT" --suites "$TMP/suites" --cache 3s \
    >"$TMP/serve.out" 2>&1 &
SERVE=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$SPORT/metrics" >/dev/null && break; sleep 0.1; done

check "bad parameters get 400 with the reason"
out=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$SPORT/probe?suite=edge&target=127.0.0.10&vantage=nowhere")
if [[ $out == *"runs nothing from vantage 'nowhere'"*" 400" ]]; then ok; else bad "got: $out"; fi
out=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$SPORT/probe?suite=edge")
if [[ $out == *"missing 'target'"*" 400" ]]; then ok; else bad "got: $out"; fi

check "a probe of a server that never greets answers within timeout=2"
t0=$(date +%s%N)
out=$(curl -s -m 10 "http://127.0.0.1:$SPORT/probe?suite=stall&target=127.0.0.1&timeout=2")
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $ms -ge 1000 ] && [ $ms -le 2300 ] && grep -q 'check="banner".*status="error"} 1' <<<"$out" &&
    grep -q '^mailspec_probe_success{suite="stall",target="127.0.0.1"} 0' <<<"$out"; then
    ok
    echo "    answered in ${ms} ms"
else
    bad "answered in ${ms} ms" "$out"
fi

cat >"$TMP/prometheus.yml" <<YAML
global: { scrape_interval: 2s, scrape_timeout: 1500ms, evaluation_interval: 2s }
scrape_configs:
  - job_name: mailspec
    metrics_path: /probe
    params: { suite: [edge] }
    static_configs: [ { targets: ["127.0.0.10"] } ]
    relabel_configs:
      - { source_labels: [__address__], target_label: __param_target }
      - { source_labels: [__param_target], target_label: instance }
      - { target_label: __address__, replacement: "127.0.0.1:$SPORT" }
  - job_name: mailspec-exporter
    static_configs: [ { targets: ["127.0.0.1:$SPORT"] } ]
YAML
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$PPORT" >"$TMP/prometheus.log" 2>&1 &
PROM=$!

# query EXPR: the instant vector as "labels value" lines (Prometheus HTTP API).
query() {
    curl -s --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
        python3 -c 'import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:  # not up yet
    sys.exit(0)
for r in d.get("data", {}).get("result", []):
    m = r["metric"]
    print(",".join(f"{k}={m[k]}" for k in sorted(m) if k != "__name__"), r["value"][1])'
}
check "Prometheus stores the probe's series"
for _ in $(seq 60); do
    [ -n "$(query 'mailspec_check_status{check="written-to-fail",status="fail"} == 1')" ] && break
    kill -0 $PROM 2>/dev/null || break
    sleep 0.5
done
got=$(query 'mailspec_check_status == 1')
if [ -n "$got" ]; then ok; else bad "no series" "$(tail -20 "$TMP/prometheus.log")"; fi
expect_match "banner passes from both vantages (inside)" 'check=banner,.*status=pass,.*vantage=inside' "$got"
expect_match "banner passes from both vantages (outside)" 'check=banner,.*status=pass,.*vantage=outside' "$got"
expect_match "STARTTLS passes" 'check=starttls,.*status=pass' "$got"
expect_match "every relay variant passes" 'check=relay-denied,.*status=pass.*variant=source-route-host' "$got"
expect_match "the check written to fail fails" 'check=written-to-fail,.*status=fail' "$got"
expect_match "target and job labels as relabelled" 'instance=127.0.0.10,job=mailspec,kind=banner,status=pass,suite=edge,target=127.0.0.10' "$got"
got=$(query 'mailspec_probe_success')
expect_match "probe_success is 0 (a check fails)" 'suite=edge,target=127.0.0.10 0$' "$got"
got=$(query 'mailspec_tls_cert_not_after_seconds - time()')
check "certificate expiry is stored and in the future (~825 days)"
if python3 -c 'import sys; v = [float(l.split()[-1]) for l in sys.stdin if l.strip()]; sys.exit(0 if v and all(14*86400 < x < 900*86400 for x in v) else 1)' <<<"$got"; then
    ok
else
    bad "got: $got"
fi
check "repeated scrapes within --cache 3s are cache hits; /metrics is scraped too"
for _ in $(seq 30); do
    hits=$(query 'mailspec_exporter_cache_hits_total' | awk '{print $NF}')
    [ "${hits:-0}" -gt 0 ] 2>/dev/null && break
    sleep 0.5
done
probes=$(query 'mailspec_exporter_probes_total' | awk '{print $NF}')
if [ "${hits:-0}" -gt 0 ] 2>/dev/null && [ "${probes:-0}" -gt 0 ] 2>/dev/null; then
    ok
    echo "    probes run: $probes, cache hits: $hits"
else
    bad "probes ${probes:-none}, cache hits ${hits:-none}"
fi
check "every scrape answered within Prometheus' scrape timeout"
got=$(query 'up{job="mailspec"}')
if [[ $got == *" 1" ]]; then ok; else bad "up = $got" "$(tail -20 "$TMP/prometheus.log")"; fi
lab_finish
