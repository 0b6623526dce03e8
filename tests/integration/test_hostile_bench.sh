#!/usr/bin/env bash
# The hostile-server bench: ONE `mailspec run` with a check per hostile server, all at once.
# Each check must end with the expected status and reason within its timeout + 1 s, the whole
# run must take about as long as the slowest check (one bad server does not slow the others),
# the runner's peak RSS must stay under a bound, and every report must stay well-formed.
#
# Servers: the deliberately misbehaving `mailspec-hostile` (tests/hostile/; things no real
# server does on cue), Postfix's smtp-sink for what a real server can be made to do (accept
# everything, 421 to everything, tarpit 5 s per reply), and a port nobody listens on.
set -euo pipefail

MAILSPEC=${MAILSPEC:?path of the mailspec binary}
HOSTILE=${MAILSPEC_HOSTILE:-$(dirname "$MAILSPEC")/tests/hostile/mailspec-hostile}
[ -x "$HOSTILE" ] || { echo "FAIL: $HOSTILE not built (target mailspec-hostile)"; exit 1; }
# shellcheck source=lib/servers.sh
. "$(dirname "$0")/lib/servers.sh"
servers_setup smtp-sink xmllint
FAILS=0
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

TIMEOUT=3           # every check's timeout, seconds
# The runner's peak RSS bound; measured ~16 MiB for the whole bench (~210 MiB under ASan:
# set MAILSPEC_RSS_BOUND_KIB when running the bench with a sanitized build).
RSS_BOUND_KIB=${MAILSPEC_RSS_BOUND_KIB:-65536}
SINK_USER=()
[ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)

scenarios=(slow-greeting never-greets silent-after-greeting huge-line endless-reply bare-lf
    nul-bad-utf8 closes-mid-reply reset-mid-reply trickle tls-abort tls-garbage tls-silence)
args=()
for s in "${scenarios[@]}"; do args+=(--scenario "$s"); done
"$HOSTILE" "${args[@]}" >"$work/hostile.ports" 2>"$work/hostile.err" & pids+=($!)
for _ in $(seq 100); do grep -qx ready "$work/hostile.ports" 2>/dev/null && break; sleep 0.1; done
grep -qx ready "$work/hostile.ports" || { cat "$work/hostile.err"; echo "FAIL: mailspec-hostile did not start"; exit 1; }
port() { awk -v s="$1" '$1 == s { print $2 }' "$work/hostile.ports"; }

chmod 711 "$work" # smtp-sink runs as nobody and writes into $work/dump
mkdir -m 777 "$work/dump"
open_port=$(free_port 127.0.0.1)
smtp-sink "${SINK_USER[@]}" -d "$work/dump/%H%M%S." 127.0.0.1:"$open_port" 64 & pids+=($!)
p421_port=$(free_port 127.0.0.1)
smtp-sink "${SINK_USER[@]}" -Q connect 127.0.0.1:"$p421_port" 64 & pids+=($!)
tarpit_port=$(free_port 127.0.0.1)
tarpit=()
for c in connect ehlo helo mail rcpt data . rset noop quit; do tarpit+=(-W "$c:5"); done
smtp-sink "${SINK_USER[@]}" "${tarpit[@]}" 127.0.0.1:"$tarpit_port" 64 & pids+=($!)
refused_port=$(free_port 127.0.0.1) # nothing listens here
for p in "$open_port" "$p421_port" "$tarpit_port"; do wait_listening 127.0.0.1 "$p"; done

# One target and one check per scenario. The 421 and refusing targets get a second check with
# max_connections 1: it runs after the first and must be "not judged" (politeness).
{
    echo "suite: hostile-bench"
    echo "targets:"
    for s in "${scenarios[@]}"; do echo "  $s: { host: 127.0.0.1, port: $(port "$s") }"; done
    echo "  open-relay: { host: 127.0.0.1, port: $open_port }"
    echo "  always-421: { host: 127.0.0.1, port: $p421_port, max_connections: 1 }"
    echo "  tarpit: { host: 127.0.0.1, port: $tarpit_port }"
    echo "  refusing: { host: 127.0.0.1, port: $refused_port, max_connections: 1 }"
    echo "defaults: { timeout: ${TIMEOUT}s, helo: probe.mailspec.test }"
    echo "checks:"
    for s in slow-greeting never-greets huge-line endless-reply closes-mid-reply tarpit; do
        echo "  - { id: $s, target: $s, banner: { code: 220 } }"
    done
    for s in silent-after-greeting bare-lf nul-bad-utf8 reset-mid-reply trickle; do
        echo "  - { id: $s, target: $s, capabilities: { has: [PIPELINING] } }"
    done
    for s in tls-abort tls-garbage tls-silence; do
        echo "  - { id: $s, target: $s, starttls: { verify: false } }"
    done
    echo "  - id: open-relay"
    echo "    target: open-relay"
    echo "    relay: { expect: denied, rcpt: probe@relay-test.invalid, sender: probe@example.org }"
    echo "  - { id: always-421, target: always-421, banner: { code: 220 } }"
    echo "  - { id: always-421-later, target: always-421, capabilities: { has: [STARTTLS] } }"
    echo "  - { id: refusing, target: refusing, banner: { code: 220 } }"
    echo "  - { id: refusing-later, target: refusing, banner: { code: 220 } }"
} >"$work/suite.yaml"

