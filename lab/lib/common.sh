# Shared paths and helpers for lab/up, lab/down and lab/status. Sourced, not executed.
# shellcheck shell=bash disable=SC2034

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=state.sh
. "$LAB/lib/state.sh"
# All generated state (configurations, queues, Maildirs, sockets, certificates, secrets, logs)
# lives in RUN, outside the checkout; lab/run is a symlink to it for people and suites
# (../lab/run/tls/ca.pem). Every path handed to a daemon is the real one, never through lab/run.
RUN=$(lab_state_dir "$LAB/..") || exit 1
RUN_LINK=$LAB/run

# Addresses and names of the fixed lab contract (see lab/README.md).
MAIL_IP=127.0.0.10
SINK_IP=127.0.0.11
SCREENED_IP=127.0.0.12   # mx-screened.lab.test: postscreen on :25
INSIDE_IP=127.0.0.20
OUTSIDE_IP=127.0.0.30
# Real Exim and OpenSMTPD next to Postfix (lab/up --mta ...): one daemon each, serving a correct
# and an open-relay address (and Exim a screened one, with a greeting delay).
EXIM_IP=127.0.0.13         # exim.lab.test
EXIM_RELAY_IP=127.0.0.14   # exim-relay.lab.test: the same Exim, relaying for anyone on :25
EXIM_SCREENED_IP=127.0.0.17 # exim-screened.lab.test: :25 only, 3 s greeting delay (early talkers)
SMTPD_IP=127.0.0.15        # smtpd.lab.test (OpenSMTPD)
SMTPD_RELAY_IP=127.0.0.16  # smtpd-relay.lab.test: the same OpenSMTPD, relaying for anyone on :25
QMAIL_IP=127.0.0.40        # qmail.lab.test: the qmail REPLAY (tests/replay), when a test runs it
# DNSSEC (lab/up --with dnssec): NSD with the signed zone dane.test, and a validating unbound.
DNSSEC_NS_IP=127.0.0.60    # ns.dane.test (NSD, authoritative)
DNSSEC_IP=127.0.0.61       # validating unbound (trust anchor: dane.test's key)
MTAS=(exim opensmtpd)
LAB_USERS=(alice bob)
VARIANTS=(correct open-relay percent-hack-relay no-starttls plaintext-auth weak-tls expired-cert
    no-recipient-verification no-spf no-postscreen rsa-kex weak-key no-content-filter neglected vrfy-enabled)

# lab_paths DIR: the paths of a lab whose state is in DIR (lab/down also uses it for the
# lab/run directory of a checkout from before the state moved out).
lab_paths() {
    PF_CONF=$1/postfix/etc
    PF_QUEUE=$1/postfix/spool
    PF_DATA=$1/postfix/data
    DC_CONF=$1/dovecot/dovecot.conf
    DC_BASE=$1/dovecot/base
    DNS_CONF=$1/dns/unbound.conf
    DNS_PID=$1/dns/unbound.pid
    SINK_DIR=$1/sink
    SINK_PID=$1/sink.pid
    LOG=$1/log
    EXIM_PID=$1/exim/exim.pid
    SMTPD_PID=$1/opensmtpd/smtpd.pid
    DNSSEC_DIR=$1/dnssec
    DNSSEC_NSD_PID=$1/dnssec/nsd.pid
    DNSSEC_DNS_PID=$1/dnssec/unbound.pid
}
lab_paths "$RUN"
# Unpacked .debs (lab/mta-cache), kept across lab/down. Outside the checkout too: Exim
# re-executes itself as Debian-exim, OpenSMTPD's helpers run as mail.
MTA_CACHE=$LAB_CACHE_DIR
EXIM_BIN=$MTA_CACHE/exim/usr/sbin/exim4
SMTPD_BIN=$MTA_CACHE/opensmtpd/usr/sbin/smtpd

say() { printf 'lab: %s\n' "$*"; }
die() {
    printf 'lab: ERROR: %s\n' "$*" >&2
    exit 1
}

need_root() { [ "$(id -u)" = 0 ] || die "must run as root (it starts Postfix, Dovecot and unbound on loopback)"; }

# proc_alive PID: the process exists and has not exited. A daemon that exits is a zombie until
# init reaps it, and some inits (containers, microVMs) take a second or two to do so.
proc_alive() {
    local state
    kill -0 "$1" 2>/dev/null || return 1
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ "$state" != Z ] && [ "$state" != X ]
}

# pid_alive FILE: the pid in FILE names a live process.
pid_alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(tr -dc 0-9 <"$1")
    [ -n "$pid" ] && proc_alive "$pid"
}

pid_of() { tr -dc 0-9 <"$1" 2>/dev/null; }

# re_quote TEXT: TEXT as an extended regular expression matching itself (for pgrep -f).
re_quote() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|\\]/\\&/g'; }

postfix_running() { [ -f "$PF_CONF/main.cf" ] && postfix -c "$PF_CONF" status >/dev/null 2>&1; }
dovecot_running() { pid_alive "$DC_BASE/master.pid"; }

# port_open IP PORT: something accepts TCP connections there.
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# wait_ports IP PORT...: wait up to 10 s for every port to accept connections.
wait_ports() {
    local ip=$1 port deadline=$((SECONDS + 10))
    shift
    for port in "$@"; do
        until port_open "$ip" "$port"; do
            [ $SECONDS -lt $deadline ] || return 1
            sleep 0.05
        done
    done
}

current_variant() { cat "$RUN/variant" 2>/dev/null || echo none; }
