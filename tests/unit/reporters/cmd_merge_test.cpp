#include "runner/cmd_merge.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <pugixml.hpp>
#include <sstream>

#include <nlohmann/json.hpp>

#include "protocol/text.hpp"
#include "reporters/json_reporter.hpp"
#include "sample_run.hpp"

namespace mailspec {
namespace {

using namespace reports;
using namespace reports::testing;

struct MergeFixture : ::testing::Test {
    TempDir dir;
    std::ostringstream out, err;
    ReportStreams streams() { return ReportStreams{out, err, false, false, true}; }

    std::string write_shard(const std::string& name, const std::string& suite) {
        auto rec = sample_run();
        std::erase_if(rec.results, [&](auto& r) { return r.suite != suite; });
        auto path = (dir.path / name).string();
        write_file(path, render_json(rec));
        return path;
    }
};

TEST_F(MergeFixture, MergesShardsIntoEveryFormat) {
    auto a = write_shard("a.json", "mx-baseline");
    auto b = write_shard("b.json", "submission");
    ReportOptions opts;
    opts.junit = (dir.path / "merged.xml").string();
    opts.tap = (dir.path / "merged.tap").string();
    opts.json = (dir.path / "merged.json").string();
    opts.html = (dir.path / "merged.html").string();
    EXPECT_EQ(run_merge({a, b}, opts, streams(), {"mailspec", "merge", a, b}), 1);  // has fails
    EXPECT_EQ(err.str(), "");
    EXPECT_NE(out.str().find("8 results in"), std::string::npos);

    auto merged = read_results_json(read_file(dir.path / "merged.json"));
    EXPECT_EQ(merged.results.size(), 8u);
    EXPECT_EQ(merged.run.argv, (std::vector<std::string>{"mailspec", "merge", a, b}));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file((dir.path / "merged.xml").c_str()));
    EXPECT_EQ(doc.child("testsuites").attribute("tests").as_int(), 8);
    EXPECT_NE(read_file(dir.path / "merged.tap").find("\n1..8\n"), std::string::npos);
    EXPECT_NE(read_file(dir.path / "merged.html").find("<b>8</b>results"), std::string::npos);
}

TEST_F(MergeFixture, ExitCodeZeroWhenEverythingPassedOrWasSkipped) {
    auto rec = sample_run();
    std::erase_if(rec.results,
                  [](auto& r) { return r.status == Status::fail || r.status == Status::error; });
    auto path = (dir.path / "green.json").string();
    write_file(path, render_json(rec));
    EXPECT_EQ(run_merge({path}, ReportOptions{}, streams()), 0);
}

TEST_F(MergeFixture, BadInputIsExitTwoWithAReason) {
    auto a = write_shard("a.json", "mx-baseline");
    auto junk = (dir.path / "junk.json").string();
    write_file(junk, "<testsuites/>");
    EXPECT_EQ(run_merge({a, junk}, ReportOptions{}, streams()), 2);
    EXPECT_NE(err.str().find("junk.json: not JSON"), std::string::npos) << err.str();
    err.str("");
    EXPECT_EQ(run_merge({(dir.path / "absent.json").string()}, ReportOptions{}, streams()), 2);
    EXPECT_NE(err.str().find("absent.json: cannot read"), std::string::npos) << err.str();
    err.str("");
    EXPECT_EQ(run_merge({a, a}, ReportOptions{}, streams()), 2);
    EXPECT_NE(err.str().find("is in both"), std::string::npos) << err.str();
    err.str("");
    ReportOptions bad;
    bad.junit = bad.tap = "-";
    EXPECT_EQ(run_merge({a}, bad, streams()), 2);
    EXPECT_NE(err.str().find("standard output"), std::string::npos) << err.str();
}

// A results file from an older or hostile agent: invalid UTF-8 inside the JSON, wrong types,
// bad base64, huge strings. Each is exit 2 with the file and the JSON path named, never a crash,
// and the message itself is safe to print.
TEST_F(MergeFixture, HostileInputIsExitTwoWithAReasonNeverACrash) {
    auto good = nlohmann::json::parse(render_json(sample_run()));
    auto variant = [&](const std::string& name, auto&& change) {
        auto doc = good;
        change(doc);
        auto path = (dir.path / (name + ".json")).string();
        write_file(path, doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict));
        return path;
    };
    struct Case {
        std::string file, expect;
    };
    std::vector<Case> cases;
    auto raw = (dir.path / "raw-bytes.json").string();
    std::string text = render_json(sample_run());
    text.replace(text.find("ESMTP"), 5, "E\xff\x80\xed\xa0\x80");
    write_file(raw, text);
    cases.push_back({raw, "raw-bytes.json: not JSON"});
    using J = nlohmann::json;
    cases.push_back({variant("format-number", [](J& d) { d["format"] = 7; }),
                     "not a mailspec results document"});
    cases.push_back(
        {variant("results-string", [](J& d) { d["results"] = "x"; }), "$.results: not an array"});
    cases.push_back({variant("status-number", [](J& d) { d["results"][0]["status"] = 3; }),
                     "$.results[0].status: not a string"});
    cases.push_back(
        {variant("message-object", [](J& d) { d["results"][0]["message"] = J::object(); }),
         "$.results[0].message: not a string"});
    cases.push_back({variant("bad-base64", [](J& d) { d["results"][1]["actual_base64"] = "!!!"; }),
                     "$.results[1].actual_base64: not base64"});
    cases.push_back(
        {variant("tags-base64-shape", [](J& d) { d["results"][0]["tags_base64"] = J::array({1}); }),
         "$.results[0].tags_base64[0]: not a string"});
    cases.push_back({variant("properties-base64-shape",
                             [](J& d) { d["results"][0]["properties_base64"] = J::array({"a"}); }),
                     "$.results[0].properties_base64[0]: not a [name, value] pair"});
    cases.push_back({variant("property-number",
                             [](J& d) {
                                 d["results"][0]["properties"] = {{"k", 1}};
                             }),
                     "$.results[0].properties.k: not a string"});
    cases.push_back({variant("transcript-text-null",
                             [](J& d) { d["results"][0]["transcript"][0]["text"] = nullptr; }),
                     "$.results[0].transcript[0].text: not a string"});
    cases.push_back(
        {variant("version-huge", [](J& d) { d["format_version"] = 18446744073709551615ull; }),
         "$.format_version: unsupported"});
    cases.push_back({variant("run-array", [](J& d) { d["run"] = J::array(); }), "$.run"});
    for (const auto& c : cases) {
        err.str("");
        EXPECT_EQ(run_merge({c.file}, ReportOptions{}, streams()), 2) << c.file;
        EXPECT_NE(err.str().find(c.expect), std::string::npos) << c.file << ": " << err.str();
        EXPECT_TRUE(text::is_valid_utf8(err.str())) << err.str();
    }
    // Huge strings are data, not an error: they come back exactly.
    auto huge =
        variant("huge", [](J& d) { d["results"][0]["message"] = std::string(20 << 20, 'x'); });
    ReportOptions opts;
    opts.json = (dir.path / "huge-out.json").string();
    EXPECT_EQ(run_merge({huge}, opts, streams()), 1);
    EXPECT_EQ(read_results_json(read_file(opts.json)).results[0].message.size(), 20u << 20);
}

