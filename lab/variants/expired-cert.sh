# expired-cert: every TLS service presents a certificate (same CA, same names) that expired
# on 2021-01-01.
# shellcheck shell=bash disable=SC2034
DESCRIPTION="the server certificate has expired"
apply() {
    pf_main "smtpd_tls_cert_file = $RUN/tls/expired-chain.pem"
    dc_conf "ssl_cert = <$RUN/tls/expired.pem"
}
