# no-starttls: port 25 (the MX) offers no STARTTLS. Submission keeps requiring it.
# shellcheck shell=bash disable=SC2034
DESCRIPTION="port 25 does not offer STARTTLS"
apply() {
    pf_master "$MAIL_IP:smtp/inet/smtpd_tls_security_level=none"
}
