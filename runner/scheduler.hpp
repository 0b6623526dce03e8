#pragma once
// Runs every (check, vantage) of a set of suites concurrently on one io_context, within a
// global limit and each target's max_connections, streaming results to a reporter as they come.
// SIGINT/SIGTERM (via interrupt()) stops new checks and lets running ones finish for a grace
// period; the summary then says the run is incomplete.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/result.hpp"
#include "model/suite.hpp"
#include "reporters/reporter.hpp"

namespace mailspec {

namespace transport {
class Connector;
}
class RemoteVantage;

struct SchedulerOptions {
    std::size_t max_parallel = 64;  // checks in flight across all targets
    // Which checks run; the others are reported as skipped with `filter_reason`.
    std::function<bool(const CheckSpec&)> selected = [](const CheckSpec&) { return true; };
    std::string filter_reason = "not selected";
    std::chrono::milliseconds grace{2000};  // after an interrupt
    // The connector for a vantage (tests inject their own). Throwing = vantage unusable.
    std::function<std::shared_ptr<transport::Connector>(const Vantage&)> connector_for;
    // Vantages of kind ssh run their checks through this, all checks of a (suite, vantage)
    // at once (runner/agent_remote.hpp). Throwing = vantage unusable.
    std::function<std::shared_ptr<RemoteVantage>(const Vantage&)> remote_for;
};

class Scheduler {
  public:
    Scheduler(boost::asio::io_context& io, Reporter& reporter, SchedulerOptions options);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Runs everything; returns when all checks ended or the run was interrupted.
    RunSummary run(const std::vector<Suite>& suites);
    // Safe to call from a signal handler posted onto the io_context.
    void interrupt();

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace mailspec
