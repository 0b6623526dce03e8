#pragma once
// The machinery of `mailspec run`, shared with the commands that run suites to a different
// end (`mailspec snapshot`, `mailspec diff`).

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "reporters/factory.hpp"
#include "reporters/reporter.hpp"
#include "runner/fleet.hpp"
#include "runner/suite_set.hpp"

namespace mailspec {

struct RunOptions {
    SuiteSetOptions suites;
    reports::ReportOptions reports;
    std::vector<std::string> only, skip;
    std::size_t parallel = 64;
    unsigned jobs = 1;    // threads on the one io_context
    std::string dns;      // HOST:PORT for host names; empty = resolv.conf's servers
    bool strict = false;  // every check as if it said strict: true
    FleetOptions fleet;   // --targets, --shard
};

// Suite files, --vantages, --only, --skip, --parallel, --jobs, --dns, --targets, --shard,
// --strict: what to run and how, without the report options. Without suites_positional the
// command collects the suite files itself.
void add_selection_options(CLI::App& cmd, RunOptions& opts, bool suites_positional = true);

// Runs the suites; results go to the reports in opts and, when given, to `extra` too (which
// stays the caller's). Without `extra` $GITHUB_STEP_SUMMARY is honoured. Returns the exit
// code of `mailspec run`.
int run_suites(const RunOptions& opts, const std::vector<std::string>& argv,
               Reporter* extra = nullptr);

}  // namespace mailspec
