#!/usr/bin/env bash
# The .deb (CPack, ./run package): built from this build tree; apt-get resolves its Depends
# against this machine's packages (a simulation: nothing is installed here); dpkg -i installs it
# into a temporary root with a dpkg database of its own (dpkg --root: maintainer scripts and
# all; the root has no libraries, so only there are Depends forced), and the installed mailspec
# must run: --version, validate on every shipped suite, the man page renders, the completion
# parses, Depends names the shared libraries the binary needs; dpkg -r removes every file.
set -uo pipefail
MAILSPEC=${MAILSPEC:?path of the mailspec binary}
BUILD=$(cd "$(dirname "$MAILSPEC")" && pwd)
FAILS=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass() { echo "  ok: $1"; }
fail() { echo "  FAIL: $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    | /' | tail -20; FAILS=$((FAILS + 1)); }

for t in cpack dpkg-deb dpkg-shlibdeps; do
    command -v "$t" >/dev/null || { echo "FAIL: missing $t (./run setup installs cmake and dpkg-dev)"; exit 1; }
done
out=$(cd "$BUILD" && cpack -G DEB -B "$work/pkg" 2>&1) || { echo "FAIL: cpack"; echo "$out"; exit 1; }
deb=$(ls "$work"/pkg/mailspec_*.deb 2>/dev/null | head -1)
[ -f "$deb" ] || { echo "FAIL: no .deb in $work/pkg"; echo "$out"; exit 1; }
pass "built $(basename "$deb")"

info=$(dpkg-deb -I "$deb")
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
for lib in libc6 libssl3 libstdc++6 libyaml-cpp libc-ares2; do
    if grep -q "$lib" <<<"$depends"; then pass "Depends names $lib"; else fail "Depends lacks $lib" "$info"; fi
done
grep -q '^ Package: mailspec$' <<<"$info" && pass "Package: mailspec" || fail "package name" "$info"

sim=$(apt-get install -s "$deb" 2>&1)
if grep -q '^Inst mailspec ' <<<"$sim" && ! grep -qi 'unmet\|broken' <<<"$sim"; then
    pass "apt-get would install it here: its Depends resolve"
else
    fail "apt-get install -s" "$sim"
fi
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status"
out=$(dpkg --root="$root" --log=/dev/null --force-depends -i "$deb" 2>&1) || { echo "FAIL: dpkg -i"; echo "$out"; exit 1; }
status=$(dpkg --root="$root" -s mailspec 2>&1)
grep -q '^Status: install ok installed' <<<"$status" && pass "dpkg -i: install ok installed" ||
    fail "dpkg status" "$status"
bin=$root/usr/bin/mailspec
share=$root/usr/share/mailspec
v=$("$bin" --version 2>&1)
if [[ $v == "mailspec "* ]]; then pass "--version: $v"; else fail "--version" "$v"; fi
for s in "$share"/suites/*.yaml; do
    out=$("$bin" validate "$s" 2>&1) && pass "validate $(basename "$s")" || fail "validate $(basename "$s")" "$out"
done
for f in "$share/schema.json" "$share/results.schema.json"; do
    python3 -m json.tool "$f" >/dev/null 2>&1 && pass "$(basename "$f") is JSON" || fail "$f"
done
man=$root/usr/share/man/man1/mailspec.1.gz
page=$(zcat "$man" | MANWIDTH=100 man -l - 2>&1)
grep -q 'mailspec snapshot' <<<"$page" && grep -q 'EXIT STATUS' <<<"$page" && pass "man page renders" ||
    fail "man page" "$page"
comp=$root/usr/share/bash-completion/completions/mailspec
words=$(bash -c ". '$comp'; COMP_WORDS=(mailspec run --ht); COMP_CWORD=2; _mailspec; echo \"\${COMPREPLY[*]}\"" 2>&1)
[ "$words" = "--html" ] && pass "bash completion: run --ht -> --html" || fail "bash completion" "$words"

out=$(dpkg --root="$root" --log=/dev/null -r mailspec 2>&1)
left=$(find "$root/usr" -type f 2>/dev/null)
[ -z "$left" ] && pass "dpkg -r removes every file" || fail "dpkg -r left files" "$out
$left"

[ $FAILS = 0 ] || { echo "FAIL: $FAILS checks failed"; exit 1; }
echo "PASS"
