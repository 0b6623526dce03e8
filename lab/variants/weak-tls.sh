# weak-tls: TLS 1.0 and 1.1 accepted by Postfix (25/587/465) and Dovecot (993/995, STARTTLS).
# OpenSSL 3 refuses TLS 1.0/1.1 at its default security level 1 (their handshake signatures
# use SHA-1/MD5), so the cipher lists also carry @SECLEVEL=0; clients testing this need the
# same (openssl s_client -tls1 -cipher 'DEFAULT:@SECLEVEL=0').
# shellcheck shell=bash disable=SC2034
DESCRIPTION="TLS 1.0/1.1 accepted"
apply() {
    pf_main 'smtpd_tls_protocols = >=TLSv1' 'smtpd_tls_mandatory_protocols = >=TLSv1' \
        'tls_medium_cipherlist = DEFAULT:@SECLEVEL=0' 'tls_high_cipherlist = DEFAULT:@SECLEVEL=0'
    dc_conf 'ssl_min_protocol = TLSv1' 'ssl_cipher_list = DEFAULT:@SECLEVEL=0'
}
