# weak-key: every TLS service presents weak.pem, a certificate for a 1024-bit RSA key (same CA,
# same names). Debian's OpenSSL default, security level 2, refuses to load such a key, so the
# cipher lists carry @SECLEVEL=1 (80-bit security, which RSA 1024 meets).
# shellcheck shell=bash disable=SC2034
DESCRIPTION="the server certificate has a 1024-bit RSA key"
apply() {
    pf_main "smtpd_tls_cert_file = $RUN/tls/weak.pem" "smtpd_tls_key_file = $RUN/tls/weak.key" \
        'tls_medium_cipherlist = aNULL:-aNULL:HIGH:MEDIUM:@SECLEVEL=1' \
        'tls_high_cipherlist = aNULL:-aNULL:HIGH:@SECLEVEL=1'
    dc_conf "ssl_cert = <$RUN/tls/weak.pem" "ssl_key = <$RUN/tls/weak.key" \
        'ssl_cipher_list = ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH:@SECLEVEL=1'
}
