#pragma once
// queue: mail queue health read with the MTA's own tool where the check runs (the runner, or
// the far end of an ssh vantage): Postfix `postqueue -j`, Exim `exim -bp`, qmail
// `qmail-qread` + `qmail-qstat`; counts per queue, qshape's age buckets, per-domain counts.
//   queue: { mta: postfix, deferred: { max: 100 }, older_than: { age: 1h, max: 0 } }

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.hpp"

namespace mailspec {

struct QueueBound {
    std::optional<std::int64_t> min, max;
};

struct QueueAgeBound {
    Millis age{0};
    std::int64_t max = 0;
    std::string queue;  // empty: every queue
};

class QueueCheck final : public Check {
  public:
    std::string mta = "postfix";
    std::vector<std::string> command;          // the listing command (argv)
    std::vector<std::string> qstat_command;    // qmail only
    std::map<std::string, QueueBound> queues;  // active, deferred, hold, incoming, total
    std::vector<QueueAgeBound> older_than;
    std::map<std::string, QueueBound> domains;

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
