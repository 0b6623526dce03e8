#include "reporters/console_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <ostream>

#include "reporters/run_record.hpp"
#include "reporters/text_format.hpp"

namespace mailspec::reports {

namespace {

const char* sgr_for(Status s) {
    switch (s) {
        case Status::pass:
            return "32";
        case Status::fail:
            return "1;31";
        case Status::error:
            return "1;35";
        case Status::skip:
            return "33";
        case Status::inconclusive:
            return "36";
    }
    return "0";
}

constexpr std::size_t kStatusWidth = 12;  // "INCONCLUSIVE"

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return out;
}

}  // namespace

bool no_color_requested(const char* env_value) {
    return env_value && *env_value;
}

ConsoleReporter::ConsoleReporter(std::ostream& out, ConsoleOptions opts)
    : out_(out), opts_(std::move(opts)) {}

std::string ConsoleReporter::paint(const std::string& text, const char* sgr) const {
    if (!colored()) return text;
    return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

std::string ConsoleReporter::status_label(Status s) const {
    std::string word = upper(to_string(s));
    return paint(word, sgr_for(s)) + std::string(kStatusWidth + 1 - word.size(), ' ');
}

// Result lines are grouped under "suite NAME" headers; when concurrent suites interleave, a
// header is repeated whenever the suite changes, so every line sits under its own suite.
void ConsoleReporter::header_for(const std::string& suite) {
    if (suite == header_shown_) return;
    header_shown_ = suite;
    std::string file;
    for (auto& s : suites_)
        if (s.name == suite) file = s.file;
    out_ << paint(visible("suite " + suite), "1") << visible(file.empty() ? "" : " (" + file + ")")
         << "\n";
}

void ConsoleReporter::clear_progress() {
    if (progress_shown_) out_ << "\r\x1b[K";
    progress_shown_ = false;
}

void ConsoleReporter::draw_progress() {
    if (!opts_.is_tty) return;
    auto elapsed = opts_.clock() - started_;
    if (elapsed < std::chrono::seconds{1}) return;  // short runs: no flicker
    std::string line = fmt::format("[{}/{}] {:.1f}s", done_, std::max(planned_, done_),
                                   std::chrono::duration<double>(elapsed).count());
    if (!last_.empty()) line += "  last: " + last_;
    if (line.size() > 78) {  // one terminal line; cut on a UTF-8 character boundary
        std::size_t cut = 77;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80)
            --cut;
        line = line.substr(0, cut) + "…";
    }
    out_ << "\r\x1b[K" << paint(line, "2") << std::flush;
    progress_shown_ = true;
}

void ConsoleReporter::tick() {
    std::lock_guard lock(mutex_);
    draw_progress();
}

void ConsoleReporter::run_begin(const RunInfo&) {
    std::lock_guard lock(mutex_);
    started_ = opts_.clock();
}

void ConsoleReporter::suite_begin(const SuiteInfo& suite) {
    std::lock_guard lock(mutex_);
    suites_.push_back(suite);
    planned_ += suite.planned;
}

