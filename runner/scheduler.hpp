#pragma once
// Runs every (check, vantage) of a set of suites concurrently on one io_context, within a
// global limit and each target's max_connections, streaming results to a reporter as they come.
// SIGINT/SIGTERM (via interrupt()) stops new checks and lets running ones finish for a grace
// period; the summary then says the run is incomplete.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
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
    // Threads running the io_context (--jobs). Each check runs on its own strand; the
    // scheduler's bookkeeping and every reporter call run on one strand (executor()).
    unsigned threads = 1;
    // Which checks run; the others are reported as skipped with `filter_reason`.
    std::function<bool(const CheckSpec&)> selected = [](const CheckSpec&) { return true; };
    std::string filter_reason = "not selected";
    std::chrono::milliseconds grace{2000};  // after an interrupt
    // The connector for a vantage (tests inject their own). Throwing = vantage unusable.
    std::function<std::shared_ptr<transport::Connector>(const Vantage&)> connector_for;
    // Vantages of kind ssh run their checks through this, all checks of a (suite, vantage)
    // at once (runner/agent_remote.hpp). The session must run on `ex`, the scheduler's strand,
    // because its results and its end touch the scheduler's data. Throwing = vantage unusable.
    std::function<std::shared_ptr<RemoteVantage>(const Vantage&, boost::asio::any_io_executor ex)>
        remote_for;
};

// Politeness: what a result says about its target pushing back ("answered 421", "refused a
// connection"), empty when it did not. After a push-back, the target's checks that have not
// started are reported inconclusive instead of being run.
std::string target_pushed_back(const Result& r);

class Scheduler {
  public:
    Scheduler(boost::asio::io_context& io, Reporter& reporter, SchedulerOptions options);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Runs everything; returns when all checks ended or the run was interrupted.
    RunSummary run(const std::vector<Suite>& suites);
    // Safe to call from any thread or handler; takes effect on the scheduler's strand.
    void interrupt();
    // The strand on which the scheduler calls the reporter: anything else that calls it
    // while run() runs (a progress ticker) must run there too.
    boost::asio::strand<boost::asio::io_context::executor_type> executor() const;

  private:
    void interrupt_here();
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace mailspec
