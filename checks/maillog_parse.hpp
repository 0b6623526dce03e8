#pragma once
// What became of a message, read from an MTA's log: the delivery lines of one queue id in
// Postfix's maillog, Exim's mainlog and qmail-send's log (multilog). Pure: text in, data out;
// the building block of a `maillog` check that correlates a probe's queue id with the log.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec {

enum class LogStatus { sent, deferred, bounced, rejected };
std::string_view to_string(LogStatus s);

struct LogDelivery {
    std::string queue_id;
    std::string recipient;
    LogStatus status = LogStatus::sent;
    std::string relay;            // Postfix relay=, Exim H=, qmail: the host in the reply
    std::optional<double> delay;  // seconds (Postfix delay=; Exim and qmail do not say)
    std::string detail;           // the MTA's reason or the remote reply
};

// Postfix: "QID: to=<rcpt>, relay=..., delay=0.12, ..., dsn=2.0.0, status=sent (250 ...)",
// and "QID: reject: ..." (cleanup's header/body checks, milters).
std::vector<LogDelivery> postfix_log_deliveries(std::string_view log, std::string_view queue_id);
// Exim: "ID => rcpt R=.. T=.. H=host [ip] C=\"250 ..\"" (also ->), "ID == rcpt ... defer ...",
// "ID ** rcpt ...: reason".
std::vector<LogDelivery> exim_log_deliveries(std::string_view log, std::string_view message_id);
// qmail-send: `queue_id` is the msg number or the "qp N" qmail-smtpd reports in its 250
// ("250 ok 1764753153 qp 12345"); deliveries follow "starting delivery D: msg M to remote R"
// and "delivery D: success|deferral|failure: reason".
std::vector<LogDelivery> qmail_log_deliveries(std::string_view log, std::string_view queue_id);

}  // namespace mailspec
