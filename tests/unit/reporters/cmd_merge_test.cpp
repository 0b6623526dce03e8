#include "runner/cmd_merge.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <pugixml.hpp>
#include <sstream>

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
