#!/usr/bin/env bash
# Issue #23 (and the ground rule): the lab listens on loopback only. With everything it can run
# started (lab/up --mta all --with dnssec,spamassassin: Postfix, Dovecot, unbound, the sink,
# nginx, Exim, OpenSMTPD, NSD, the validating unbound, spamd and its milters), every TCP and UDP
# socket that was not listening before lab/up is bound to 127.0.0.0/8 or ::1, or is a Unix
# socket; after lab/down none of the lab's sockets is left.
set -uo pipefail
ROOT=${MAILSPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../../lab/lib/testing.sh
. "$ROOT/lab/lib/testing.sh"
lab_require
command -v ss >/dev/null || { echo "FAIL: missing tool ss (iproute2)"; exit 1; }
lab_lock
trap '"$ROOT/lab/down" >/dev/null || echo "FAIL: lab/down failed"' EXIT
listening() { ss -H -ltun | awk '{print $1, $5}' | sort -u; }

"$ROOT/lab/down" >/dev/null 2>&1
before=$(listening)
echo "== lab/up --mta all --with dnssec,spamassassin"
"$ROOT/lab/up" --mta all --with dnssec,spamassassin >/dev/null || { echo "FAIL: lab/up failed"; exit 1; }
new=$(comm -13 <(printf '%s\n' "$before") <(listening))
echo "    $(grep -c . <<<"$new") new listening sockets"
check "the lab opened its sockets (25 on 127.0.0.10, 53 for the DNS)"
if grep -q ' 127.0.0.10:25$' <<<"$new" && grep -q '^udp 127.0.0.10:53$' <<<"$new"; then ok
else bad "missing" "$new"; fi
check "every new listening socket is on loopback"
outside=$(grep -Ev ' (127\.[0-9]+\.[0-9]+\.[0-9]+|\[::1\]):[0-9]+$' <<<"$new" || true)
if [ -z "$outside" ]; then ok; else bad "beyond loopback" "$outside"; fi

"$ROOT/lab/down" >/dev/null || bad "lab/down failed"
check "lab/down closed them all"
left=$(comm -12 <(printf '%s\n' "$new") <(listening))
if [ -z "$left" ]; then ok; else bad "still listening" "$left"; fi
trap - EXIT
lab_finish
