#pragma once
// pop3: a POP3 server (RFC 1939, STLS RFC 2595, CAPA RFC 2449) as a mailbox user meets it.
//   pop3:
//     greeting: "Dovecot ready"         # regex searched in the +OK greeting text
//     capabilities: { has: [STLS], lacks: [USER] }        # CAPA before TLS
//     capabilities_tls: { has: [USER, "SASL PLAIN"] }     # CAPA inside TLS
//     plaintext_login: refused          # USER/PASS before STLS refused (dummy credential, on
//                                       # a connection of its own)
//     starttls: true                    # STLS; default true, false on implicit-TLS targets (995)
//     tls: { verify: true, name: mail.example.org, days_left: 14 }
//     user: alice
//     password_file: secrets/alice      # or password_env (never inline)
//     login: accepted                   # or rejected ([AUTH] or plain -ERR)
//     messages_at_least: 1              # STAT after login
// The real credential is sent only inside TLS whose certificate verified (unless tls.verify:
// false, or starttls: false on a plaintext target, as the suite says).

#include "checks/check.hpp"
#include "checks/mailbox_support.hpp"

namespace mailspec {

class Pop3Check final : public Check {
  public:
    MailboxAccess access;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
