#pragma once
// HTML report (docs/reports.md "HTML"): one self-contained page for people — summary counts by
// status, suite and vantage, a filterable table of results each expanding to its transcript,
// findings and properties, and a check × vantage matrix per suite. No network fetches: the
// CSS and the little JS (filters, print) are inline. Every text from a server goes through
// visible() and then HTML escaping, so no byte a server sends can become markup.

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "reporters/report_file.hpp"
#include "reporters/run_record.hpp"

namespace mailspec::reports {

// & < > " ' as character references: safe in text and in quoted attribute values.
std::string html_escape(std::string_view s);

std::string render_html(const RunRecord& rec);

std::unique_ptr<Reporter> make_html_reporter(std::string path, std::ostream& dash);

}  // namespace mailspec::reports
