#pragma once
// sender: is a MAIL FROM address refused (or accepted)? E.g. a sender domain without a valid
// MX (550 5.1.8), an unknown local sender, a spoofed local domain.
//   sender: { sender: probe@no-mx.lab.test, rcpt: alice@lab.test,
//             expect: { code: 550, enhanced: 5.1.8 } }        # or expect: accepted
// The refusal may come at MAIL FROM or at RCPT TO (Postfix delays sender restrictions to RCPT
// by default, smtpd_delay_reject): the first non-2xx reply is judged; both 2xx = accepted.
// `control: probe@example.org`: a sender that must be accepted (MAIL FROM control, RCPT TO
// rcpt, RSET) before the probe on the same connection; the refusal counts only then (else
// inconclusive): the server refuses this sender, not everyone. Never DATA; RSET and QUIT.

#include "checks/check.hpp"
#include "checks/envelope.hpp"

namespace mailspec {

class SenderCheck final : public Check {
  public:
    EnvelopeProbe probe;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
