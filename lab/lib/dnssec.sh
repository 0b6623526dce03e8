# The DNSSEC part of the lab (lab/up --with dnssec): NSD serving the signed zone dane.test and
# its children on $DNSSEC_NS_IP, and a validating unbound on $DNSSEC_IP that trusts dane.test's
# key (the lab's trust anchor) and asks only NSD. Keys are made here, at every start, into
# $DNSSEC_DIR; nothing is committed. Sourced by lab/up after the TLS files exist.
# shellcheck shell=bash

dnssec_running() { pid_alive "$DNSSEC_NSD_PID" && pid_alive "$DNSSEC_DNS_PID"; }

# dnssec_hash FILE-OR-: lower-case hex digest (sha256 or sha512) of stdin.
dnssec_hash() { openssl dgst "-$1" -r | cut -d' ' -f1; }
dnssec_leaf_spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER; }
dnssec_cert_der() { openssl x509 -in "$1" -outform DER; }

dnssec_down() {
    local f pid
    for f in "$DNSSEC_NSD_PID" "$DNSSEC_DNS_PID"; do
        pid_alive "$f" || continue
        pid=$(pid_of "$f")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do proc_alive "$pid" || break; sleep 0.05; done
    done
    rm -f "$DNSSEC_NSD_PID" "$DNSSEC_DNS_PID"
}

