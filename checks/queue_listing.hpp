#pragma once
// Mail queue listings of Postfix (`postqueue -j`), Exim (`exim -bp`) and qmail (`qmail-qread`,
// `qmail-qstat`) read into one shape, and qshape's age buckets computed from it. Pure: text
// in, data out, no I/O (the queue check runs the commands).

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec {

struct QueuedMail {
    std::string queue;  // active, deferred, hold, incoming (Postfix also maildrop, corrupt)
    std::string id;
    std::int64_t age_seconds = 0;
    std::string sender;
    std::vector<std::string> recipients;  // those still to be delivered
    std::string reason;                   // first delay reason, when the MTA gives one
};

struct QueueListing {
    std::vector<QueuedMail> mails;
    std::vector<std::string> problems;  // lines that did not parse (kept short)
    // qmail-qstat: messages not yet preprocessed (queue/todo), which qmail-qread cannot list.
    std::optional<std::int64_t> qmail_unprocessed;
    std::optional<std::int64_t> qmail_total;
};

// `postqueue -j`: one JSON object per line (Postfix 3.1+). `now`: Unix time.
QueueListing parse_postqueue_json(std::string_view out, std::int64_t now);
// `exim -bp`: "25m  2.9K 1axbV0-0003LX-Q2 <sender>" then indented recipients ("D " = done);
// ages are minutes up to 90, then hours up to 72, then days. Frozen messages count as hold,
// the rest as deferred (Exim has one queue).
QueueListing parse_exim_bp(std::string_view out);
// `qmail-qread`: "3 Dec 2026 10:12:33 GMT  #1234  1843  <sender> [bouncing]" then
// "\tremote\taddr" / "\tdone\tlocal\taddr" lines. Every message counts as deferred.
QueueListing parse_qmail_qread(std::string_view out, std::int64_t now);
// `qmail-qstat`: "messages in queue: N" / "messages in queue but not yet preprocessed: M".
void parse_qmail_qstat(std::string_view out, QueueListing& into);

// qshape's buckets: 0-5m, 5-10m, 10-20m, ... 640-1280m, 1280m+.
inline constexpr std::size_t kQueueBuckets = 10;
std::string_view queue_bucket_label(std::size_t i);
std::size_t queue_bucket_of(std::int64_t age_seconds);

struct QueueRow {
    std::int64_t total = 0;
    std::array<std::int64_t, kQueueBuckets> buckets{};
};

struct QueueShape {
    std::map<std::string, QueueRow> queues;  // per queue name
    std::map<std::string, QueueRow>
        domains;  // per recipient domain (a mail counts once per domain)
    QueueRow all;
};

QueueShape shape_of(const QueueListing& l, std::string_view only_queue = {});
// A qshape-like table: header, TOTAL row, one row per domain.
std::vector<std::string> format_queue_table(const QueueShape& s);
std::string recipient_domain(std::string_view address);

}  // namespace mailspec
