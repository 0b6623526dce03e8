#include "reporters/json_reporter.hpp"

#include <algorithm>

#include <openssl/evp.h>

#include <cmath>

#include "reporters/json_bytes.hpp"
#include "reporters/text_format.hpp"

namespace mailspec::reports {

using nlohmann::json;
using nlohmann::ordered_json;  // written documents keep their fields in a readable order

namespace {

double seconds(std::chrono::nanoseconds d) {
    return static_cast<double>(d.count()) / 1e9;
}

// --- reading -------------------------------------------------------------------------------

struct Reader {
    const std::string& origin;

    [[noreturn]] void bad(const std::string& where, const std::string& what) const {
        throw ResultsFormatError(origin + ": " + where + ": " + what);
    }
    const json& field(const json& obj, const char* key, const std::string& where) const {
        if (!obj.is_object()) bad(where, "not an object");
        auto it = obj.find(key);
        if (it == obj.end()) bad(where, std::string("missing \"") + key + "\"");
        return *it;
    }
    // Every string goes through get_bytes(), so "<key>_base64" restores bytes that are not UTF-8.
    std::string str(const json& obj, const char* key, const std::string& where,
                    bool required = false) const {
        std::optional<std::string> v;
        try {
            v = get_bytes(obj, key, where);
        } catch (const JsonBytesError& e) {
            throw ResultsFormatError(origin + ": " + e.what());
        }
        if (!v && required) bad(where, std::string("missing \"") + key + "\"");
        return v ? std::move(*v) : std::string();
    }
    double number(const json& obj, const char* key, const std::string& where) const {
        auto it = obj.find(key);
        if (it == obj.end()) return 0;
        if (!it->is_number() || it->get<double>() < 0)
            bad(where + "." + key, "not a non-negative number");
        return it->get<double>();
    }
    std::vector<std::string> strings(const json& obj, const char* key,
                                     const std::string& where) const {
        try {
            return get_list(obj, key, where);
        } catch (const JsonBytesError& e) {
            throw ResultsFormatError(origin + ": " + e.what());
        }
    }
    std::map<std::string, std::string> map(const json& obj, const char* key,
                                           const std::string& where) const {
        try {
            return get_map(obj, key, where);
        } catch (const JsonBytesError& e) {
            throw ResultsFormatError(origin + ": " + e.what());
        }
    }
    // Format 2 writes {severity, kind, text}; format 1 wrote the text alone (a violation).
    std::vector<Finding> findings(const json& obj, const std::string& where) const {
        std::vector<Finding> out;
        auto it = obj.find("findings");
        if (it == obj.end()) return out;
        if (!it->is_array()) bad(where + ".findings", "not an array");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& v = (*it)[i];
            const std::string fw = where + ".findings[" + std::to_string(i) + "]";
            if (v.is_string()) {  // format 1
                out.push_back({Severity::violation, "", v.get<std::string>()});
                continue;
            }
            auto severity = severity_from_string(str(v, "severity", fw, true));
            if (!severity) bad(fw + ".severity", "neither \"violation\" nor \"notice\"");
            out.push_back({*severity, str(v, "kind", fw), str(v, "text", fw, true)});
        }
        return out;
    }

    Result result(const json& j, const std::string& where) const {
        if (!j.is_object()) bad(where, "not an object");
        Result r;
        r.suite = str(j, "suite", where, true);
        r.check_id = str(j, "check_id", where, true);
        r.variant = str(j, "variant", where);
        r.kind = str(j, "kind", where);
        r.target = str(j, "target", where);
        r.endpoint = str(j, "endpoint", where);
        r.vantage = str(j, "vantage", where, true);
        const std::string status_text = str(j, "status", where, true);
        auto status = status_from_string(status_text);
        if (!status) bad(where + ".status", "unknown status \"" + status_text + "\"");
        r.status = *status;
        r.duration = std::chrono::nanoseconds{std::llround(number(j, "duration", where) * 1e9)};
        r.message = str(j, "message", where);
        r.expected = str(j, "expected", where);
        r.actual = str(j, "actual", where);
        r.rfc = str(j, "rfc", where);
        r.tags = strings(j, "tags", where);
        r.findings = findings(j, where);
        r.properties = map(j, "properties", where);
        if (auto it = j.find("transcript"); it != j.end()) {
            if (!it->is_array()) bad(where + ".transcript", "not an array");
            for (std::size_t i = 0; i < it->size(); ++i) {
                auto& l = (*it)[i];
                std::string lw = where + ".transcript[" + std::to_string(i) + "]";
                if (!l.is_object()) bad(lw, "not an object");
                TranscriptLine line;
                line.at = std::chrono::microseconds{std::llround(number(l, "at", lw) * 1e6)};
                auto dir = direction_from_marker(str(l, "dir", lw, true));
                if (!dir) bad(lw + ".dir", "unknown direction marker");
                line.dir = *dir;
                line.text = str(l, "text", lw);
                r.transcript.push_back(std::move(line));
            }
        }
        return r;
    }
};

}  // namespace

