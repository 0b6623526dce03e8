# Helpers for shell tests that drive the lab (tests/integration/test_lab_*.sh). Sourced.
# shellcheck shell=bash
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_RUN=$LAB_DIR/run
LAB_FAILS=0

# lab_lock: serialise every test that uses the lab. The lab's addresses and ports are fixed
# for the whole machine, so the lock is machine-wide too (several checkouts may hold tests);
# within one build ctest's RESOURCE_LOCK "lab" already serialises the integration tests.
lab_lock() {
    local dir=/run/lock
    [ -d "$dir" ] && [ -w "$dir" ] || dir=/tmp
    exec 9>"$dir/mailspec-lab.lock"
    flock -w 900 9 || { echo "FAIL: could not lock the lab ($dir/mailspec-lab.lock) within 900 s" >&2; exit 1; }
}

lab_require() {
    [ "$(id -u)" = 0 ] || { echo "FAIL: lab tests need root (lab/up starts daemons)" >&2; exit 1; }
    local t
    for t in swaks openssl dig curl flock; do
        command -v "$t" >/dev/null || { echo "FAIL: missing tool $t" >&2; exit 1; }
    done
    perl -MNet::SSLeay -e 1 2>/dev/null ||
        { echo "FAIL: swaks needs Net::SSLeay for TLS (Debian package libnet-ssleay-perl)" >&2; exit 1; }
}

# check DESCRIPTION: announce what is checked next.
check() { printf '  check: %s ... ' "$*"; }
ok() { printf 'ok\n'; }
# bad WHAT [EVIDENCE]: record a failure loudly, with the evidence, and go on.
bad() {
    printf 'FAILED\n    %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/      | /' | tail -n 25
    LAB_FAILS=$((LAB_FAILS + 1))
}
# expect_match DESCRIPTION REGEX TEXT: TEXT must contain a line matching REGEX (grep -E).
expect_match() {
    check "$1"
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then ok; else bad "expected a line matching /$2/" "$3"; fi
}
expect_no_match() {
    check "$1"
    if printf '%s\n' "$3" | grep -Eq -- "$2"; then bad "expected no line matching /$2/" "$3"; else ok; fi
}

sink_count() { find "$LAB_RUN/sink" -type f 2>/dev/null | wc -l; }

# smtp_probe ARGS...: swaks against mail.lab.test with a bounded timeout; prints the dialogue.
smtp_probe() { timeout 30 swaks --server 127.0.0.10 --helo probe.mailspec.test --timeout 10 "$@" 2>&1 || true; }

lab_finish() {
    if [ "$LAB_FAILS" -gt 0 ]; then
        echo "FAIL: $LAB_FAILS check(s) failed (lab logs: lab/run/log/)"
        exit 1
    fi
    echo "PASS"
}
