#include "reporters/json_reporter.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "reporters/json_bytes.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;
using nlohmann::json;

void expect_same_result(const Result& a, const Result& b) {
    EXPECT_EQ(a.suite, b.suite);
    EXPECT_EQ(a.check_id, b.check_id);
    EXPECT_EQ(a.variant, b.variant);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.endpoint, b.endpoint);
    EXPECT_EQ(a.vantage, b.vantage);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.duration, b.duration);
    EXPECT_EQ(a.message, b.message);
    EXPECT_EQ(a.expected, b.expected);
    EXPECT_EQ(a.actual, b.actual);
    EXPECT_EQ(a.properties, b.properties);
    EXPECT_EQ(a.findings, b.findings);
    EXPECT_EQ(a.tags, b.tags);
    EXPECT_EQ(a.rfc, b.rfc);
    ASSERT_EQ(a.transcript.size(), b.transcript.size());
    for (std::size_t i = 0; i < a.transcript.size(); ++i) {
        EXPECT_EQ(a.transcript[i].at, b.transcript[i].at);
        EXPECT_EQ(a.transcript[i].dir, b.transcript[i].dir);
        EXPECT_EQ(a.transcript[i].text, b.transcript[i].text) << "line " << i;
    }
}

// Checks `doc` against the parts of docs/results.schema.json that matter most, in C++, so the
// schema is exercised even where no JSON Schema validator is installed: every "required" key
// is present and nothing outside "properties" appears where additionalProperties is false.
void check_against_schema(const json& schema, const json& node, const json& doc,
                          const std::string& where) {
    if (schema.contains("$ref")) {
        std::string ref = schema["$ref"];  // "#/$defs/NAME"
        return check_against_schema(doc.at(json::json_pointer(ref.substr(1))), node, doc, where);
    }
    if (schema.value("type", "") == "object") {
        ASSERT_TRUE(node.is_object()) << where;
        for (auto& key : schema.value("required", json::array()))
            EXPECT_TRUE(node.contains(key.get<std::string>())) << where << " lacks " << key;
        for (auto& [key, value] : node.items()) {
            if (schema.contains("properties") && schema["properties"].contains(key))
                check_against_schema(schema["properties"][key], value, doc, where + "." + key);
            else if (schema.value("additionalProperties", json(true)) == json(false))
                ADD_FAILURE() << where << " has unexpected \"" << key << "\"";
        }
    } else if (schema.value("type", "") == "array") {
        ASSERT_TRUE(node.is_array()) << where;
        if (schema.contains("items"))
            for (std::size_t i = 0; i < node.size(); ++i)
                check_against_schema(schema["items"], node[i], doc,
                                     where + "[" + std::to_string(i) + "]");
    } else if (schema.contains("enum")) {
        bool found = false;
        for (auto& v : schema["enum"])
            found = found || v == node;
        EXPECT_TRUE(found) << where << " = " << dump_json(node);
    }
}

json load_schema() {
    return json::parse(
        read_file(std::filesystem::path(MAILSPEC_SOURCE_DIR) / "docs/results.schema.json"));
}

TEST(JsonReporter, MatchesGolden) {
    expect_golden("report.json", render_json(sample_run()));
}

TEST(JsonReporter, DocumentHasRunMetadataAndCounts) {
    auto doc = json::parse(render_json(sample_run()));
    EXPECT_EQ(doc["format"], "mailspec-results");
    EXPECT_EQ(doc["run"]["started"], "2025-11-21T22:33:00.123Z");
    EXPECT_EQ(doc["run"]["host"], "probe.lab.test");
    EXPECT_EQ(doc["run"]["incomplete"], false);
    EXPECT_DOUBLE_EQ(doc["run"]["duration"].get<double>(), 11.45);
    EXPECT_EQ(doc["summary"]["total"], 8);
    EXPECT_EQ(doc["summary"]["fail"], 2);
    EXPECT_EQ(doc["summary"]["inconclusive"], 1);
    EXPECT_EQ(doc["results"][3]["name"], "relay-denied/percent-hack");
}

TEST(JsonReporter, HostileBytesAreValidJsonAndExactInBase64) {
    std::string text = render_json(sample_run());
    auto doc = json::parse(text);  // throws if invalid
    auto& hostile = doc["results"][1];
    EXPECT_TRUE(hostile.contains("actual_base64"));
    EXPECT_TRUE(hostile["transcript"][1].contains("text_base64"));
    EXPECT_FALSE(hostile["transcript"][0].contains("text_base64"));  // valid UTF-8: no copy
    // The readable copy of bytes that are not UTF-8 is text::escape()'s (what the console shows).
    EXPECT_EQ(hostile["transcript"][1]["text"], "220 evil\\x00\\xff]]> \\x1b[31mred");
}

