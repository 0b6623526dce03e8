#include "reporters/json_reporter.hpp"

#include <algorithm>

#include <openssl/evp.h>

#include <cmath>

#include "reporters/text_format.hpp"

namespace mailspec::reports {

using nlohmann::json;
using nlohmann::ordered_json;  // written documents keep their fields in a readable order

namespace {

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out(3 * (text.size() / 4), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    // EVP_DecodeBlock counts the bytes the '=' padding stands for; drop them.
    std::size_t pad = 0;
    for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i)
        ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

// JSON strings are Unicode: bytes that are not UTF-8 go in "<key>_base64" next to a readable
// copy (invalid bytes replaced by U+FFFD when the document is dumped).
void put_bytes(ordered_json& obj, const std::string& key, const std::string& value) {
    obj[key] = value;
    if (!is_valid_utf8(value)) obj[key + "_base64"] = base64_encode(value);
}

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
    std::string str(const json& obj, const char* key, const std::string& where,
                    bool required = false) const {
        auto it = obj.find(key);
        if (it == obj.end()) {
            if (required) bad(where, std::string("missing \"") + key + "\"");
            return {};
        }
        if (!it->is_string()) bad(where + "." + key, "not a string");
        return it->get<std::string>();
    }
    std::string bytes(const json& obj, const char* key, const std::string& where) const {
        auto b64 = obj.find(std::string(key) + "_base64");
        if (b64 == obj.end()) return str(obj, key, where);
        if (!b64->is_string()) bad(where + "." + key + "_base64", "not a string");
        auto decoded = base64_decode(b64->get<std::string>());
        if (!decoded) bad(where + "." + key + "_base64", "not base64");
        return *decoded;
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
        std::vector<std::string> out;
        auto it = obj.find(key);
        if (it == obj.end()) return out;
        if (!it->is_array()) bad(where + "." + key, "not an array");
        for (auto& v : *it) {
            if (!v.is_string()) bad(where + "." + key, "holds a non-string");
            out.push_back(v.get<std::string>());
        }
        return out;
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
            if (v.is_string()) {
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
        auto status = status_from_string(str(j, "status", where, true));
        if (!status)
            bad(where + ".status", "unknown status \"" + j["status"].get<std::string>() + "\"");
        r.status = *status;
        r.duration = std::chrono::nanoseconds{std::llround(number(j, "duration", where) * 1e9)};
        r.message = bytes(j, "message", where);
        r.expected = bytes(j, "expected", where);
        r.actual = bytes(j, "actual", where);
        r.rfc = str(j, "rfc", where);
        r.tags = strings(j, "tags", where);
        r.findings = findings(j, where);
        if (auto it = j.find("properties"); it != j.end()) {
            if (!it->is_object()) bad(where + ".properties", "not an object");
            for (auto& [k, v] : it->items()) {
                if (!v.is_string()) bad(where + ".properties." + k, "not a string");
                r.properties[k] = v.get<std::string>();
            }
        }
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
                line.text = bytes(l, "text", lw);
                r.transcript.push_back(std::move(line));
            }
        }
        return r;
    }
};

}  // namespace

ordered_json result_to_json(const Result& r) {
    ordered_json j = {{"suite", r.suite},
                      {"check_id", r.check_id},
                      {"variant", r.variant},
                      {"name", r.name()},
                      {"kind", r.kind},
                      {"target", r.target},
                      {"endpoint", r.endpoint},
                      {"vantage", r.vantage},
                      {"status", to_string(r.status)},
                      {"duration", seconds(r.duration)}};
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
    j["properties"] = r.properties;
    j["findings"] = ordered_json::array();
    for (const auto& f : r.findings)
        j["findings"].push_back(
            ordered_json{{"severity", to_string(f.severity)}, {"kind", f.kind}, {"text", f.text}});
    j["tags"] = r.tags;
    j["rfc"] = r.rfc;
    return j;
}

Result result_from_json(const json& j, const std::string& origin, const std::string& where) {
    return Reader{origin}.result(j, where);
}

ordered_json to_json(const RunRecord& rec) {
    ordered_json doc;
    doc["format"] = kResultsFormat;
    doc["format_version"] = kResultsFormatVersion;
    doc["run"] = {{"version", rec.run.version},
                  {"host", rec.run.host},
                  {"started", iso8601_utc(rec.run.started)},
                  {"duration", seconds(rec.summary.duration)},
                  {"argv", rec.run.argv},
                  {"incomplete", rec.summary.incomplete}};
    auto counts = count_statuses(rec.results);
    ordered_json summary = {{"total", rec.results.size()}};
    for (auto& [status, n] : counts)
        summary[std::string(to_string(status))] = n;
    doc["summary"] = summary;
    doc["suites"] = ordered_json::array();
    for (auto& s : rec.suites)
        doc["suites"].push_back({{"name", s.name},
                                 {"file", s.file},
                                 {"description", s.description},
                                 {"planned", s.planned}});
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
    std::string out = doc.dump(2, ' ', false, ordered_json::error_handler_t::replace);
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
        std::string one = result_to_json(rec.results[i])
                              .dump(0, ' ', false, ordered_json::error_handler_t::replace);
        std::replace(one.begin(), one.end(), '\n', ' ');
        out += one;
    }
    out += "\n  ]\n}\n";
    return out;
}

RunRecord read_results_json(std::string_view text, const std::string& origin) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw ResultsFormatError(origin + ": not JSON: " + e.what());
    }
    Reader rd{origin};
    if (!doc.is_object() || doc.value("format", "") != kResultsFormat)
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

std::unique_ptr<Reporter> make_json_reporter(std::string path, std::ostream& dash) {
    return std::make_unique<FileReporter>(std::move(path), render_json, dash);
}

}  // namespace mailspec::reports
