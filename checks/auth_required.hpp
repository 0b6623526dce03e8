#pragma once
// auth_required: a mail transaction without AUTH must be refused (submission ports).
//   auth_required:
//     starttls: true                      # upgrade first, so the test isolates AUTH from TLS
//     sender: someone@example.org         # default: postmaster@<helo>
//     rcpt: someone@example.org           # optional: a server that refuses only at RCPT
//                                         # (Postfix smtpd_delay_reject) is judged there
//     expect: { code: 530, enhanced: 5.7.0 }   # instead of the default, below
// Default (portable across MTAs): 530, or any 5xx whose text names authentication (Exim ACLs
// say "550 Authentication required"), with a 5.7.x enhanced code when the reply has one
// (qmail: "530 Authorization required (#5.7.1)"). Anything but RFC 4954 §6's exact
// "530 5.7.0" adds a notice finding saying so.
// Accepted (2xx) = fail, followed by RSET and QUIT (DATA is never sent); 421 = inconclusive.

#include <optional>
#include <string>

#include "checks/check.hpp"
#include "checks/expectation.hpp"

namespace mailspec {

class AuthRequiredCheck final : public Check {
  public:
    bool starttls = false;
    bool tls_verify = true;
    std::string sender;  // empty: postmaster@<helo>
    std::string rcpt;    // empty: judged at MAIL FROM only
    ReplyExpectation expect;      // empty: the default rule
    ReplyExpectation by_text;     // default rule, second form: 5xx naming authentication

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