TEST(JsonReporter, RoundTripsEveryField) {
    auto rec = sample_run();
    rec.summary.incomplete = true;
    auto back = read_results_json(render_json(rec), "sample.json");
    EXPECT_EQ(back.run.version, rec.run.version);
    EXPECT_EQ(back.run.host, rec.run.host);
    EXPECT_EQ(back.run.started, rec.run.started);
    EXPECT_EQ(back.run.argv, rec.run.argv);
    EXPECT_EQ(back.summary.duration, rec.summary.duration);
    EXPECT_TRUE(back.summary.incomplete);
    ASSERT_EQ(back.suites.size(), rec.suites.size());
    EXPECT_EQ(back.suites[1].file, "suites/submission.yaml");
    EXPECT_EQ(back.suites[0].planned, 5u);
    ASSERT_EQ(back.results.size(), rec.results.size());
    for (std::size_t i = 0; i < rec.results.size(); ++i)
        expect_same_result(back.results[i], rec.results[i]);
    EXPECT_EQ(render_json(back), render_json(rec));
}

TEST(JsonReporter, ReaderRejectsWhatIsNotAResultsDocument) {
    auto doc = to_json(sample_run());
    auto rejects = [](const json& j, const std::string& needle) {
        try {
            read_results_json(dump_json(j), "x.json");
            ADD_FAILURE() << "accepted: " << needle;
        } catch (const ResultsFormatError& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).rfind("x.json: ", 0), 0u) << e.what();
        }
    };
    EXPECT_THROW(read_results_json("{not json", "x.json"), ResultsFormatError);
    rejects(json::array(), "not a mailspec results document");
    auto j = doc;
    j["format"] = "junit";
    rejects(j, "not a mailspec results document");
    j = doc;
    j["format_version"] = 3;
    rejects(j, "unsupported version");
    j = doc;
    j["results"][1]["findings"][0]["severity"] = "fatal";
    rejects(j, "$.results[1].findings[0].severity");
    j = doc;
    j["results"][2]["status"] = "passed";
    rejects(j, "$.results[2].status");
    j = doc;
    j["results"][0].erase("check_id");
    rejects(j, "missing \"check_id\"");
    j = doc;
    j["results"][1]["transcript"][0]["dir"] = "<>";
    rejects(j, "$.results[1].transcript[0].dir");
    j = doc;
    j["results"][1]["actual_base64"] = "***";
    rejects(j, "actual_base64");
    j = doc;
    j["run"]["started"] = "yesterday";
    rejects(j, "$.run.started");
    j = doc;
    j["results"][0]["duration"] = -1;
    rejects(j, "$.results[0].duration");
}

// Format 1 wrote findings as bare strings: merge still reads such files (as violations).
TEST(JsonReporter, ReadsFormatOneFindings) {
    auto doc = to_json(sample_run());
    doc["format_version"] = 1;
    for (auto& r : doc["results"]) {
        auto texts = decltype(doc)::array();
        for (auto& f : r["findings"])
            texts.push_back(f["text"].get<std::string>());
        r["findings"] = texts;
    }
    auto back = read_results_json(dump_json(doc), "old.json");
    const auto want = sample_run();
    ASSERT_EQ(back.results.size(), want.results.size());
    for (std::size_t i = 0; i < want.results.size(); ++i) {
        ASSERT_EQ(back.results[i].findings.size(), want.results[i].findings.size());
        for (std::size_t k = 0; k < want.results[i].findings.size(); ++k) {
            EXPECT_EQ(back.results[i].findings[k].text, want.results[i].findings[k].text);
            EXPECT_EQ(back.results[i].findings[k].severity, Severity::violation);
        }
    }
}

TEST(JsonReporter, DocumentHasWhatTheSchemaRequires) {
    auto schema = load_schema();
    auto rec = sample_run();
    check_against_schema(schema, to_json(rec), schema, "$");
    // ... and the check itself notices a missing or an unknown field.
    auto doc = to_json(rec);
    doc["results"][0].erase("vantage");
    EXPECT_NONFATAL_FAILURE(check_against_schema(schema, doc, schema, "$"), "lacks \"vantage\"");
    doc = to_json(rec);
    doc["run"]["extra"] = 1;
    EXPECT_NONFATAL_FAILURE(check_against_schema(schema, doc, schema, "$"), "unexpected \"extra\"");
}

// A real JSON Schema validator (python3-jsonschema, Debian) when it is installed.
TEST(JsonReporter, ValidatesAgainstTheJsonSchema) {
    if (run_command("python3 -c 'import jsonschema'").exit_code != 0)
        GTEST_SKIP() << "python3 jsonschema not installed (Debian: python3-jsonschema)";
    TempDir dir;
    auto rec = sample_run();
    write_file(dir.path / "full.json", render_json(rec));
    rec.results.resize(2);
    rec.summary.incomplete = true;
    write_file(dir.path / "incomplete.json", render_json(rec));
    write_file(dir.path / "check.py", R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for f in sys.argv[2:]:
    for e in v.iter_errors(json.load(open(f))):
        print(f, list(e.absolute_path), e.message[:200]); bad = 1
sys.exit(bad)
)");
    auto schema = std::filesystem::path(MAILSPEC_SOURCE_DIR) / "docs/results.schema.json";
    auto res = run_command("python3 " + shell_quote((dir.path / "check.py").string()) + " " +
                           shell_quote(schema.string()) + " " +
                           shell_quote((dir.path / "full.json").string()) + " " +
                           shell_quote((dir.path / "incomplete.json").string()));
    EXPECT_EQ(res.exit_code, 0) << res.output;
}

}  // namespace
}  // namespace mailspec::reports
