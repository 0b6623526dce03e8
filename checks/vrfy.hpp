#pragma once
// vrfy: does VRFY (or EXPN) disclose whether a mailbox exists (RFC 5321 §3.5, §7.3)?
//   vrfy: { address: alice@lab.test, command: VRFY, expect: no-disclosure }
// `command` is VRFY (default) or EXPN. Passes when the server refuses (5xx: 502 disabled,
// 550, 500 unknown command) or is non-committal (252); fails when it discloses (250/251, the
// message names the text it disclosed). A 421 or 4xx is inconclusive. No MAIL, no DATA.

#include <string>

#include "checks/check.hpp"
#include "model/result.hpp"

namespace mailspec {

class VrfyCheck final : public Check {
  public:
    std::string address;
    bool expn = false;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

struct VrfyVerdict {
    Status status;
    std::string message;
};
// Pure verdict on the reply (unit-tested).
VrfyVerdict judge_vrfy(const std::string& command, int code, const std::string& reply_line);

}  // namespace mailspec
