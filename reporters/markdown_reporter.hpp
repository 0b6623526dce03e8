#pragma once
// Markdown summary (docs/reports.md "Markdown"): counts, then failures and errors first with
// their messages, then the other results, for a pull request comment or GitHub's job summary
// ($GITHUB_STEP_SUMMARY). GitHub refuses a step summary over 1 MiB, so the summary is cut at
// a row boundary to fit, with a note saying how many results were left out.

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "reporters/report_file.hpp"
#include "reporters/run_record.hpp"

namespace mailspec::reports {

inline constexpr std::size_t kStepSummaryLimit = 1024 * 1024;

// Text for one table cell: visible(), then every character Markdown or an HTML-aware renderer
// could read as inline syntax (| ` * _ [ ] < > & ~ : $ @ # \) backslash-escaped, so server text
// stays text; cut to `max_bytes` (at a UTF-8 boundary, with "…").
std::string markdown_cell(std::string_view s, std::size_t max_bytes = 400);

// At most `max_bytes` bytes (never less than the header and counts).
std::string render_markdown(const RunRecord& rec, std::size_t max_bytes = kStepSummaryLimit);

std::unique_ptr<Reporter> make_markdown_reporter(std::string path, std::ostream& dash);

// Appends the summary to `path` (GitHub's step summary file, which other tools of the same
// step may have written to), within what is left of the 1 MiB limit.
std::unique_ptr<Reporter> make_step_summary_reporter(std::string path);

}  // namespace mailspec::reports
