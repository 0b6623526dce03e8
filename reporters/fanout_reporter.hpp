#pragma once
// One event stream to several reporters (console + JUnit + TAP + JSON in one run). Events are
// serialised here, so the runner may deliver them from several threads.

#include <memory>
#include <mutex>
#include <vector>

#include "reporters/reporter.hpp"

namespace mailspec::reports {

class FanoutReporter : public Reporter {
  public:
    FanoutReporter() = default;
    explicit FanoutReporter(std::vector<std::unique_ptr<Reporter>> reporters);
    void add(std::unique_ptr<Reporter> r);
    std::size_t size() const { return reporters_.size(); }

    void run_begin(const RunInfo& info) override;
    void suite_begin(const SuiteInfo& suite) override;
    void result(const Result& r) override;
    void suite_end(const SuiteInfo& suite) override;
    // Every reporter gets run_end even when an earlier one throws (a report file that cannot
    // be written must not cost the others); the first exception is rethrown afterwards.
    void run_end(const RunSummary& summary) override;
    void tick() override;

  private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<Reporter>> reporters_;
};

}  // namespace mailspec::reports
