#pragma once
// error_limit: after repeated bad commands the server must slow down or hang up (Postfix
// smtpd_soft_error_limit + smtpd_error_sleep_time, smtpd_hard_error_limit; tarpits).
//   error_limit: { commands: 30, expect: either, slowdown: 500ms }
// Connects, EHLO, then sends unknown commands ("XMAILSPEC-BAD <n>") one at a time and times each
// reply. A 421 or the server closing the connection = disconnect after k errors; two replies in
// a row slower than `slowdown` = slowdown after k errors (one slow reply alone is load or
// network jitter: noted, not a slowdown); neither within `commands` = fail. `expect` is
// disconnect, slowdown or either (default). With expect: disconnect, slow replies are noted
// and probing goes on; give the check a `timeout` long enough for the server's sleeps.

#include <chrono>
#include <string>

#include "checks/check.hpp"

namespace mailspec {

class ErrorLimitCheck final : public Check {
  public:
    enum class Expect { disconnect, slowdown, either };
    unsigned commands = 30;
    Expect expect = Expect::either;
    std::chrono::milliseconds slowdown{500};
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
