#!/usr/bin/env bash
# Fleet runs against the real lab: the shipped suites run once whole and once as 4 shards
# (--shard I/4, and a Kubernetes-style --shard 4 with JOB_COMPLETION_INDEX); `mailspec merge`
# of the shards must give the same results as the whole run — every (suite, check, variant,
# vantage) once, with the same status and message (timings aside) — and the same counts. --targets runs a
# suite against two hosts (Postfix and Exim), each result under SUITE@HOST.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
TMP=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$TMP"' EXIT
"$ROOT/lab/up" --mta exim >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
SUITES=("$ROOT/suites/mx-baseline.yaml" "$ROOT/suites/submission.yaml" "$ROOT/suites/open-relay-audit.yaml")
ARGS=(--vantages "$ROOT/lab/vantages.yaml" -q --skip delivery)

"$MAILSPEC" run "${ARGS[@]}" --json "$TMP/whole.json" "${SUITES[@]}" >"$TMP/whole.out" 2>&1
for i in 1 2 3; do
    "$MAILSPEC" run "${ARGS[@]}" --shard "$i/4" --json "$TMP/shard$i.json" "${SUITES[@]}" \
        >"$TMP/shard$i.out" 2>&1 &
done
# The fourth as a pod of an Indexed Job sees it: 0-based index, count on the command line.
JOB_COMPLETION_INDEX=3 "$MAILSPEC" run "${ARGS[@]}" --shard 4 --json "$TMP/shard4.json" \
    "${SUITES[@]}" >"$TMP/shard4.out" 2>&1 &
wait
"$MAILSPEC" merge "$TMP"/shard{1,2,3,4}.json --json "$TMP/merged.json" >"$TMP/merge.out" 2>&1 ||
    bad "merge failed" "$(cat "$TMP/merge.out")"

check "4 shards merge into the whole run's report"
if out=$(python3 - "$TMP/whole.json" "$TMP/merged.json" "$TMP"/shard{1,2,3,4}.json <<'PY'
import json, re, sys
whole, merged = (json.load(open(p)) for p in sys.argv[1:3])
# Timings and clock times differ from run to run; everything else must not.
norm = lambda m: re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+Z", "<time>", re.sub(r"\d+(\.\d+)?m?s\b", "<t>", m))
shards = [json.load(open(p)) for p in sys.argv[3:]]
def results(doc):
    return {(r["suite"], r["check_id"], r["variant"], r["vantage"]): (r["status"], norm(r["message"]))
            for r in doc["results"]}
problems = []
w, m = results(whole), results(merged)
if len(w) != len(whole["results"]):
    problems.append("the whole run has duplicate results")
for k in sorted(set(w) | set(m)):
    if w.get(k) != m.get(k):
        problems.append(f"{k}: whole {w.get(k)} vs merged {m.get(k)}")
for key in ("total", "pass", "fail", "error", "skip", "inconclusive"):
    if whole["summary"].get(key) != merged["summary"].get(key):
        problems.append(f"summary {key}: whole {whole['summary'].get(key)} vs merged {merged['summary'].get(key)}")
planned = lambda d: {s["name"]: s["planned"] for s in d["suites"]}
if planned(whole) != planned(merged):
    problems.append(f"planned: whole {planned(whole)} vs merged {planned(merged)}")
sizes = [len(s["results"]) for s in shards]
if min(sizes) == 0:
    problems.append(f"a shard ran nothing: {sizes}")
print("\n".join(problems) if problems else f"{len(w)} results; shards {sizes}")
sys.exit(1 if problems else 0)
PY
); then ok; echo "    $out"; else bad "reports differ" "$out"; fi

# --targets: the Postfix and the Exim of the lab, by address (their certificates carry the IP).
printf '# the lab MTAs\n127.0.0.10\n127.0.0.13  # exim\n' >"$TMP/hosts.txt"
cat >"$TMP/tls.yaml" <<YAML
suite: tls-fleet
targets: { mx: { host: unset.invalid, port: 25, ca_file: "$LAB_RUN/tls/ca.pem" } }
vantages: { outside: { bind: 127.0.0.30 } }
defaults: { timeout: 15s, from: [outside] }
checks:
  - { id: banner, banner: { code: 220, matches: ESMTP } }
  - { id: starttls, starttls: { min_version: TLSv1.2, days_left: 14 } }
YAML
"$MAILSPEC" run --targets "$TMP/hosts.txt" --json "$TMP/fleet.json" "$TMP/tls.yaml" >"$TMP/fleet.out" 2>&1
rc=$?
expect_results "$TMP/fleet.json" <<'PY'
names = sorted({(r["suite"], r["check_id"], r["status"], r["endpoint"]) for r in results})
print("  results:", names)
want_suites = {"tls-fleet@127.0.0.10", "tls-fleet@127.0.0.13"}
got = {r["suite"] for r in results}
print(f"  check: one suite per host {sorted(want_suites)} ... " + ("ok" if got == want_suites else f"FAILED: {sorted(got)}"))
fails += got != want_suites
bad = [r for r in results if r["status"] != "pass"]
print("  check: every check passes on both hosts ... " + ("ok" if not bad else f"FAILED: {[(r['suite'], r['check_id'], r['message']) for r in bad]}"))
fails += bool(bad)
eps = {r["suite"]: r["endpoint"] for r in results}
ok_eps = eps.get("tls-fleet@127.0.0.13") == "127.0.0.13:25" and eps.get("tls-fleet@127.0.0.10") == "127.0.0.10:25"
print("  check: each result names its host ... " + ("ok" if ok_eps else f"FAILED: {eps}"))
fails += not ok_eps
PY
check "--targets run exits 0"
if [ $rc = 0 ]; then ok; else bad "exit $rc" "$(tail -20 "$TMP/fleet.out")"; fi
check "a bad targets file is a usage error naming the line"
printf 'mx1.example.org\nnot a host\n' >"$TMP/bad.txt"
out=$("$MAILSPEC" run --targets "$TMP/bad.txt" "$TMP/tls.yaml" 2>&1)
rc=$?
if [ $rc = 2 ] && grep -q "bad.txt:2:" <<<"$out"; then ok; else bad "exit $rc" "$out"; fi
lab_finish
