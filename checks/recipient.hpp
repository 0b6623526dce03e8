#pragma once
// recipient: is an address refused (or accepted) at RCPT TO? The chkuser family: no such
// mailbox (550 5.1.1), mailbox syntax not allowed (553 5.1.7), domain not in rcpthosts (553 5.7.1).
//   recipient: { rcpt: nobody@lab.test, sender: "<>", expect: { code: 550, enhanced: 5.1.1 } }
//   recipient: { rcpt: alice@lab.test, expect: accepted }
//   recipient: { rcpt: nobody@lab.test, control: alice@lab.test, expect: 550 }
// `control`: a real mailbox, sent RCPT TO first in the same transaction; the refusal counts
// only when it is accepted (else inconclusive): the server refuses this recipient, not all.
// MAIL FROM (default: the null sender) then RCPT TO; the RCPT reply is judged. When MAIL FROM is
// refused the recipient was never tested: `error`, unless that refusal matches expect. Never
// DATA; RSET and QUIT.

#include "checks/check.hpp"
#include "checks/envelope.hpp"

namespace mailspec {

class RecipientCheck final : public Check {
  public:
    EnvelopeProbe probe;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
