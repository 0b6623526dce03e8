# The lab's MTA-STS policy server: nginx on STS_IP:443 (lab/templates/nginx-mta-sts.conf) with a
# lab-CA certificate for mta-sts.lab.test and the broken siblings. Sourced by lab/up and
# lab/up after common.sh (lab/down stops it by its pid file).
# shellcheck shell=bash disable=SC2034
STS_IP=127.0.0.51
STS_DIR=$RUN/mta-sts
STS_PID=$STS_DIR/nginx.pid

mta_sts_up() {
    command -v nginx >/dev/null || die "nginx is missing (./run setup installs it)"
    mkdir -p "$STS_DIR/tmp"
    chmod 755 "$STS_DIR"
    # Made anew when a sibling was added since (the SAN list below grew).
    if [ ! -s "$STS_DIR/sts.pem" ] || ! grep -q sts-badcert "$STS_DIR/sts.ext" 2>/dev/null; then
        printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
            "extendedKeyUsage=serverAuth" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" \
            "subjectAltName=DNS:mta-sts.lab.test,DNS:mta-sts.sts-uncovered.lab.test,DNS:mta-sts.sts-redirect.lab.test,DNS:mta-sts.sts-badcert.lab.test" \
            >"$STS_DIR/sts.ext"
        openssl req -newkey rsa:2048 -nodes -keyout "$STS_DIR/sts.key" -out "$STS_DIR/sts.csr" \
            -subj "/O=mailspec lab/CN=mta-sts.lab.test" 2>/dev/null
        openssl x509 -req -in "$STS_DIR/sts.csr" -CA "$RUN/tls/ca.pem" -CAkey "$RUN/tls/ca.key" \
            -CAcreateserial -days 825 -extfile "$STS_DIR/sts.ext" -out "$STS_DIR/sts.pem" 2>/dev/null ||
            die "cannot make the MTA-STS certificate"
        chmod 600 "$STS_DIR/sts.key"
    fi
    printf 'version: STSv1\r\nmode: enforce\r\nmx: mail.lab.test\r\nmx: *.lab.test\r\nmax_age: 86400\r\n' \
        >"$STS_DIR/policy-lab.test.txt"
    printf 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.net\r\nmax_age: 86400\r\n' \
        >"$STS_DIR/policy-uncovered.txt"
    printf 'version: STSv1\r\nmode: enforce\r\nmx: mx.sts-badcert.lab.test\r\nmax_age: 86400\r\n' \
        >"$STS_DIR/policy-badcert.txt"
    chmod 644 "$STS_DIR"/policy-*.txt
    sed -e "s|@STS@|$STS_DIR|g" -e "s|@STS_IP@|$STS_IP|g" "$LAB/templates/nginx-mta-sts.conf" \
        >"$STS_DIR/nginx.conf"
    if pid_alive "$STS_PID"; then
        nginx -c "$STS_DIR/nginx.conf" -p "$STS_DIR" -e "$STS_DIR/error.log" -s reload \
            2>>"$LOG/up.log" || die "nginx reload failed (see $STS_DIR/error.log)"
    else
        nginx -c "$STS_DIR/nginx.conf" -p "$STS_DIR" -e "$STS_DIR/error.log" 2>>"$LOG/up.log" ||
            die "nginx did not start (see $STS_DIR/error.log, $LOG/up.log)"
    fi
    wait_ports "$STS_IP" 443 || die "nginx did not open $STS_IP:443"
}
