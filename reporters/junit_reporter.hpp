#pragma once
// JUnit XML report (docs/reports.md "JUnit XML"): one <testsuite> per (suite, vantage), valid
// against the Jenkins xUnit JUnit schema for any transcript bytes.

#include <iosfwd>
#include <memory>
#include <string>

#include "reporters/report_file.hpp"
#include "reporters/run_record.hpp"

namespace mailspec::reports {

std::string render_junit(const RunRecord& rec);

std::unique_ptr<Reporter> make_junit_reporter(std::string path, std::ostream& dash);

}  // namespace mailspec::reports
