#pragma once
// TAP version 14 report (docs/reports.md "TAP"): one test point per result, numbered in
// arrival order, a YAML diagnostic block per point, optionally one subtest per suite.

#include <iosfwd>
#include <memory>
#include <string>

#include "reporters/report_file.hpp"
#include "reporters/run_record.hpp"

namespace mailspec::reports {

struct TapOptions {
    bool subtests = false;  // one "# Subtest: SUITE" block per suite
};

std::string render_tap(const RunRecord& rec, const TapOptions& opts = {});

std::unique_ptr<Reporter> make_tap_reporter(std::string path, std::ostream& dash,
                                            TapOptions opts = {});

}  // namespace mailspec::reports
