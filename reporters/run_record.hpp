#pragma once
// A whole run collected from the event stream: what the file reports render at run_end and
// what `mailspec merge` rebuilds from JSON documents.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "model/result.hpp"
#include "reporters/reporter.hpp"

namespace mailspec::reports {

struct RunRecord {
    RunInfo run;
    std::vector<SuiteInfo> suites;  // in suite_begin order
    std::vector<Result> results;    // in arrival order
    RunSummary summary;             // duration and incomplete from the runner
};

// Counts per status recomputed from the results (every status present, zero when unseen), so
// that the numbers a report prints always match the test cases it contains.
std::map<Status, std::size_t> count_statuses(const std::vector<Result>& results);

// Suite names in first-seen order (suite_begin order, then any name only seen in results).
std::vector<std::string> suite_order(const RunRecord& rec);

// Collects every event; subclasses render the complete record when the run ends.
class CollectingReporter : public Reporter {
  public:
    void run_begin(const RunInfo& info) override;
    void suite_begin(const SuiteInfo& suite) override;
    void result(const Result& r) override;
    void run_end(const RunSummary& summary) override;

    const RunRecord& record() const { return record_; }

  protected:
    virtual void finish(const RunRecord& rec) = 0;

  private:
    RunRecord record_;
};

}  // namespace mailspec::reports
