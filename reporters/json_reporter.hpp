#pragma once
// JSON report (docs/reports.md "JSON", schema docs/results.schema.json): the whole run in one
// document, lossless for every byte of a transcript, and readable back for `mailspec merge`.

#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reporters/report_file.hpp"
#include "reporters/run_record.hpp"

namespace mailspec::reports {

inline constexpr std::string_view kResultsFormat = "mailspec-results";
inline constexpr int kResultsFormatVersion = 2;  // 2: findings are {severity, kind, text}

// One result as it appears in "results" (also a line of the `mailspec agent` stream).
nlohmann::ordered_json result_to_json(const Result& r);
// Reads one back; throws ResultsFormatError naming `origin` and `where` on bad fields.
Result result_from_json(const nlohmann::json& j, const std::string& origin,
                        const std::string& where = "$");

// Fields in a fixed, readable order: format, run, summary, suites, results.
nlohmann::ordered_json to_json(const RunRecord& rec);
std::string render_json(const RunRecord& rec);  // to_json, pretty-printed, ends in a newline

struct ResultsFormatError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Reads a document written by render_json back. `origin` (a file name) prefixes error
// messages. Throws ResultsFormatError on malformed JSON, a different format or bad fields,
// never anything else. Its message may quote the input's bytes: escape it to print it.
RunRecord read_results_json(std::string_view text, const std::string& origin = "input");

std::unique_ptr<Reporter> make_json_reporter(std::string path, std::ostream& dash);

}  // namespace mailspec::reports
