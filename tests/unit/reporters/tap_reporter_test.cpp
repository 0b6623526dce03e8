#include "reporters/tap_reporter.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "reporters/text_format.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

// The YAML diagnostic blocks of a TAP stream ("---" ... "..."), de-indented.
std::vector<std::string> yaml_blocks(const std::string& tap) {
    std::vector<std::string> blocks;
    std::string cur, indent;
    bool in = false;
    for (auto& l : lines_of(tap)) {
        auto trimmed = l.substr(
            l.find_first_not_of(' ') == std::string::npos ? l.size() : l.find_first_not_of(' '));
        if (!in && trimmed == "---") {
            in = true, cur.clear(), indent = l.substr(0, l.size() - 3);
        } else if (in && l == indent + "...") {
            in = false, blocks.push_back(cur);
        } else if (in) {
            EXPECT_EQ(l.rfind(indent, 0), 0u) << "YAML line not indented: " << l;
            cur += l.substr(indent.size()) + "\n";
        }
    }
    EXPECT_FALSE(in) << "unterminated YAML block";
    return blocks;
}

TEST(TapReporter, MatchesGolden) {
    expect_golden("report.tap", render_tap(sample_run()));
}

TEST(TapReporter, SubtestsMatchGolden) {
    expect_golden("report.subtests.tap", render_tap(sample_run(), TapOptions{true}));
}

TEST(TapReporter, PlanAndSequentialTestPoints) {
    auto lines = lines_of(render_tap(sample_run()));
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[0], "TAP version 14");
    EXPECT_EQ(lines[2], "1..8");
    std::vector<std::string> points;
    for (auto& l : lines)
        if (l.rfind("ok ", 0) == 0 || l.rfind("not ok ", 0) == 0) points.push_back(l);
    ASSERT_EQ(points.size(), 8u);
    EXPECT_EQ(points[0], "ok 1 - mx-baseline: banner-is-esmtp @ inside");
    EXPECT_EQ(points[1], "not ok 2 - mx-baseline: banner-is-esmtp @ outside");
    EXPECT_EQ(points[3], "not ok 4 - mx-baseline: relay-denied/percent-hack @ outside");
    EXPECT_EQ(points[4],
              "ok 5 - mx-baseline: spf-fail-rejected @ inside # SKIP inconclusive: "
              "spf-fail.lab.test does not fail for 127.0.0.1 (result: pass)");
    EXPECT_EQ(points[6], "not ok 7 - submission: auth-required-before-mail @ outside");
    EXPECT_EQ(points[7],
              "ok 8 - submission: no-plaintext-auth @ outside # SKIP skipped by --skip tls");
}

TEST(TapReporter, SingleSuiteIsNotQualified) {
    auto rec = sample_run();
    std::erase_if(rec.results, [](auto& r) { return r.suite != "mx-baseline"; });
    rec.suites.resize(1);
    EXPECT_NE(render_tap(rec).find("\nok 1 - banner-is-esmtp @ inside\n"), std::string::npos);
}

TEST(TapReporter, HashInANameDoesNotStartADirective) {
    auto rec = sample_run();
    rec.results.resize(1);
    rec.results[0].check_id = "weird#id\\x";
    EXPECT_NE(render_tap(rec).find("ok 1 - mx-baseline: weird\\#id\\\\\\\\x @ inside\n"),
              std::string::npos);
}