TEST_F(MergeFixture, SubcommandSetsTheAction) {
    auto a = write_shard("a.json", "submission");
    CLI::App app;
    std::function<int()> action;
    add_merge_command(app, action);
    auto json_out = (dir.path / "m.json").string();
    std::vector<std::string> args{"mailspec", "merge", a, "--json", json_out, "-q"};
    std::vector<const char*> argv;
    for (auto& s : args)
        argv.push_back(s.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    ASSERT_TRUE(action);
    ::testing::internal::CaptureStdout();
    int rc = action();
    std::string console = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 1);  // the submission shard holds an error
    EXPECT_NE(console.find("ERROR"), std::string::npos);
    EXPECT_EQ(read_results_json(read_file(json_out)).results.size(), 3u);
}

TEST_F(MergeFixture, GithubStepSummaryGetsTheMarkdownAppended) {
    auto a = write_shard("a.json", "submission");
    auto summary = dir.path / "step-summary.md";
    write_file(summary, "earlier\n");
    CLI::App app;
    std::function<int()> action;
    add_merge_command(app, action);
    std::vector<std::string> args{"mailspec", "merge", a, "-q"};
    std::vector<const char*> argv;
    for (auto& s : args)
        argv.push_back(s.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    ASSERT_TRUE(action);
    setenv("GITHUB_STEP_SUMMARY", summary.c_str(), 1);
    ::testing::internal::CaptureStdout();
    action();
    ::testing::internal::GetCapturedStdout();
    unsetenv("GITHUB_STEP_SUMMARY");
    auto text = read_file(summary);
    EXPECT_EQ(text.rfind("earlier\n## mailspec: 0 failed, 1 errored, 3 results", 0), 0u) << text;
}

TEST_F(MergeFixture, SubcommandNeedsFiles) {
    CLI::App app;
    std::function<int()> action;
    add_merge_command(app, action);
    const char* argv[] = {"mailspec", "merge"};
    EXPECT_THROW(app.parse(2, argv), CLI::ParseError);
    EXPECT_FALSE(action);
}

}  // namespace
}  // namespace mailspec
