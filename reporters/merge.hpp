#pragma once
// Combining the recorded results of several runs or shards (`mailspec merge`), and replaying a
// record through any reporter so merged results get the same reports as a live run.

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "reporters/reporter.hpp"
#include "reporters/run_record.hpp"

namespace mailspec::reports {

struct MergeError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Inputs as (origin, record). Run metadata: earliest start; duration from the earliest start
// to the latest end; incomplete when any input was; version/host joined when they differ.
// Suites are united by name (planned counts add up: shards of one suite). Results keep input
// order. The same (suite, check, variant, vantage) in two inputs is a MergeError naming both:
// merging one file twice must not double its counts.
RunRecord merge_records(const std::vector<std::pair<std::string, RunRecord>>& inputs);

// Sends the record to `reporter` as the event stream of a run would have.
void replay(const RunRecord& rec, Reporter& reporter);

}  // namespace mailspec::reports