out=$work/out
mkdir "$out"
start=$(date +%s%N)
rc=0
# The runner's peak RSS: getrusage of the waited-for child (ru_maxrss, KiB on Linux).
python3 -c 'import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
open(sys.argv[1], "w").write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$out/maxrss" "$MAILSPEC" run "$work/suite.yaml" -vv \
    --json "$out/results.json" --junit "$out/junit.xml" --tap "$out/report.tap" \
    >"$out/console" 2>&1 || rc=$?
wall_ms=$((($(date +%s%N) - start) / 1000000))
wall=$(printf %d.%03d $((wall_ms / 1000)) $((wall_ms % 1000)))
echo "run: exit $rc, ${wall}s wall, peak RSS $(tail -n 1 "$out/maxrss") KiB"
[ "$rc" = 1 ] || { tail -40 "$out/console"; bad "exit $rc, wanted 1 (failures present)"; }

# expected: ID STATUS MESSAGE-REGEX (Python re.search on the result's message)
cat >"$work/expected" <<'EOF'
slow-greeting	error	^greeting: check deadline of 3s reached$
never-greets	error	^greeting: check deadline of 3s reached$
silent-after-greeting	error	^reply to EHLO: (timed out after|check deadline of) 
huge-line	error	^greeting: line exceeds 512 octets$
endless-reply	error	^greeting: reply exceeds (1000 lines|\d+ octets)$
bare-lf	pass	^has PIPELINING$
nul-bad-utf8	fail	^lacks PIPELINING$
closes-mid-reply	error	^greeting: connection closed by the server in the middle of a reply$
reset-mid-reply	error	^reply to EHLO: connection (reset|closed) by the server
trickle	error	^reply to EHLO: (timed out after|check deadline of) 
tls-abort	fail	^STARTTLS handshake failed: connection (closed|reset) by the server during the handshake$
tls-garbage	fail	^STARTTLS handshake failed: handshake failed: wrong version number$
tls-silence	error	^TLS handshake: (timed out after|check deadline of) 
tarpit	error	^greeting: check deadline of 3s reached$
open-relay	fail	^relayed: RCPT TO:<probe@relay-test.invalid> answered 250 
always-421	inconclusive	^server is not taking connections now: 421 
always-421-later	inconclusive	^target answered 421 at \S+Z in check always-421; not judged$
refusing	error	^connect: Connection refused
refusing-later	inconclusive	^target refused a connection at \S+Z in check refusing; not judged$
EOF

python3 - "$out/results.json" "$work/expected" "$TIMEOUT" "$wall" <<'PY' || FAILS=$((FAILS + 1))
import json, re, sys
doc = json.load(open(sys.argv[1]))
timeout, wall = float(sys.argv[3]), float(sys.argv[4])
results = {r["check_id"]: r for r in doc["results"] if not r["variant"]}
variants = [r for r in doc["results"] if r["variant"]]
failed = 0
for line in open(sys.argv[2]):
    cid, status, pattern = line.rstrip("\n").split("\t")
    r = results.get(cid)
    if r is None:
        print(f"FAIL: {cid}: no result"); failed += 1; continue
    why = []
    if not re.fullmatch(status, r["status"]): why.append(f"status {r['status']}, wanted {status}")
    if not re.search(pattern, r["message"]): why.append(f"message does not match /{pattern}/")
    if r["duration"] > timeout + 1: why.append(f"took {r['duration']:.2f}s > timeout + 1 s")
    if why:
        failed += 1
        print(f"FAIL: {cid}: " + "; ".join(why) + f"\n      message: {r['message']!r}")
    else:
        print(f"ok: {cid}: {r['status']} in {r['duration']:.2f}s: {r['message'][:90]}")
