#include "reporters/html_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <utility>
#include <vector>

#include "reporters/html_assets.hpp"
#include "reporters/text_format.hpp"

namespace mailspec::reports {

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

namespace {

constexpr std::array kStatuses{Status::pass, Status::fail, Status::error, Status::skip,
                               Status::inconclusive};

// Server text made safe twice: visible() for bytes, then escaping for markup.
std::string esc(std::string_view s, bool keep_newlines = false) {
    return html_escape(visible(s, keep_newlines));
}

std::string status_span(Status s) {
    auto name = std::string(to_string(s));
    return fmt::format("<span class=\"st st-{0}\">{0}</span>", name);
}

const char* direction_class(Direction d) {
    switch (d) {
        case Direction::client:
            return "d-client";
        case Direction::server:
            return "d-server";
        case Direction::client_tls:
            return "d-client_tls";
        case Direction::server_tls:
            return "d-server_tls";
        case Direction::note:
            return "d-note";
    }
    return "d-note";
}

// Failures first (what a reader came for), then the rest; arrival order within a status.
int status_rank(Status s) {
    switch (s) {
        case Status::fail:
            return 0;
        case Status::error:
            return 1;
        case Status::inconclusive:
            return 2;
        case Status::skip:
            return 3;
        case Status::pass:
            return 4;
    }
    return 5;
}

template <class Key>
std::vector<std::string> distinct(const RunRecord& rec, Key key) {
    std::vector<std::string> out;
    for (auto& r : rec.results)
        for (auto& v : key(r))
            if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    return out;
}

void counts_table(std::string& h, const RunRecord& rec, const char* title, const char* column,
                  const std::vector<std::string>& names, std::string (*key)(const Result&)) {
    h += fmt::format("<h2>{}</h2>\n<table class=\"counts\"><thead><tr><th>{}</th>", title, column);
    for (auto s : kStatuses)
        h += fmt::format("<th>{}</th>", to_string(s));
    h += "<th>total</th></tr></thead><tbody>\n";
    for (auto& name : names) {
        std::map<Status, std::size_t> c;
        std::size_t total = 0;
        for (auto& r : rec.results)
            if (key(r) == name) ++c[r.status], ++total;
        h += fmt::format("<tr><th>{}</th>", esc(name));
        for (auto s : kStatuses)
            h += fmt::format("<td class=\"n\">{}</td>", c[s]);
        h += fmt::format("<td class=\"n\">{}</td></tr>\n", total);
    }
    h += "</tbody></table>\n";
}

void filter_select(std::string& h, const char* name, const char* label,
                   const std::vector<std::string>& values) {
    h += fmt::format("<label>{} <select name=\"{}\"><option value=\"\">all</option>", label, name);
    for (auto& v : values)
        h += fmt::format("<option value=\"{0}\">{0}</option>", esc(v));
    h += "</select></label>\n";
}

void add_dl_item(std::string& h, std::string_view term, std::string_view value) {
    if (value.empty()) return;
    h += fmt::format("<dt>{}</dt><dd>{}</dd>", html_escape(term), esc(value));
}

void result_details(std::string& h, const Result& r) {
    h += "<details><summary>";
    h += r.message.empty() ? std::string("(no message)") : esc(r.message);
    h += "</summary>\n<dl>";
    add_dl_item(h, "kind", r.kind);
    add_dl_item(h, "endpoint", r.endpoint);
    add_dl_item(h, "rfc", r.rfc);
    add_dl_item(h, "expected", r.expected);
    add_dl_item(h, "actual", r.actual);
    h += "</dl>\n";
    if (!r.findings.empty()) {
        h += "<p>Findings</p><ul class=\"findings\">";
        for (auto& f : r.findings)
            h += fmt::format("<li class=\"sev-{}\">{}</li>", to_string(f.severity),
                             html_escape(finding_line(f)));
        h += "</ul>\n";
    }
    if (!r.properties.empty()) {
        h += "<p>Properties</p><dl class=\"properties\">";
        for (auto& [k, v] : r.properties)
            h += fmt::format("<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
        h += "</dl>\n";
    }
    if (!r.transcript.empty()) {
        h += "<p>Transcript</p><pre class=\"transcript\">";
        for (auto& line : r.transcript)
            h += fmt::format("<span class=\"{}\">{}</span>\n", direction_class(line.dir),
                             html_escape(transcript_line(line)));
        h += "</pre>\n";
    }
    h += "</details>";
}

// One table per suite: a row per check (and variant), a column per vantage — where relaying
// is allowed from, at a glance. Cells link to the result's row.
void matrix(std::string& h, const RunRecord& rec, const std::vector<std::size_t>& row_of) {
    h += "<h2 id=\"matrix\">Check &#215; vantage</h2>\n";
    for (auto& suite : suite_order(rec)) {
        std::vector<std::string> checks, vantages;
        std::map<std::pair<std::string, std::string>, std::size_t> cell;
        for (std::size_t i = 0; i < rec.results.size(); ++i) {
            auto& r = rec.results[i];
            if (r.suite != suite) continue;
            auto n = r.name();
            if (std::find(checks.begin(), checks.end(), n) == checks.end()) checks.push_back(n);
            if (std::find(vantages.begin(), vantages.end(), r.vantage) == vantages.end())
                vantages.push_back(r.vantage);
            cell[{n, r.vantage}] = i;
        }
        if (checks.empty()) continue;
        h += fmt::format("<table class=\"matrix\"><caption>{}</caption><thead><tr><th>check</th>",
                         esc(suite));
        for (auto& v : vantages)
            h += fmt::format("<th>{}</th>", esc(v));
        h += "</tr></thead><tbody>\n";
        for (auto& c : checks) {
            h += fmt::format("<tr><th>{}</th>", esc(c));
            for (auto& v : vantages) {
                auto it = cell.find({c, v});
                if (it == cell.end()) {
                    h += "<td></td>";
                    continue;
                }
                h += fmt::format("<td><a href=\"#r-{}\">{}</a></td>", row_of[it->second],
                                 status_span(rec.results[it->second].status));
            }
            h += "</tr>\n";
        }
        h += "</tbody></table>\n";
    }
}

}  // namespace

std::string render_html(const RunRecord& rec) {
    auto counts = count_statuses(rec.results);
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // No fetches at all, even if a later change slipped in an external URL.
    h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    h += fmt::format("<title>mailspec: {} results, {} failed, {} errors</title>\n",
                     rec.results.size(), counts[Status::fail], counts[Status::error]);
    h += "<style>";
    h += html_assets::kStyle;
    h += "</style>\n</head>\n<body>\n<h1>mailspec report</h1>\n";
    h += fmt::format("<p class=\"meta\">mailspec {} on {}, started {}, {}s; <code>{}</code></p>\n",
                     esc(rec.run.version), esc(rec.run.host), iso8601_utc(rec.run.started),
                     seconds3(rec.summary.duration),
                     esc(fmt::format("{}", fmt::join(rec.run.argv, " "))));
    if (rec.summary.incomplete)
        h += "<p class=\"incomplete\">INCOMPLETE: the run was interrupted; not every planned check "
             "ran</p>\n";

    h += "<h2>Summary</h2>\n<div class=\"tiles\" id=\"summary\">";
    h += fmt::format("<div class=\"tile\" data-status=\"total\"><b>{}</b>results</div>",
                     rec.results.size());
    for (auto s : kStatuses)
        h += fmt::format("<div class=\"tile st-{0}\" data-status=\"{0}\"><b>{1}</b>{0}</div>",
                         to_string(s), counts[s]);
    h += "</div>\n";
    counts_table(h, rec, "By suite", "suite", suite_order(rec),
                 [](const Result& r) { return r.suite; });
    counts_table(h, rec, "By vantage", "vantage",
                 distinct(rec, [](const Result& r) { return std::vector{r.vantage}; }),
                 [](const Result& r) { return r.vantage; });

    // Results, failures first; row_of maps a result's index to its row number (anchors).
    std::vector<std::size_t> order(rec.results.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return status_rank(rec.results[a].status) < status_rank(rec.results[b].status);
    });
    std::vector<std::size_t> row_of(order.size());
    for (std::size_t row = 0; row < order.size(); ++row)
        row_of[order[row]] = row;

