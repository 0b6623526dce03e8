# rsa-kex: Postfix (25/587/465) offers TLS 1.2 only, with RSA key exchange only (kRSA: no
# forward secrecy): no TLS 1.3, no ECDHE or DHE suite. Dovecot is unchanged.
# shellcheck shell=bash disable=SC2034
DESCRIPTION="TLS 1.2 with RSA key exchange only (no forward secrecy)"
apply() {
    pf_main 'smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.3' \
        'smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1, !TLSv1.3' \
        'tls_medium_cipherlist = kRSA:!eNULL' 'tls_high_cipherlist = kRSA:!eNULL'
}
