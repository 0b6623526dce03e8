#pragma once
// auth_required: a mail transaction without AUTH must be refused (submission ports).
//   auth_required:
//     starttls: true                      # upgrade first, so the test isolates AUTH from TLS
//     sender: someone@example.org         # default: postmaster@<helo>
//     rcpt: someone@example.org           # optional: a server that refuses only at RCPT
//                                         # (Postfix smtpd_delay_reject) is judged there
//     expect: { code: 530, enhanced: 5.7.0 }   # the default
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
    ReplyExpectation expect;

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