# The open relay: at least one relay trick answered 250 at RCPT and was reported as relayed.
if not any(v["check_id"] == "open-relay" and v["status"] == "fail" for v in variants) and \
        results.get("open-relay", {}).get("status") != "fail":
    print("FAIL: open-relay: no failing relay result"); failed += 1
# Lenient parsing is not silent: the bare LFs and the NUL/control octets are findings.
for cid in ("bare-lf", "nul-bad-utf8"):
    if not results.get(cid, {}).get("findings"):
        print(f"FAIL: {cid}: no protocol finding reported"); failed += 1
    else:
        print(f"ok: {cid}: findings {results[cid]['findings']}")
# One bad server does not slow the rest: the checks whose server fails fast ended long before
# the stalled ones timed out, although they all ran at once.
fast = ["huge-line", "endless-reply", "bare-lf", "nul-bad-utf8", "closes-mid-reply", "reset-mid-reply",
        "tls-abort", "tls-garbage", "open-relay", "always-421", "refusing"]
slow_fast = [f"{c} {results[c]['duration']:.2f}s" for c in fast if c in results and results[c]["duration"] > timeout / 2]
if slow_fast:
    print("FAIL: fast-failing checks were held up: " + ", ".join(slow_fast)); failed += 1
else:
    print(f"ok: the {len(fast)} fast-failing checks each ended within {timeout / 2:.1f}s")
slowest = max(r["duration"] for r in doc["results"])
# Concurrency: the run takes about as long as its slowest check, not the sum (~14 x 3 s). The
# run's own duration (from the report) is judged tightly; the process's wall time (start-up,
# report writing, a loaded machine) loosely.
run_time = doc["run"]["duration"]
if run_time > slowest + 0.5 or wall > slowest + 3:
    print(f"FAIL: run took {run_time:.2f}s ({wall:.2f}s wall), slowest check {slowest:.2f}s: checks did not run concurrently"); failed += 1
else:
    print(f"ok: run took {run_time:.2f}s ({wall:.2f}s wall), slowest check {slowest:.2f}s")
sys.exit(1 if failed else 0)
PY

# Findings are visible on the console line, and --strict makes the violations fail.
grep -E '^PASS +bare-lf .*\([0-9]+ findings?' "$out/console" >/dev/null ||
    bad "console: the bare-lf PASS line does not count its findings"
srv=0
"$MAILSPEC" run "$work/suite.yaml" --strict --only bare-lf --only huge-line --only nul-bad-utf8 \
    --json "$out/strict.json" -v >"$out/strict.console" 2>&1 || srv=$?
[ "$srv" = 1 ] || bad "--strict run: exit $srv, wanted 1"
python3 - "$out/strict.json" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
rs = {r["check_id"]: r for r in json.load(open(sys.argv[1]))["results"]}
want = {"bare-lf": "without strict: pass", "huge-line": "without strict: error",
        "nul-bad-utf8": "lacks PIPELINING"}
bad = 0
for cid, needle in want.items():
    r = rs.get(cid, {})
    ok = r.get("status") == "fail" and needle in r.get("message", "")
    print(("ok" if ok else "FAIL") + f": --strict {cid}: {r.get('status')}: {r.get('message')}")
    bad += not ok
sys.exit(1 if bad else 0)
PY
grep -q 'finding violation: ' "$out/strict.console" || bad "--strict -v does not list the violations"

rss=$(tail -n 1 "$out/maxrss")
if [ "$rss" -le "$RSS_BOUND_KIB" ]; then echo "ok: peak RSS ${rss} KiB <= ${RSS_BOUND_KIB} KiB"; else bad "peak RSS ${rss} KiB > ${RSS_BOUND_KIB} KiB"; fi
xmllint --noout "$out/junit.xml" || bad "junit.xml is not well-formed XML"
grep -q -E '^1\.\.[0-9]+$' "$out/report.tap" || bad "report.tap has no plan"
grep -q 'inconclusive' "$out/console" || bad "console does not show the inconclusive results"
dumped=$(find "$work/dump" -type f | wc -l)
[ "$dumped" = 0 ] || bad "the relay check completed $dumped message(s) on the open relay"
if grep -q 'script error' "$work/hostile.err"; then bad "mailspec-hostile: $(cat "$work/hostile.err")"; fi

[ "$FAILS" = 0 ] || { echo "FAIL: $FAILS problem(s); console tail:"; tail -30 "$out/console"; exit 1; }
echo "PASS"
