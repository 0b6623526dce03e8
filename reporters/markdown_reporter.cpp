#include "reporters/markdown_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "reporters/text_format.hpp"

namespace mailspec::reports {

namespace {

constexpr std::array kStatuses{Status::pass, Status::fail, Status::error, Status::skip,
                               Status::inconclusive};

// The order rows appear in: what needs attention first.
constexpr std::array kRowOrder{Status::fail, Status::error, Status::inconclusive, Status::skip,
                               Status::pass};

// Cuts at most `max` bytes off the front of valid UTF-8 without splitting a character.
std::string_view utf8_prefix(std::string_view s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return s.substr(0, n);
}

std::string row(const Result& r) {
    return fmt::format("| {} | {} | {} | {} | {} |\n", to_string(r.status), markdown_cell(r.suite),
                       markdown_cell(r.name()), markdown_cell(r.vantage), markdown_cell(r.message));
}

}  // namespace

std::string markdown_cell(std::string_view s, std::size_t max_bytes) {
    std::string v = visible(s);
    bool cut = v.size() > max_bytes;
    std::string out;
    // CommonMark lets any ASCII punctuation be backslash-escaped; GFM tables need \| too.
    // Inline syntax only (a cell holds no blocks): emphasis, code, links and HTML, GFM's
    // strikethrough, autolinks (":"), math ("$"), mentions ("@") and issue references ("#").
    static constexpr std::string_view special = "\\`*_[]<>|~&:$@#";
    for (char c : utf8_prefix(v, max_bytes)) {
        if (special.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    if (cut) out += "…";
    return out;
}

std::string render_markdown(const RunRecord& rec, std::size_t max_bytes) {
    auto counts = count_statuses(rec.results);
    std::string h = fmt::format("## mailspec: {} failed, {} errored, {} results{}\n\n",
                                counts[Status::fail], counts[Status::error], rec.results.size(),
                                rec.summary.incomplete ? " (incomplete: interrupted)" : "");
    h += "| pass | fail | error | skip | inconclusive | total |\n|---:|---:|---:|---:|---:|---:|\n";
    for (auto s : kStatuses)
        h += fmt::format("| {} ", counts[s]);
    h += fmt::format("| {} |\n\n", rec.results.size());
    if (rec.results.empty()) return h;

    std::vector<const Result*> rows;
    for (auto s : kRowOrder)
        for (auto& r : rec.results)
            if (r.status == s) rows.push_back(&r);

    h += "| status | suite | check | vantage | message |\n|---|---|---|---|---|\n";
    // Room kept for the note, so the note itself never breaks the limit.
    constexpr std::size_t kNoteRoom = 200;
    std::size_t shown = 0;
    for (auto* r : rows) {
        auto line = row(*r);
        if (h.size() + line.size() + kNoteRoom > max_bytes) break;
        h += line;
        ++shown;
    }
    if (shown < rows.size())
        h += fmt::format(
            "\n_Truncated to fit GitHub's 1 MiB summary limit: {} of {} results not shown "
            "(the JSON and HTML reports have them all)._\n",
            rows.size() - shown, rows.size());
    return h;
}

std::unique_ptr<Reporter> make_markdown_reporter(std::string path, std::ostream& dash) {
    return std::make_unique<FileReporter>(
        std::move(path), [](const RunRecord& rec) { return render_markdown(rec); }, dash);
}

namespace {

class StepSummaryReporter : public CollectingReporter {
  public:
    explicit StepSummaryReporter(std::string path) : path_(std::move(path)) {}

  protected:
    void finish(const RunRecord& rec) override {
        std::error_code ec;
        auto used = std::filesystem::file_size(path_, ec);
        if (ec) used = 0;
        std::size_t room = used >= kStepSummaryLimit ? 0 : kStepSummaryLimit - used;
        auto text = render_markdown(rec, room);
        if (text.size() > room) return;  // nothing useful fits; never break the limit
        std::ofstream out(path_, std::ios::binary | std::ios::app);
        out << text;
        if (!out.flush())
            throw ReportWriteError("GITHUB_STEP_SUMMARY " + path_ + ": " + std::strerror(errno));
    }

  private:
    std::string path_;
};

}  // namespace

std::unique_ptr<Reporter> make_step_summary_reporter(std::string path) {
    return std::make_unique<StepSummaryReporter>(std::move(path));
}

}  // namespace mailspec::reports
