#include "reporters/tap_reporter.hpp"

#include <fmt/format.h>

#include <vector>

#include "reporters/text_format.hpp"

namespace mailspec::reports {

namespace {

// One line of a test point: visible(), and tabs shown as \x09 too (a TAP line is whitespace-
// sensitive). In a description, '#' and '\' are escaped so no directive starts early.
std::string tap_text(std::string_view s, bool escape_hash) {
    std::string out;
    for (char c : visible(s)) {
        if (c == '\t') {
            out += "\\x09";
            continue;
        }
        if (escape_hash && (c == '#' || c == '\\')) out += '\\';
        out += c;
    }
    return out;
}

std::string description(std::string_view s) {
    return tap_text(s, true);
}

// A YAML list item. TAP::Parser's YAMLish reader (Perl: what prove runs) takes an item whose
// first word ends in ':' before a blank ("- \"greeting: no\"") for a one-key hash and then
// rejects it. Such a colon is written as the YAML escape \x3a, which YAMLish and every YAML
// reader turn back into ':'.
std::string list_item(std::string_view s, bool already_visible = false) {
    std::string q = already_visible ? yaml_quote_visible(s) : yaml_quote(s);
    std::size_t token_end = q.find(' ');
    if (token_end == std::string::npos) token_end = q.size();
    if (token_end >= 2 && q[token_end - 1] == ':') q.replace(token_end - 1, 1, "\\x3a");
    token_end = q.find(' ');
    if (token_end != std::string::npos) {
        std::size_t next = q.find_first_not_of(' ', token_end);
        if (next != std::string::npos && q[next] == ':' &&
            (next + 1 == q.size() || q[next + 1] == ' '))
            q.replace(next, 1, "\\x3a");
    }
    return q;
}

void yaml_block(std::string& out, const std::string& ind, const Result& r) {
    auto line = [&](std::string_view key, const std::string& value) {
        out += fmt::format("{}{}: {}\n", ind, key, value);
    };
    out += ind + "---\n";
    line("status", std::string(to_string(r.status)));
    line("suite", yaml_quote(r.suite));
    line("check", yaml_quote(r.check_id));
    if (!r.variant.empty()) line("variant", yaml_quote(r.variant));
    line("kind", yaml_quote(r.kind));
    line("message", yaml_quote(r.message));
    line("expected", yaml_quote(r.expected));
    line("actual", yaml_quote(r.actual));
    line("target", yaml_quote(r.target));
    line("endpoint", yaml_quote(r.endpoint));
    line("vantage", yaml_quote(r.vantage));
    line("duration", seconds3(r.duration));
    if (!r.rfc.empty()) line("rfc", yaml_quote(r.rfc));
    if (!r.tags.empty()) {
        out += ind + "tags:\n";
        for (auto& t : r.tags)
            out += ind + "  - " + list_item(t) + "\n";
    }
    if (!r.properties.empty()) {
        out += ind + "properties:\n";
        for (auto& [k, v] : r.properties)
            out += ind + "  " + yaml_quote(k) + ": " + yaml_quote(v) + "\n";
    }
    if (!r.findings.empty()) {
        out += ind + "findings:\n";
        for (auto& f : r.findings)
            out += ind + "  - " + list_item(finding_line(f), true) + "\n";
    }
    if (r.transcript.empty()) {
        out += ind + "transcript: []\n";
    } else {
        out += ind + "transcript:\n";
        for (auto& t : r.transcript)
            out += ind + "  - " + list_item(transcript_line(t), true) + "\n";
    }
    out += ind + "...\n";
}

void test_point(std::string& out, const std::string& ind, std::size_t n, const Result& r,
                bool qualify_suite) {
    bool ok = r.status != Status::fail && r.status != Status::error;
    std::string desc = r.name() + " @ " + r.vantage;
    if (qualify_suite) desc = r.suite + ": " + desc;
    out += fmt::format("{}{} {} - {}", ind, ok ? "ok" : "not ok", n, description(desc));
    if (r.status == Status::skip || r.status == Status::inconclusive) {
        std::string reason =
            r.status == Status::inconclusive ? "inconclusive: " + r.message : r.message;
        out += " # SKIP " + tap_text(reason, false);
    }
    out += "\n";
    yaml_block(out, ind + "  ", r);
}

}  // namespace

std::string render_tap(const RunRecord& rec, const TapOptions& opts) {
    std::string out = "TAP version 14\n";
    out += "# " +
           tap_text(fmt::format("mailspec {} on {}, started {}", rec.run.version, rec.run.host,
                                iso8601_utc(rec.run.started)),
                    false) +
           "\n";
    if (rec.summary.incomplete)
        out += fmt::format("# incomplete: the run was interrupted; {} results were recorded\n",
                           rec.results.size());

    auto suites = suite_order(rec);
    if (!opts.subtests) {
        out += fmt::format("1..{}\n", rec.results.size());
        std::size_t n = 0;
        for (auto& r : rec.results)
            test_point(out, "", ++n, r, suites.size() > 1);
    } else {
        out += fmt::format("1..{}\n", suites.size());
        std::size_t n = 0;
        for (auto& suite : suites) {
            std::vector<const Result*> rs;
            for (auto& r : rec.results)
                if (r.suite == suite) rs.push_back(&r);
            out += "# Subtest: " + description(suite) + "\n";
            out += fmt::format("    1..{}\n", rs.size());
            bool ok = true;
            std::size_t k = 0;
            for (auto* r : rs) {
                test_point(out, "    ", ++k, *r, false);
                ok = ok && r->status != Status::fail && r->status != Status::error;
            }
            out += fmt::format("{} {} - {}\n", ok ? "ok" : "not ok", ++n, description(suite));
        }
    }
    auto c = count_statuses(rec.results);
    out += fmt::format("# {} results: {} pass, {} fail, {} error, {} skip, {} inconclusive\n",
                       rec.results.size(), c[Status::pass], c[Status::fail], c[Status::error],
                       c[Status::skip], c[Status::inconclusive]);
    return out;
}

std::unique_ptr<Reporter> make_tap_reporter(std::string path, std::ostream& dash, TapOptions opts) {
    return std::make_unique<FileReporter>(
        std::move(path), [opts](const RunRecord& rec) { return render_tap(rec, opts); }, dash);
}

}  // namespace mailspec::reports
