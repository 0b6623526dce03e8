# plaintext-auth: submission (587) offers and accepts AUTH before STARTTLS.
# shellcheck shell=bash disable=SC2034
DESCRIPTION="587 offers and accepts AUTH before STARTTLS"
apply() {
    pf_master "$MAIL_IP:submission/inet/smtpd_tls_security_level=may" \
        "$MAIL_IP:submission/inet/smtpd_tls_auth_only=no"
}
