#pragma once
// JUnit XML report (docs/reports.md "JUnit XML"): one <testsuite> per (suite, vantage), valid
// against the Jenkins xUnit JUnit schema for any transcript bytes.

#include <iosfwd>
#include <memory>
#include <string>

#include "reporters/report_file.hpp"
#include "reporters/run_record.hpp"

namespace mailspec::reports {

struct JunitOptions {
    // Valid under all three schemas validate-junit knows (Jenkins xUnit, Jenkins junit-4, Ant):
    // no attributes on <testsuites>, <skipped> carries its reason as text only, and the
    // per-testcase output (properties + transcript) moves into the suite's <system-out>.
    // The default keeps it in the testcase, where GitLab and Jenkins show it next to the test.
    bool portable = false;
};

std::string render_junit(const RunRecord& rec, const JunitOptions& opts = {});

std::unique_ptr<Reporter> make_junit_reporter(std::string path, std::ostream& dash,
                                              JunitOptions opts = {});

}  // namespace mailspec::reports