    h += "<h2 id=\"results-title\">Results</h2>\n<div class=\"filters\">\n";
    std::vector<std::string> status_names;
    for (auto s : kStatuses)
        if (counts[s] > 0) status_names.emplace_back(to_string(s));
    filter_select(h, "status", "Status", status_names);
    filter_select(h, "suite", "Suite", suite_order(rec));
    filter_select(h, "vantage", "Vantage",
                  distinct(rec, [](const Result& r) { return std::vector{r.vantage}; }));
    filter_select(h, "tag", "Tag", distinct(rec, [](const Result& r) { return r.tags; }));
    h += fmt::format("<span><span id=\"shown\">{0}</span> of {0} shown</span>\n</div>\n",
                     rec.results.size());
    h += "<table id=\"results\"><thead><tr><th>status</th><th>suite</th><th>check</th>"
         "<th>vantage</th><th>target</th><th>time</th><th>details</th></tr></thead><tbody>\n";
    for (std::size_t row = 0; row < order.size(); ++row) {
        auto& r = rec.results[order[row]];
        h += fmt::format(
            "<tr id=\"r-{}\" data-status=\"{}\" data-suite=\"{}\" data-vantage=\"{}\"><td>{}</td>"
            "<td>{}</td><td>{}",
            row, to_string(r.status), esc(r.suite), esc(r.vantage), status_span(r.status),
            esc(r.suite), esc(r.name()));
        for (auto& t : r.tags)
            h += fmt::format(" <span class=\"tag\">{}</span>", esc(t));
        h += fmt::format("</td><td>{}</td><td>{}</td><td class=\"n\">{}s</td><td>", esc(r.vantage),
                         esc(r.target), seconds3(r.duration));
        result_details(h, r);
        h += "</td></tr>\n";
    }
    h += "</tbody></table>\n";
    matrix(h, rec, row_of);
    h += "<script>";
    h += html_assets::kScript;
    h += "</script>\n</body>\n</html>\n";
    return h;
}

std::unique_ptr<Reporter> make_html_reporter(std::string path, std::ostream& dash) {
    return std::make_unique<FileReporter>(std::move(path), render_html, dash);
}

}  // namespace mailspec::reports
