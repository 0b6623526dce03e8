#!/usr/bin/env bash
# The shipped suites against every lab variant: with the correct configuration every check
# passes; each broken variant makes exactly the listed checks fail (or error) and no others —
# no false passes, no false alarms. Failure messages must say what was expected. Nothing may
# reach the outbound sink. Also times the whole matrix (see lab/README.md).
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?set MAILSPEC to the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
lab_lock
TMP=$(mktemp -d)
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"; rm -rf "$TMP"' EXIT
SUITES=("$ROOT/suites/mx-baseline.yaml" "$ROOT/suites/submission.yaml" "$ROOT/suites/open-relay-audit.yaml")
started=$(date +%s)

# expect VARIANT [SUITE:CHECK[/VARIANT]=STATUS ...]: every result not listed must pass.
expect() {
    local variant=$1
    shift
    "$ROOT/lab/up" --variant "$variant" >/dev/null || { check "lab/up --variant $variant"; bad "failed"; return; }
    local before
    before=$(sink_count)
    "$MAILSPEC" run --vantages "$ROOT/lab/vantages.yaml" --json "$TMP/$variant.json" -q "${SUITES[@]}" \
        >"$TMP/$variant.out" 2>&1
    check "$variant: exactly the expected checks fail"
    local out
    if out=$(/usr/bin/python3 - "$TMP/$variant.json" "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want = dict(a.rsplit("=", 1) for a in sys.argv[2:])
problems, seen = [], set()
for r in doc["results"]:
    name = r["suite"] + ":" + r["check_id"] + ("/" + r["variant"] if r.get("variant") else "")
    seen.add(name)
    expected = want.get(name, "pass")
    if r["status"] != expected:
        problems.append(f"{name} @ {r['vantage']}: expected {expected}, got {r['status']}: {r['message']}")
    if r["status"] == "fail" and not (r.get("expected") and r.get("message")):
        problems.append(f"{name}: a fail that does not say what was expected")
problems += [f"{n}: no result" for n in want if n not in seen]
print("\n".join(problems))
PY
    ) && [ -z "$out" ]; then ok; else bad "verdicts differ" "$out"; fi
    check "$variant: nothing reached the sink"
    if [ "$(sink_count)" = "$before" ]; then ok; else bad "sink count moved from $before to $(sink_count)"; fi
}

EXPECTATIONS_GO_HERE

echo "matrix time: $(($(date +%s) - started)) s"
lab_finish