# dnssec_zones: write and sign the zone files. The MX hosts all point at Postfix on $MAIL_IP,
# whose certificate (lab/run/tls/server.pem, CA ca.pem) names mx.good and mx.ta.dane.test.
dnssec_zones() {
    local d=$DNSSEC_DIR z=$DNSSEC_DIR/zones k=$DNSSEC_DIR/keys tls=$RUN/tls
    local leaf_311 ca_201 ca_212 wrong_311 soa
    rm -rf "$z" "$k"
    mkdir -p "$z" "$k"
    leaf_311=$(dnssec_leaf_spki "$tls/server.pem" | dnssec_hash sha256)
    ca_201=$(dnssec_cert_der "$tls/ca.pem" | dnssec_hash sha256)
    ca_212=$(dnssec_leaf_spki "$tls/ca.pem" | dnssec_hash sha512)
    # A real key, but not the one Postfix presents (the weak-key variant's).
    wrong_311=$(dnssec_leaf_spki "$tls/weak.pem" | dnssec_hash sha256)
    soa="@ 300 IN SOA ns.dane.test. hostmaster.dane.test. $(date +%s) 3600 600 86400 300"
    mx() { # NAME: MX and address of mx.NAME
        printf '%s\n' "$1. 300 IN MX 10 mx.$1." "mx.$1. 300 IN A $MAIL_IP"
    }
    tlsa() { printf '_25._tcp.mx.%s. 300 IN TLSA %s\n' "$1" "$2"; }
    (
        cd "$k" || exit 1
        for zone in dane.test expired.dane.test; do
            ldns-keygen -a ECDSAP256SHA256 -k "$zone" >"$zone.base" || exit 1
        done
    ) || die "ldns-keygen failed"
    {
        echo "\$ORIGIN dane.test."
        echo "$soa"
        echo "@ 300 IN NS ns.dane.test."
        echo "ns 300 IN A $DNSSEC_NS_IP"
        # good: DANE-EE of the leaf key, DANE-TA of the lab CA (two ways): pass, rollover ready.
        mx good.dane.test
        tlsa good.dane.test "3 1 1 $leaf_311"
        tlsa good.dane.test "2 0 1 $ca_201"
        tlsa good.dane.test "2 1 2 $ca_212"
        # ta: DANE-TA of the lab CA only; the certificate names mx.ta.dane.test, so the
        # name and the dates count (the expired-cert variant gives cert-expired).
        mx ta.dane.test
        tlsa ta.dane.test "2 0 1 $ca_201"
        # single: one DANE-EE record only (rollover: required fails).
        mx single.dane.test
        tlsa single.dane.test "3 1 1 $leaf_311"
        # mismatch: a DANE-EE record of another key.
        mx mismatch.dane.test
        tlsa mismatch.dane.test "3 1 1 $wrong_311"
        # unusable: PKIX-TA and PKIX-EE (usages 0 and 1) only, which RFC 7672 rules out.
        mx unusable.dane.test
        tlsa unusable.dane.test "0 0 1 $ca_201"
        tlsa unusable.dane.test "1 1 1 $leaf_311"
        # noname: DANE-TA matches, but the certificate does not name mx.noname.dane.test.
        mx noname.dane.test
        tlsa noname.dane.test "2 0 1 $ca_201"
        # absent: signed, no TLSA at all.
        mx absent.dane.test
        # split: the MX has two addresses, Postfix (matches) and the counting sink (no STARTTLS):
        # DANE must hold on every address a sender may reach.
        mx split.dane.test
        echo "mx.split.dane.test. 300 IN A $SINK_IP"
        tlsa split.dane.test "3 1 1 $leaf_311"
        # insecure: delegated without DS, the child zone is not signed.
        echo "insecure 300 IN NS ns.dane.test."
        # expired: delegated with DS, but its signatures expired in 2020 (bogus).
        echo "expired 300 IN NS ns.dane.test."
        cat "$k/Kexpired.dane.test.+"*.ds
    } >"$z/dane.test"
    {
        echo "\$ORIGIN insecure.dane.test."
        echo "$soa"
        echo "@ 300 IN NS ns.dane.test."
        mx insecure.dane.test
        tlsa insecure.dane.test "3 1 1 $leaf_311"
    } >"$z/insecure.dane.test"
    {
        echo "\$ORIGIN expired.dane.test."
        echo "$soa"
        echo "@ 300 IN NS ns.dane.test."
        mx expired.dane.test
        tlsa expired.dane.test "3 1 1 $leaf_311"
    } >"$z/expired.dane.test"
    (
        cd "$k" || exit 1
        ldns-signzone -f "$z/dane.test.signed" -o dane.test "$z/dane.test" "$(cat dane.test.base)"
        ldns-signzone -i 20200101000000 -e 20200201000000 -f "$z/expired.dane.test.signed" \
            -o expired.dane.test "$z/expired.dane.test" "$(cat expired.dane.test.base)"
        # The trust anchor: dane.test's DS (unbound takes DS or DNSKEY lines).
        cat "Kdane.test.+"*.ds >"$d/trust-anchor.ds"
    ) || die "ldns-signzone failed"
    chmod 755 "$z"
    chmod 644 "$z"/* "$d/trust-anchor.ds"
}

dnssec_up() {
    local d=$DNSSEC_DIR
    for tool in nsd ldns-keygen ldns-signzone; do
        command -v "$tool" >/dev/null || die "missing $tool (run ./run setup: nsd, ldnsutils)"
    done
    dnssec_down
    mkdir -p "$d"
    chmod 755 "$d"
    dnssec_zones
    cat >"$d/nsd.conf" <<NSD
# NSD for the lab's DNSSEC zones (rendered by lab/up --with dnssec).
server:
    ip-address: $DNSSEC_NS_IP
    port: 53
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "$d/zones"
    database: ""
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    pidfile: "$DNSSEC_NSD_PID"
    logfile: "$LOG/nsd.log"
    server-count: 1
    verbosity: 1
remote-control:
    control-enable: no
zone:
    name: dane.test
    zonefile: dane.test.signed
zone:
    name: insecure.dane.test
    zonefile: insecure.dane.test
zone:
    name: expired.dane.test
    zonefile: expired.dane.test.signed
NSD
    cat >"$d/unbound.conf" <<UNBOUND
# Validating unbound for the lab's DNSSEC zones (rendered by lab/up --with dnssec). It trusts
# dane.test's key only and asks only NSD on $DNSSEC_NS_IP; everything else is NXDOMAIN.
server:
    interface: $DNSSEC_IP
    port: 53
    do-ip6: no
    access-control: 127.0.0.0/8 allow
    chroot: ""
    username: ""
    directory: "$d"
    pidfile: "$DNSSEC_DNS_PID"
    logfile: "$LOG/unbound-dnssec.log"
    use-syslog: no
    verbosity: 1
    do-daemonize: yes
    num-threads: 1
    module-config: "validator iterator"
    trust-anchor-file: "$d/trust-anchor.ds"
    do-not-query-localhost: no
    val-log-level: 2
    # test. is one of unbound's default local zones (RFC 6761); let dane.test through.
    local-zone: "test." nodefault
    local-zone: "." static
    local-zone: "dane.test." transparent
    cache-max-ttl: 5
    cache-max-negative-ttl: 5
stub-zone:
    name: "dane.test."
    stub-addr: $DNSSEC_NS_IP
remote-control:
    control-enable: no
UNBOUND
    nsd-checkconf "$d/nsd.conf" || die "nsd-checkconf failed for $d/nsd.conf"
    nsd -c "$d/nsd.conf" >>"$LOG/nsd.log" 2>&1 || die "nsd did not start (see $LOG/nsd.log)"
    unbound-checkconf "$d/unbound.conf" >/dev/null || die "unbound-checkconf failed for $d/unbound.conf"
    unbound -c "$d/unbound.conf" || die "validating unbound did not start (see $LOG/unbound-dnssec.log)"
    wait_ports "$DNSSEC_NS_IP" 53 && wait_ports "$DNSSEC_IP" 53 ||
        die "NSD or the validating unbound did not open port 53"
}
