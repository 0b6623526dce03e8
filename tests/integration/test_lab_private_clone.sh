#!/usr/bin/env bash
# Issue #23: the lab runs from a checkout no daemon user may enter. Clones this repository's
# HEAD into a 0700 directory (like /root, or mktemp -d), runs the lab smoke test, two shipped
# suites (their ../lab/run/tls/ca.pem and secrets paths) and `./run demo` from there with the
# outer build's mailspec, and checks that the clone's state lives outside the clone, that no daemon
# is handed a path inside it, that lab/down --purge removes the state, and that a lab/run
# directory of an older lab is replaced by the symlink without following links inside it.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAILSPEC=${MAILSPEC:?path of the mailspec binary}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
command -v git >/dev/null || { echo "FAIL: missing tool git" >&2; exit 1; }
lab_lock
tmp=$(mktemp -d)
chmod 700 "$tmp"
clone=$tmp/mailspec
cleanup() {
    [ ! -x "$clone/lab/down" ] || "$clone/lab/down" --purge >/dev/null || echo "FAIL: lab/down --purge failed"
    rm -rf "$tmp"
}
trap cleanup EXIT

echo "== git clone into $tmp (mode $(stat -c %a "$tmp"))"
git clone -q "$ROOT" "$clone" || { echo "FAIL: git clone $ROOT"; exit 1; }
state=$(lab_state_dir "$clone")
check "the clone's state directory is outside the clone and not the outer checkout's"
case $state in
    "$tmp"/* | "$LAB_RUN") bad "state directory $state" ;;
    *) ok ;;
esac

echo "== the lab smoke test, from the clone"
# It takes no lock of its own: it inherits ours (lab_lock).
MAILSPEC_SOURCE_DIR=$clone MAILSPEC=$MAILSPEC bash "$clone/tests/integration/test_lab_smoke.sh" \
    >"$tmp/smoke.log" 2>&1
rc=$?
sed 's/^/    | /' "$tmp/smoke.log" | tail -n 12
check "test_lab_smoke.sh passes from the 0700 clone"
if [ $rc = 0 ]; then ok; else bad "exit status $rc" "$(grep -B2 -A8 FAILED "$tmp/smoke.log")"; fi

echo "== shipped suites from the clone, through lab/run"
"$clone/lab/up" >"$tmp/up.log" 2>&1 || { cat "$tmp/up.log"; echo "FAIL: lab/up from the clone"; exit 1; }
check "lab/run is a symlink to $state"
if [ "$(readlink "$clone/lab/run")" = "$state" ] && [ -d "$state" ]; then ok
else bad "lab/run -> $(readlink "$clone/lab/run")"; fi
check "$state and $(dirname "$state") are mode 0755"
if [ "$(stat -c %a "$state" "$(dirname "$state")" | sort -u)" = 755 ]; then ok
else bad "modes" "$(stat -c '%a %n' "$state" "$(dirname "$state")")"; fi
(cd "$clone" && "$MAILSPEC" run --vantages lab/vantages.yaml --json "$tmp/suites.json" -q \
    suites/mx-baseline.yaml suites/submission.yaml) >"$tmp/suites.out" 2>&1
rc=$?
check "mx-baseline and submission pass (CA and alice's password found via ../lab/run)"
if [ $rc = 0 ]; then ok; else bad "exit status $rc" "$(cat "$tmp/suites.out")"; fi
check "no daemon's command line names the clone"
if pgrep -f -- "$tmp/" >/dev/null; then bad "found" "$(pgrep -af -- "$tmp/")"; else ok; fi
check "no rendered configuration names the clone"
if out=$(grep -rlF --exclude=checkout --exclude-dir=log --exclude-dir=mail -- "$tmp" "$state" 2>&1); then bad "found" "$out"; else ok; fi
check "the clone holds nothing new but the lab/run symlink"
out=$(git -C "$clone" status --porcelain --ignored)
if [ "$out" = '!! lab/run' ]; then ok; else bad "git status" "$out"; fi

echo "== lab/down, lab/down --purge"
"$clone/lab/down" >/dev/null || bad "lab/down failed"
check "lab/down keeps only the logs (and the checkout marker) in the state directory"
out=$(ls "$state" | paste -sd' ')
if [ "$out" = "checkout log" ] && [ -s "$state/log/postfix.log" ]; then ok; else bad "left: $out"; fi
"$clone/lab/down" --purge >/dev/null || bad "lab/down --purge failed"
check "lab/down --purge removes the state directory and the lab/run symlink"
if [ ! -e "$state" ] && [ ! -L "$clone/lab/run" ]; then ok; else bad "left" "$(ls -ld "$state" "$clone/lab/run" 2>&1)"; fi

echo "== ./run demo from the clone (the outer build's tree: no second build)"
(cd "$clone" && MAILSPEC_BUILD_DIR=$(dirname "$MAILSPEC") ./run demo) >"$tmp/demo.log" 2>&1
rc=$?
sed 's/^/    | /' "$tmp/demo.log" | tail -n 4
check "./run demo passes from the 0700 clone and writes its reports there"
if [ $rc = 0 ] && grep -q 'demo: reports in out/demo/' "$tmp/demo.log" &&
    [ -s "$clone/out/demo/junit.xml" ] && [ -s "$clone/out/demo/report.html" ] &&
    [ -s "$clone/out/demo/results.json" ]; then ok
else bad "exit status $rc" "$(tail -20 "$tmp/demo.log")"; fi
check "the demo stopped its lab"
if grep -Eq '^ *postfix +running' <<<"$("$clone/lab/status" 2>/dev/null)"; then bad "still running"; else ok; fi
"$clone/lab/down" --purge >/dev/null || bad "lab/down --purge after the demo failed"
rm -rf "$clone/out"

echo "== a lab/run directory of an older lab"
mkdir -p "$clone/lab/run/log" "$tmp/keep"
echo old >"$clone/lab/run/log/postfix.log"
echo precious >"$tmp/keep/file"
ln -s "$tmp/keep" "$clone/lab/run/dirlink"
ln -s "$tmp/keep/file" "$clone/lab/run/filelink"
"$clone/lab/down" >"$tmp/down.log" 2>&1 || bad "lab/down on an old lab/run failed" "$(cat "$tmp/down.log")"
check "lab/run becomes the symlink, its old logs are kept, links inside it were not followed"
if [ "$(readlink "$clone/lab/run")" = "$state" ] && [ "$(cat "$state/log/old-lab-run/postfix.log")" = old ] &&
    [ "$(cat "$tmp/keep/file")" = precious ]; then ok
else bad "after lab/down" "$(ls -la "$clone/lab" "$state/log" "$tmp/keep" 2>&1)"; fi

trap - EXIT
cleanup
check "nothing of the clone is left in $LAB_STATE_BASE"
if [ ! -e "$state" ]; then ok; else bad "left" "$(ls -la "$state")"; fi
lab_finish
