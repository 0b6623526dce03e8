// Every text field of a result filled with bytes a hostile server (or a careless suite) could
// produce: each format must still be well-formed and accepted by its real consumers.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <pugixml.hpp>

#include "reporters/json_reporter.hpp"
#include "reporters/junit_reporter.hpp"
#include "reporters/tap_reporter.hpp"
#include "reporters/text_format.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;
using namespace std::string_literals;

const std::string kNasty =
    "a\0b\xff\xfe]]><!--&amp;\"'\x1b[2J#\\ \r\n\t\x7f\xc2\x85\xed\xa0\x80 -- ..."s;

RunRecord nasty_run() {
    RunRecord rec = sample_run();
    Result r = hostile_result();
    r.suite = "s" + kNasty;
    r.check_id = "c" + kNasty;
    r.variant = "v" + kNasty;
    r.vantage = "w" + kNasty;
    r.kind = kNasty;
    r.target = kNasty;
    r.endpoint = kNasty;
    r.message = kNasty;
    r.expected = kNasty;
    r.rfc = kNasty;
    r.tags = {kNasty};
    r.findings = {{Severity::violation, kNasty, kNasty}};
    r.properties = {{"k" + kNasty, kNasty}};
    r.transcript.push_back(TranscriptLine{std::chrono::microseconds{3}, Direction::server, kNasty});
    rec.results.push_back(r);
    for (auto s : {Status::skip, Status::inconclusive, Status::error}) {
        r.status = s;
        r.variant += "x";
        rec.results.push_back(r);
    }
    rec.suites.push_back(SuiteInfo{r.suite, kNasty, kNasty, 4});
    rec.run.host = kNasty;
    rec.run.version = kNasty;
    return rec;
}

TEST(HostileFields, JunitStaysWellFormedAndValid) {
    for (bool portable : {false, true}) {
        std::string xml = render_junit(nasty_run(), JunitOptions{portable});
        EXPECT_TRUE(is_valid_utf8(xml));
        pugi::xml_document doc;
        ASSERT_TRUE(doc.load_string(xml.c_str()));
        EXPECT_EQ(doc.child("testsuites").select_nodes("testsuite/testcase").size(), 12u);
    }
    TempDir dir;
    auto file = dir.path / "nasty.xml";
    write_file(file, render_junit(nasty_run()));
    auto portable = dir.path / "portable.xml";
    write_file(portable, render_junit(nasty_run(), JunitOptions{true}));
    if (have_command("xmllint")) {
        auto res = run_command("xmllint --noout " + shell_quote(file.string()));
        EXPECT_EQ(res.exit_code, 0) << res.output;
    }
    auto tool = shared_tool("validate-junit");
    if (!tool) GTEST_SKIP() << "../shared/tools/validate-junit not found next to the source tree";
    auto res = run_command(tool_command(*tool) + " " + shell_quote(file.string()));
    EXPECT_EQ(res.exit_code, 0) << res.output;
    res = run_command(tool_command(*tool) + " --all " + shell_quote(portable.string()));
    EXPECT_EQ(res.exit_code, 0) << res.output;
}

TEST(HostileFields, TapStaysParseable) {
    auto rec = nasty_run();
    for (bool subtests : {false, true}) {
        std::string tap = render_tap(rec, TapOptions{subtests});
        EXPECT_TRUE(is_valid_utf8(tap));
        for (std::size_t i = 0; i < tap.size(); ++i) {
            unsigned char c = tap[i];
            ASSERT_TRUE(c >= 0x20 || c == '\n')
                << int(c) << " in: " << tap.substr(tap.rfind('\n', i) + 1, 120);
        }
    }
    TempDir dir;
    auto flat = dir.path / "flat.tap", sub = dir.path / "sub.tap";
    write_file(flat, render_tap(rec));
    write_file(sub, render_tap(rec, TapOptions{true}));
    // The description escapes '#' and '\\' so no directive starts inside a name.
    std::string desc;
    for (char c : visible("w" + kNasty)) {
        if (c == '\t') {
            desc += "\\x09";
            continue;
        }
        if (c == '#' || c == '\\') desc += '\\';
        desc += c;
    }
    EXPECT_NE(read_file(flat).find(" @ " + desc + "\n"), std::string::npos) << desc;
    auto tool = shared_tool("validate-tap");
    if (!tool) GTEST_SKIP() << "../shared/tools/validate-tap not found next to the source tree";
    auto res = run_command(tool_command(*tool) + " " + shell_quote(flat.string()) + " " +
                           shell_quote(sub.string()));
    if (res.exit_code == 2) GTEST_SKIP() << "validate-tap could not install its tools";
    EXPECT_EQ(res.exit_code, 0) << res.output;
}

TEST(HostileFields, TapYamlKeepsTheVisibleText) {
    std::string tap = render_tap(nasty_run());
    auto start = tap.rfind("  ---\n");
    auto end = tap.find("\n  ...\n", start);
    ASSERT_NE(end, std::string::npos);
    std::string block;
    for (std::size_t i = start + 6; i < end;) {
        auto nl = tap.find('\n', i);
        block += tap.substr(i + 2, nl - i - 2) + "\n";
        i = nl + 1;
    }
    YAML::Node y = YAML::Load(block);
    EXPECT_EQ(y["message"].as<std::string>(), visible(kNasty, true));
    EXPECT_EQ(y["properties"]["k" + visible(kNasty, true)].as<std::string>(),
              visible(kNasty, true));
    EXPECT_EQ(y["transcript"][6].as<std::string>(), "+0.000s <- " + visible(kNasty));
}

TEST(HostileFields, JsonParsesAndKeepsServerBytesExact) {
    auto rec = nasty_run();
    std::string text = render_json(rec);
    EXPECT_TRUE(is_valid_utf8(text));
    auto back = read_results_json(text);
    auto& r = back.results.back();
    EXPECT_EQ(r.message, kNasty);
    EXPECT_EQ(r.expected, kNasty);
    EXPECT_EQ(r.transcript.back().text, kNasty);
    EXPECT_EQ(r.status, Status::error);
}

}  // namespace
}  // namespace mailspec::reports
