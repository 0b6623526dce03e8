#pragma once
// maillog: what became of an earlier check's probe, read from the server's log. The check named
// by `after:` (an `smtp` dialogue or a `delivery`) recorded the queue id of its accepted
// message; this one polls the log (a file's appended bytes, or what a following command such as
// `journalctl --follow` printed, capped) until that id's delivery line says the expected
// status, or `within` ends. `ssh: VANTAGE` reads it on an ssh vantage's host instead.
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
    std::string file;                  // read here, polled by size; empty: `command` instead
    std::vector<std::string> command;  // journalctl / tail -F / ssh ...: its output followed
    std::string source;                // what the log is, for messages ("FILE", "journal of U")
    std::string mta = "postfix";
    MaillogExpect expect;
    Millis within{0};
    Millis poll{500};
    std::size_t max_bytes = 16 * 1024 * 1024;  // of the log's tail kept in memory

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

// The command that follows the log of `journal:` / `file:` over ssh / `command:` (exposed for
// tests): journalctl --no-pager --quiet --output=short-iso --follow --lines=all
// --since=-15min [--unit=UNIT]; tail -c MAX -F -- FILE; each wrapped in ssh_argv for `ssh:`.
std::vector<std::string> journal_argv(const std::string& unit);
std::vector<std::string> tail_argv(const std::string& file, std::size_t max_bytes);

std::shared_ptr<const Check> parse_maillog(const yaml::Node& body, ParseContext& ctx);

}  // namespace mailspec