void ConsoleReporter::result(const Result& r) {
    std::lock_guard lock(mutex_);
    ++done_;
    std::string name = visible(r.name());
    std::string vantage = visible(r.vantage);
    timings_.push_back({r.duration, r.suite, name + " @ " + vantage});
    statuses_.push_back(r.status);
    last_ = name + " @ " + vantage;

    if (!r.findings.empty()) {
        ++with_findings_;
        violations_ += r.violations();
    }
    bool bad = r.status == Status::fail || r.status == Status::error;
    if (opts_.verbosity == Verbosity::quiet && !bad) {
        clear_progress();
        draw_progress();
        return;
    }
    clear_progress();
    header_for(r.suite);
    // Columns grow to the longest name seen so far, so a run's lines stay aligned.
    name_width_ = std::max(name_width_, name.size());
    vantage_width_ = std::max(vantage_width_, vantage.size());
    std::string line = fmt::format("{}{:<{}}  {:<{}}  {:>8}s", status_label(r.status), name,
                                   name_width_, vantage, vantage_width_, seconds3(r.duration));
    if (r.status != Status::pass && !r.message.empty()) {
        std::string reason =
            r.status == Status::inconclusive ? "inconclusive: " + r.message : r.message;
        line += "  " + visible(reason);
    }
    // Findings never hide behind a PASS: the count is on the line, -v lists them.
    if (!r.findings.empty()) {
        const std::size_t v = r.violations();
        std::string note =
            fmt::format("({} finding{}", r.findings.size(), r.findings.size() == 1 ? "" : "s");
        if (v > 0 && v < r.findings.size())
            note += fmt::format(", {} violation{}", v, v == 1 ? "" : "s");
        if (v > 0 && v == r.findings.size()) note += v == 1 ? ": a violation" : ": all violations";
        line += "  " + paint(note + ")", v > 0 ? "33" : "2");
    }
    out_ << line << "\n";

    bool show_details = (bad && opts_.verbosity >= Verbosity::verbose) ||
                        opts_.verbosity == Verbosity::very_verbose;
    if (!show_details && !r.findings.empty() && opts_.verbosity >= Verbosity::verbose) {
        for (auto& f : r.findings)
            out_ << std::string(6, ' ') << "finding " << finding_line(f) << "\n";
    }
    if (show_details) {
        const std::string ind(6, ' ');
        if (!r.expected.empty()) out_ << ind << "expected: " << visible(r.expected) << "\n";
        if (!r.actual.empty()) out_ << ind << "actual:   " << visible(r.actual) << "\n";
        if (!r.endpoint.empty())
            out_ << ind << "target:   " << visible(r.target + " " + r.endpoint) << "\n";
        for (auto& [k, v] : r.properties)
            out_ << ind << visible(k + ": " + v) << "\n";
        for (auto& f : r.findings)
            out_ << ind << "finding " << finding_line(f) << "\n";
        for (auto& t : r.transcript)
            out_ << ind << transcript_line(t) << "\n";
    }
    draw_progress();
    out_ << std::flush;
}

void ConsoleReporter::run_end(const RunSummary& summary) {
    std::lock_guard lock(mutex_);
    clear_progress();
    std::map<Status, std::size_t> counts{{Status::pass, 0},
                                         {Status::fail, 0},
                                         {Status::error, 0},
                                         {Status::skip, 0},
                                         {Status::inconclusive, 0}};
    for (auto s : statuses_)
        ++counts[s];
    std::vector<std::string> parts;
    for (auto& [status, n] : counts) {
        std::string part = fmt::format("{} {}", n, to_string(status));
        parts.push_back(n ? paint(part, sgr_for(status)) : part);
    }
    out_ << "\n"
         << fmt::format("{} results in {}s: {}", statuses_.size(), seconds3(summary.duration),
                        fmt::join(parts, ", "))
         << "\n";
    if (with_findings_ > 0)
        out_ << fmt::format("{} result{} with protocol findings ({} violation{}){}\n",
                            with_findings_, with_findings_ == 1 ? "" : "s", violations_,
                            violations_ == 1 ? "" : "s",
                            opts_.verbosity >= Verbosity::verbose
                                ? ""
                                : "; -v lists them, --strict fails on violations");
    if (opts_.verbosity != Verbosity::quiet && opts_.slowest > 0 && !timings_.empty()) {
        auto slow = timings_;
        std::stable_sort(slow.begin(), slow.end(),
                         [](auto& a, auto& b) { return a.duration > b.duration; });
        slow.resize(std::min(slow.size(), opts_.slowest));
        bool qualify = false;
        for (auto& t : timings_)
            qualify = qualify || t.suite != timings_.front().suite;
        out_ << "slowest:\n";
        for (auto& t : slow)
            out_ << fmt::format("  {:>8}s  {}{}\n", seconds3(t.duration),
                                qualify ? visible(t.suite) + ": " : "", t.what);
    }
    if (summary.incomplete)
        out_ << paint("INCOMPLETE: the run was interrupted; not every planned check ran", "1;33")
             << "\n";
    out_ << std::flush;
}

}  // namespace mailspec::reports
