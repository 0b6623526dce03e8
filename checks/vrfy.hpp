#pragma once
// vrfy: can a client tell which mailboxes exist, by VRFY/EXPN (RFC 5321 §3.5, §7.3) or, when
// asked, by RCPT TO?
//   vrfy: { address: alice@lab.test, command: VRFY, expect: no-disclosure,
//           unknown: nobody@lab.test,        # default: a random local part in the same domain
//           differential: true,               # default; false asks about `address` only
//           rcpt_differential: false,         # true: also RCPT TO both (stops at RCPT)
//           sender: "<>" }                    # MAIL FROM for rcpt_differential
// `command` is VRFY (default) or EXPN. The check asks about the real `address` and a surely
// unknown one on one connection. It fails when the real one is disclosed (250/251) or when
// the two replies differ in code or enhanced code (552 vs 550 5.1.1 tells an attacker which
// mailbox exists, whatever the codes say); it passes when both are refused alike or both get
// the same non-committal 252. A 421 or 4xx is inconclusive. No DATA is ever sent.
// rcpt_differential adds the result variant "rcpt": the same comparison for RCPT TO.

#include <string>

#include "checks/check.hpp"
#include "model/result.hpp"

namespace mailspec {

class VrfyCheck final : public Check {
  public:
    std::string address;
    std::string unknown;  // empty: made up per run from `address`'s domain
    bool expn = false;
    bool differential = true;
    bool rcpt_differential = false;
    std::string sender = "<>";
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

// One reply as the verdict sees it.
struct ProbeReply {
    int code = 0;
    std::string enhanced;  // "5.1.1" or empty
    std::string line;      // first line as sent
};

struct VrfyVerdict {
    Status status;
    std::string message;
};

// Pure verdicts (unit-tested). `command` is "VRFY", "EXPN" or "RCPT TO".
VrfyVerdict judge_vrfy(const std::string& command, int code, const std::string& reply_line);
VrfyVerdict judge_differential(const std::string& command, const std::string& real_address,
                               const ProbeReply& real, const std::string& unknown_address,
                               const ProbeReply& unknown);

// "mailspec-probe-<12 hex>@domain of `address`" (no domain: just the local part).
std::string random_unknown_address(const std::string& address);

}  // namespace mailspec
