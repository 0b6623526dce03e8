#pragma once
// imap: an IMAP4rev1 server (RFC 3501, STARTTLS and LOGINDISABLED §6.2.1) as a mailbox user
// meets it. The same keys as pop3 (checks/pop3.hpp), plus `mailbox` (default INBOX), which
// messages_at_least EXAMINEs (read-only: nothing changes).
//   imap:
//     capabilities: { has: [STARTTLS, LOGINDISABLED] }
//     capabilities_tls: { lacks: [LOGINDISABLED], has: ["AUTH=PLAIN"] }
//     plaintext_login: refused          # LOGINDISABLED, or LOGIN with a dummy credential NO
//     user: alice
//     password_env: ALICE_PASSWORD
//     login: accepted
//     messages_at_least: 0
//     mailbox: INBOX

#include "checks/check.hpp"
#include "checks/mailbox_support.hpp"

namespace mailspec {

class ImapCheck final : public Check {
  public:
    MailboxAccess access;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
