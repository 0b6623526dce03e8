# no-postscreen: mx-screened (127.0.0.12:25) is a plain smtpd instead of postscreen, so clients
# that talk before the greeting are served like any other (no pregreet test).
# shellcheck shell=bash disable=SC2034
DESCRIPTION="127.0.0.12:25 without postscreen: early talkers are served"
apply() {
    # The service itself changes (postscreen -> smtpd), which -P (parameters) cannot do.
    postconf -c "$PF_CONF" -M "$SCREENED_IP:smtp/inet=$SCREENED_IP:smtp inet n - n - - smtpd" &&
        backdate "$PF_CONF/master.cf"
}
