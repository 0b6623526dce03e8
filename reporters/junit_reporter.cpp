#include "reporters/junit_reporter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "reporters/text_format.hpp"

namespace mailspec::reports {

namespace {

std::int64_t rounded_ms(std::chrono::nanoseconds d) {
    return d.count() <= 0 ? 0 : (d.count() + 500'000) / 1'000'000;
}

std::string ms_text(std::int64_t ms) {
    return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

void set_attr(pugi::xml_node node, const char* name, const std::string& value) {
    node.append_attribute(name).set_value(visible(value).c_str());
}

void add_property(pugi::xml_node props, const std::string& name, const std::string& value) {
    auto p = props.append_child("property");
    set_attr(p, "name", name);
    set_attr(p, "value", value);
}

// `text` is made of visible() lines already: escaping it again would double its backslashes.
void add_text(pugi::xml_node node, const std::string& text) {
    node.append_child(pugi::node_pcdata).set_value(text.c_str());
}

// The body of <failure>/<error>: what was expected against what the server did.
std::string verdict_text(const Result& r) {
    std::string t;
    if (!r.expected.empty()) t += "expected: " + visible(r.expected) + "\n";
    if (!r.actual.empty()) t += "actual:   " + visible(r.actual) + "\n";
    if (!r.message.empty()) t += "message:  " + visible(r.message) + "\n";
    return t;
}

// Testcase <system-out>: the result's own properties (the schemas allow no <properties> in a
// testcase), then the transcript.
std::string case_output(const Result& r) {
    std::string t;
    t +=
        "check: " + visible(r.name()) + (r.kind.empty() ? "" : " (" + visible(r.kind) + ")") + "\n";
    t += "status: " + std::string(to_string(r.status)) + "\n";
    t += "target: " + visible(r.target) + (r.endpoint.empty() ? "" : " " + visible(r.endpoint)) +
         "\n";
    t += "vantage: " + visible(r.vantage) + "\n";
    if (!r.rfc.empty()) t += "rfc: " + visible(r.rfc) + "\n";
    if (!r.tags.empty()) {
        std::vector<std::string> tags;
        for (const auto& tag : r.tags)
            tags.push_back(visible(tag));
        t += fmt::format("tags: {}\n", fmt::join(tags, ", "));
    }
    for (auto& [k, v] : r.properties)
        t += "property " + visible(k) + ": " + visible(v) + "\n";
    for (auto& f : r.findings)
        t += "finding " + finding_line(f) + "\n";
    if (!r.message.empty()) t += "message: " + visible(r.message) + "\n";
    if (!r.transcript.empty()) {
        t += "transcript:\n";
        for (auto& line : r.transcript)
            t += transcript_line(line) + "\n";
    }
    return t;
}

struct Group {
    std::string suite, vantage;
    std::vector<const Result*> results;
};

}  // namespace

std::string render_junit(const RunRecord& rec, const JunitOptions& opts) {
    // Group by (suite, vantage), suites in announcement order, vantages in first-seen order.
    std::vector<Group> groups;
    for (auto& suite : suite_order(rec)) {
        std::size_t first = groups.size();
        for (auto& r : rec.results) {
            if (r.suite != suite) continue;
            Group* g = nullptr;
            for (std::size_t i = first; i < groups.size(); ++i)
                if (groups[i].vantage == r.vantage) g = &groups[i];
            if (!g) g = &groups.emplace_back(Group{suite, r.vantage, {}});
            g->results.push_back(&r);
        }
        // An announced suite without results (interrupted early) still appears, empty.
        if (groups.size() == first) groups.push_back(Group{suite, "", {}});
    }

    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto root = doc.append_child("testsuites");
    auto counts = count_statuses(rec.results);
    pugi::xml_attribute root_time;
    if (!opts.portable) {  // the Ant schema allows no attributes here
        set_attr(root, "name", rec.summary.incomplete ? "mailspec (incomplete)" : "mailspec");
        root.append_attribute("tests") = rec.results.size();
        root.append_attribute("failures") = counts[Status::fail];
        root.append_attribute("errors") = counts[Status::error];
        root_time = root.append_attribute("time");
    }
    std::int64_t total_ms = 0;

    std::string host = rec.run.host.empty() ? "unknown" : rec.run.host;
    std::string timestamp = iso8601_utc(rec.run.started, false);
    int id = 0;
    for (auto& g : groups) {
        std::size_t fails = 0, errors = 0, skipped = 0;
        std::int64_t suite_ms = 0;
        for (auto* r : g.results) {
            fails += r->status == Status::fail;
            errors += r->status == Status::error;
            skipped += r->status == Status::skip || r->status == Status::inconclusive;
            suite_ms += rounded_ms(r->duration);
        }
        total_ms += suite_ms;
        std::string name = g.vantage.empty() ? g.suite : g.suite + "." + g.vantage;
        auto ts = root.append_child("testsuite");
        set_attr(ts, "name", name);
        set_attr(ts, "package", g.suite);
        ts.append_attribute("id") = id++;
        set_attr(ts, "timestamp", timestamp);
        set_attr(ts, "hostname", host);
        ts.append_attribute("tests") = g.results.size();
        ts.append_attribute("failures") = fails;
        ts.append_attribute("errors") = errors;
        ts.append_attribute("skipped") = skipped;
        set_attr(ts, "time", ms_text(suite_ms));

        auto props = ts.append_child("properties");
        add_property(props, "mailspec.version", rec.run.version);
        add_property(props, "run.started", iso8601_utc(rec.run.started));
        add_property(props, "run.duration", seconds3(rec.summary.duration));
        add_property(props, "run.incomplete", rec.summary.incomplete ? "true" : "false");
        add_property(props, "suite", g.suite);
        for (auto& s : rec.suites)
            if (s.name == g.suite && !s.file.empty()) add_property(props, "suite.file", s.file);
        if (!g.vantage.empty()) add_property(props, "vantage", g.vantage);
        std::vector<std::pair<std::string, std::string>> targets;
        for (auto* r : g.results) {
            std::pair<std::string, std::string> t{r->target, r->endpoint};
            if (!r->target.empty() && std::find(targets.begin(), targets.end(), t) == targets.end())
                targets.push_back(t);
        }
        for (auto& [t, endpoint] : targets)
            add_property(props, "target." + t, endpoint);

        std::string suite_out;
        for (auto* r : g.results) {
            auto tc = ts.append_child("testcase");
            set_attr(tc, "classname", name);
            set_attr(tc, "name", r->name());
            set_attr(tc, "time", ms_text(rounded_ms(r->duration)));
            std::string type = r->kind.empty() ? "check" : r->kind;
            switch (r->status) {
                case Status::pass:
                    break;
                case Status::fail:
                case Status::error: {
                    auto el = tc.append_child(r->status == Status::fail ? "failure" : "error");
                    set_attr(el, "message", r->message);
                    set_attr(el, "type", type);
                    add_text(el, verdict_text(*r));
                    break;
                }
                case Status::skip:
                case Status::inconclusive: {
                    std::string reason =
                        (r->status == Status::inconclusive ? "inconclusive: " : "") + r->message;
                    auto el = tc.append_child("skipped");
                    if (!opts.portable) set_attr(el, "message", reason);
                    add_text(el, visible(reason));  // GitLab shows the text, Jenkins the attribute
                    break;
                }
            }
            if (opts.portable)
                suite_out += "=== " + visible(r->name()) + "\n" + case_output(*r) + "\n";
            else
                add_text(tc.append_child("system-out"), case_output(*r));
        }
        auto sys_out = ts.append_child("system-out");
        if (!suite_out.empty()) add_text(sys_out, suite_out);
        ts.append_child("system-err");
    }
    if (root_time) root_time.set_value(ms_text(total_ms).c_str());

    std::ostringstream out;
    doc.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
    return out.str();
}

std::unique_ptr<Reporter> make_junit_reporter(std::string path, std::ostream& dash,
                                              JunitOptions opts) {
    return std::make_unique<FileReporter>(
        std::move(path), [opts](const RunRecord& rec) { return render_junit(rec, opts); }, dash);
}

}  // namespace mailspec::reports