ordered_json result_to_json(const Result& r) {
    ordered_json j = ordered_json::object();
    put_bytes(j, "suite", r.suite);
    put_bytes(j, "check_id", r.check_id);
    put_bytes(j, "variant", r.variant);
    put_bytes(j, "name", r.name());
    put_bytes(j, "kind", r.kind);
    put_bytes(j, "target", r.target);
    put_bytes(j, "endpoint", r.endpoint);
    put_bytes(j, "vantage", r.vantage);
    j["status"] = to_string(r.status);
    j["duration"] = seconds(r.duration);
    put_bytes(j, "message", r.message);
    put_bytes(j, "expected", r.expected);
    put_bytes(j, "actual", r.actual);
    j["transcript"] = ordered_json::array();
    for (auto& line : r.transcript) {
        ordered_json l = {{"at", static_cast<double>(line.at.count()) / 1e6},
                          {"dir", marker(line.dir)}};
        put_bytes(l, "text", line.text);
        j["transcript"].push_back(std::move(l));
    }
    put_map(j, "properties", r.properties);
    j["findings"] = ordered_json::array();
    for (const auto& f : r.findings) {
        ordered_json fj = {{"severity", to_string(f.severity)}};
        put_bytes(fj, "kind", f.kind);
        put_bytes(fj, "text", f.text);
        j["findings"].push_back(std::move(fj));
    }
    put_list(j, "tags", r.tags);
    put_bytes(j, "rfc", r.rfc);
    return j;
}

Result result_from_json(const json& j, const std::string& origin, const std::string& where) {
    return Reader{origin}.result(j, where);
}

ordered_json to_json(const RunRecord& rec) {
    ordered_json doc;
    doc["format"] = kResultsFormat;
    doc["format_version"] = kResultsFormatVersion;
    ordered_json run = ordered_json::object();
    put_bytes(run, "version", rec.run.version);
    put_bytes(run, "host", rec.run.host);
    run["started"] = iso8601_utc(rec.run.started);
    run["duration"] = seconds(rec.summary.duration);
    put_list(run, "argv", rec.run.argv);
    run["incomplete"] = rec.summary.incomplete;
    doc["run"] = std::move(run);
    auto counts = count_statuses(rec.results);
    ordered_json summary = {{"total", rec.results.size()}};
    for (auto& [status, n] : counts)
        summary[std::string(to_string(status))] = n;
    doc["summary"] = summary;
    doc["suites"] = ordered_json::array();
    for (auto& s : rec.suites) {
        ordered_json sj = ordered_json::object();
        put_bytes(sj, "name", s.name);
        put_bytes(sj, "file", s.file);
        put_bytes(sj, "description", s.description);
        sj["planned"] = s.planned;
        doc["suites"].push_back(std::move(sj));
    }
    doc["results"] = ordered_json::array();
    for (auto& r : rec.results)
        doc["results"].push_back(result_to_json(r));
    return doc;
}

