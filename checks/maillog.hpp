#pragma once
// maillog: what became of an earlier check's probe, read from the server's log. The check named
// by `after:` (an `smtp` dialogue or a `delivery`) recorded the queue id of its accepted
// message; this one polls the log file (appended bytes only, capped) until that id's delivery
// line says the expected status, or `within` ends.
//   maillog: { after: deliver-probe, file: /var/log/mail.log, mta: postfix, status: sent,
//              relay: "127\\.0\\.0\\.11", max_delay: 30s, within: 30s }

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "checks/dependency.hpp"
#include "checks/maillog_parse.hpp"

namespace mailspec {

struct MaillogExpect {
    LogStatus status = LogStatus::sent;
    std::optional<std::regex> relay;
    std::string relay_text;
    std::optional<Millis> max_delay;
};

struct MaillogVerdict {
    bool settled = false;  // the log has said all it will: no need to wait longer
    Status status = Status::fail;
    std::string message;
};

// The verdict on the delivery lines of one queue id. Sent, bounced and rejected are final;
// while the log shows only deferrals (or nothing), the verdict is not settled unless the
// deferral was what was expected.
MaillogVerdict judge_maillog(const std::vector<LogDelivery>& lines, const MaillogExpect& e);

class MaillogCheck final : public Check {
  public:
    CheckDependency after;
    std::string file;
    std::string mta = "postfix";
    MaillogExpect expect;
    Millis within{0};
    Millis poll{500};
    std::size_t max_bytes = 16 * 1024 * 1024;  // of the log's tail kept in memory

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

std::shared_ptr<const Check> parse_maillog(const yaml::Node& body, ParseContext& ctx);

}  // namespace mailspec
