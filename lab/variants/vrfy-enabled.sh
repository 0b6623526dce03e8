# vrfy-enabled: VRFY answered, as Postfix does when disable_vrfy_command is left at its default
# (no): 252 2.0.0 for a real mailbox, 550 5.1.1 for an unknown one, so VRFY tells which
# mailboxes exist (the differential of mx-baseline's vrfy-discloses-nothing).
# shellcheck shell=bash disable=SC2034
DESCRIPTION="VRFY enabled: 252 for a real mailbox, 550 5.1.1 for an unknown one"
apply() {
    pf_main 'disable_vrfy_command = no'
}