std::string render_json(const RunRecord& rec) {
    // The run's header pretty-printed, then one result per line: a whole-run JSON tree took
    // ~70 KiB of memory per result (1 GiB for 500 MX hosts x a 29-check suite), and results
    // one per line stay easy to grep and diff.
    RunRecord head;
    head.run = rec.run;
    head.summary = rec.summary;
    head.suites = rec.suites;
    ordered_json doc = to_json(head);
    auto counts = count_statuses(rec.results);
    ordered_json summary = {{"total", rec.results.size()}};
    for (auto& [status, n] : counts)
        summary[std::string(to_string(status))] = n;
    doc["summary"] = summary;
    std::string out = dump_json(doc, 2);
    const std::string empty = "\"results\": []\n}";
    if (rec.results.empty() || out.size() < empty.size() ||
        out.compare(out.size() - empty.size(), empty.size(), empty) != 0)
        return out + "\n";
    out.resize(out.size() - empty.size());
    out += "\"results\": [";
    for (std::size_t i = 0; i < rec.results.size(); ++i) {
        out += i ? ",\n    " : "\n    ";
        // Indent 0 puts every value on a line of its own; strings never hold a raw newline
        // (JSON escapes it), so joining the lines keeps the usual "key": value spacing.
        std::string one = dump_json(result_to_json(rec.results[i]), 0);
        std::replace(one.begin(), one.end(), '\n', ' ');
        out += one;
    }
    out += "\n  ]\n}\n";
    return out;
}

namespace {

RunRecord read_document(const json& doc, const std::string& origin) {
    Reader rd{origin};
    auto format = doc.is_object() ? doc.find("format") : doc.end();
    if (!doc.is_object() || format == doc.end() || !format->is_string() ||
        format->get<std::string>() != kResultsFormat)
        rd.bad("$", "not a mailspec results document (\"format\" is not \"mailspec-results\")");
    auto& version = rd.field(doc, "format_version", "$");
    if (!version.is_number_integer() || version.get<int>() < 1 ||
        version.get<int>() > kResultsFormatVersion)
        rd.bad("$.format_version", "unsupported version (this mailspec reads 1 and 2)");

    RunRecord rec;
    auto& run = rd.field(doc, "run", "$");
    rec.run.version = rd.str(run, "version", "$.run");
    rec.run.host = rd.str(run, "host", "$.run");
    auto started = parse_iso8601_utc(rd.str(run, "started", "$.run", true));
    if (!started) rd.bad("$.run.started", "not an ISO-8601 UTC time");
    rec.run.started = *started;
    rec.run.argv = rd.strings(run, "argv", "$.run");
    rec.summary.duration =
        std::chrono::nanoseconds{std::llround(rd.number(run, "duration", "$.run") * 1e9)};
    if (auto it = run.find("incomplete"); it != run.end()) {
        if (!it->is_boolean()) rd.bad("$.run.incomplete", "not a boolean");
        rec.summary.incomplete = it->get<bool>();
    }
    if (auto it = doc.find("suites"); it != doc.end()) {
        if (!it->is_array()) rd.bad("$.suites", "not an array");
        for (std::size_t i = 0; i < it->size(); ++i) {
            auto& s = (*it)[i];
            std::string w = "$.suites[" + std::to_string(i) + "]";
            if (!s.is_object()) rd.bad(w, "not an object");
            SuiteInfo info;
            info.name = rd.str(s, "name", w, true);
            info.file = rd.str(s, "file", w);
            info.description = rd.str(s, "description", w);
            auto planned = s.find("planned");
            if (planned != s.end()) {
                if (!planned->is_number_unsigned()) rd.bad(w + ".planned", "not a count");
                info.planned = planned->get<std::size_t>();
            }
            rec.suites.push_back(std::move(info));
        }
    }
    auto& results = rd.field(doc, "results", "$");
    if (!results.is_array()) rd.bad("$.results", "not an array");
    for (std::size_t i = 0; i < results.size(); ++i)
        rec.results.push_back(rd.result(results[i], "$.results[" + std::to_string(i) + "]"));
    rec.summary.counts = count_statuses(rec.results);
    return rec;
}

}  // namespace

RunRecord read_results_json(std::string_view text, const std::string& origin) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw ResultsFormatError(origin + ": not JSON: " + e.what());
    }
    try {
        return read_document(doc, origin);
    } catch (const json::exception& e) {
        // The Reader checks every type; this is the guard for what it missed.
        throw ResultsFormatError(origin + ": " + e.what());
    }
}

std::unique_ptr<Reporter> make_json_reporter(std::string path, std::ostream& dash) {
    return std::make_unique<FileReporter>(std::move(path), render_json, dash);
}

}  // namespace mailspec::reports
