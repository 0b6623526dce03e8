#pragma once
// `mailspec merge A.json B.json ... [--junit F] [--tap F] [--json F]`: one set of reports from
// the JSON results of several runs or shards (docs/reports.md "Merging runs").

#include <functional>
#include <string>
#include <vector>

#include "reporters/factory.hpp"

namespace CLI {
class App;
}

namespace mailspec {

// Adds the `merge` subcommand; when it is parsed, its callback sets `action` to run it. The
// action returns 0 when every merged result passed (skips and inconclusive allowed), 1 when
// any failed or errored, 2 on bad input (unreadable, not a results document, duplicates) or
// unusable report options.
void add_merge_command(CLI::App& app, std::function<int()>& action);

// The merge itself with injectable streams (tests).
int run_merge(const std::vector<std::string>& files, const reports::ReportOptions& opts,
              const reports::ReportStreams& streams, const std::vector<std::string>& argv = {});

}  // namespace mailspec