TEST(TapReporter, YamlBlocksParseAndCarryTheEvidence) {
    auto rec = sample_run();
    for (bool subtests : {false, true}) {
        auto blocks = yaml_blocks(render_tap(rec, TapOptions{subtests}));
        ASSERT_EQ(blocks.size(), rec.results.size());
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            const Result& r = rec.results[i];
            YAML::Node y;
            ASSERT_NO_THROW(y = YAML::Load(blocks[i])) << blocks[i].substr(0, 400);
            EXPECT_EQ(y["status"].as<std::string>(), to_string(r.status));
            EXPECT_EQ(y["check"].as<std::string>(), r.check_id);
            EXPECT_EQ(y["vantage"].as<std::string>(), r.vantage);
            EXPECT_EQ(y["target"].as<std::string>(), r.target);
            EXPECT_EQ(y["expected"].as<std::string>(), visible(r.expected, true));
            EXPECT_EQ(y["actual"].as<std::string>(), visible(r.actual, true));
            EXPECT_EQ(y["message"].as<std::string>(), visible(r.message, true));
            EXPECT_EQ(y["duration"].as<std::string>(), seconds3(r.duration));
            ASSERT_EQ(y["transcript"].size(), r.transcript.size());
            for (std::size_t k = 0; k < r.transcript.size(); ++k)
                EXPECT_EQ(y["transcript"][k].as<std::string>(), transcript_line(r.transcript[k]));
            for (auto& [key, value] : r.properties)
                EXPECT_EQ(y["properties"][key].as<std::string>(), value);
            ASSERT_EQ(y["findings"].size(), r.findings.size());
            for (std::size_t k = 0; k < r.findings.size(); ++k)
                EXPECT_EQ(y["findings"][k].as<std::string>(), finding_line(r.findings[k]));
            ASSERT_EQ(y["tags"].size(), r.tags.size());
            for (std::size_t k = 0; k < r.tags.size(); ++k)
                EXPECT_EQ(y["tags"][k].as<std::string>(), r.tags[k]);
        }
    }
}

TEST(TapReporter, IncompleteRunHasACommentAndAPlanThatMatches) {
    auto rec = sample_run();
    rec.results.resize(3);
    rec.summary.incomplete = true;
    std::string tap = render_tap(rec);
    EXPECT_NE(tap.find("\n# incomplete: the run was interrupted; 3 results were recorded\n1..3\n"),
              std::string::npos);
    rec.results.clear();
    EXPECT_NE(render_tap(rec).find("\n1..0\n"), std::string::npos);
}

// Real consumers: Perl's TAP::Parser (what prove runs; installed with perl) and the shared
// validate-tap (TAP::Parser + npm tap-parser, which also parses the YAML) when present.
TEST(TapReporter, PerlTapParserAcceptsIt) {
    if (!have_command("perl") || run_command("perl -MTAP::Parser -e1").exit_code != 0)
        GTEST_SKIP() << "perl TAP::Parser not available";
    TempDir dir;
    // TAP::Parser 3.44 (Debian 12) predates TAP 14; version 14 is a superset of 13.
    const char* script = R"(
use TAP::Parser;
local $/; my $tap = <STDIN>;
$tap =~ s/\ATAP version 14\n/TAP version 13\n/ if $TAP::Parser::VERSION < 3.48;
my $p = TAP::Parser->new({ tap => $tap });
while (my $r = $p->next) {}
my @e = $p->parse_errors;
print "$_\n" for @e;
printf "planned=%s run=%d failed=%d skipped=%d\n", $p->tests_planned, $p->tests_run,
    scalar($p->failed), scalar($p->skipped);
exit(@e ? 1 : 0);
)";
    write_file(dir.path / "check.pl", script);
    for (bool subtests : {false, true}) {
        auto file = dir.path / "report.tap";
        write_file(file, render_tap(sample_run(), TapOptions{subtests}));
        auto res = run_command("perl " + shell_quote((dir.path / "check.pl").string()) + " < " +
                               shell_quote(file.string()));
        EXPECT_EQ(res.exit_code, 0) << res.output;
        if (!subtests) {
            EXPECT_NE(res.output.find("planned=8 run=8 failed=3 skipped=2"), std::string::npos)
                << res.output;
        }
    }
}

TEST(TapReporter, ValidateTapAcceptsIt) {
    auto tool = shared_tool("validate-tap");
    if (!tool) GTEST_SKIP() << "../shared/tools/validate-tap not found next to the source tree";
    TempDir dir;
    std::string files;
    auto add = [&](const std::string& name, const RunRecord& rec, bool subtests) {
        auto file = dir.path / name;
        write_file(file, render_tap(rec, TapOptions{subtests}));
        files += " " + shell_quote(file.string());
    };
    add("flat.tap", sample_run(), false);
    add("subtests.tap", sample_run(), true);
    auto rec = sample_run();
    rec.results.resize(3);
    rec.summary.incomplete = true;
    add("incomplete.tap", rec, false);
    rec.results.clear();
    add("empty.tap", rec, true);
    auto res = run_command(tool_command(*tool) + files);
    if (res.exit_code == 2)
        GTEST_SKIP() << "validate-tap could not install its tools:\n" << res.output;
    EXPECT_EQ(res.exit_code, 0) << res.output;
}

}  // namespace
}  // namespace mailspec::reports
