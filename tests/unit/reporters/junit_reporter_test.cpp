#include "reporters/junit_reporter.hpp"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <sstream>

#include "reporters/text_format.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;

TEST(JunitReporter, MatchesGolden) {
    expect_golden("report.junit.xml", render_junit(sample_run()));
}

TEST(JunitReporter, PortableMatchesGolden) {
    expect_golden("report.portable.junit.xml", render_junit(sample_run(), JunitOptions{true}));
}

TEST(JunitReporter, PortableKeepsTranscriptsInTheSuiteOutput) {
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(render_junit(sample_run(), JunitOptions{true}).c_str()));
    auto root = doc.child("testsuites");
    EXPECT_TRUE(root.first_attribute().empty());
    auto ts = root.find_child_by_attribute("testsuite", "name", "mx-baseline.inside");
    for (auto tc : ts.children("testcase")) {
        EXPECT_TRUE(tc.child("system-out").empty());
        if (auto sk = tc.child("skipped")) {
            EXPECT_TRUE(sk.first_attribute().empty());
            EXPECT_EQ(std::string(sk.text().get()).rfind("inconclusive: ", 0), 0u);
        }
    }
    std::string out = ts.child("system-out").text().get();
    EXPECT_NE(out.find("=== banner-is-esmtp\ncheck: banner-is-esmtp (banner)"), std::string::npos);
    EXPECT_NE(out.find("+0.012s <- 220 mail.lab.test ESMTP Postfix"), std::string::npos);
}

TEST(JunitReporter, OneTestsuitePerSuiteAndVantageWithConsistentCounts) {
    auto rec = sample_run();
    std::string xml = render_junit(rec);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str())) << "pugixml could not parse the report";
    auto root = doc.child("testsuites");
    EXPECT_EQ(root.attribute("tests").as_int(), 8);
    EXPECT_EQ(root.attribute("failures").as_int(), 2);
    EXPECT_EQ(root.attribute("errors").as_int(), 1);
    // Suite time = sum of its testcase times as printed; testsuites time = sum of suites.
    EXPECT_STREQ(root.attribute("time").value(), "11.612");

    std::vector<std::string> names;
    for (auto ts : root.children("testsuite")) {
        names.push_back(ts.attribute("name").value());
        int tests = 0, failures = 0, errors = 0, skipped = 0;
        for (auto tc : ts.children("testcase")) {
            ++tests;
            failures += !tc.child("failure").empty();
            errors += !tc.child("error").empty();
            skipped += !tc.child("skipped").empty();
            EXPECT_STREQ(tc.attribute("classname").value(), ts.attribute("name").value());
        }
        EXPECT_EQ(ts.attribute("tests").as_int(), tests);
        EXPECT_EQ(ts.attribute("failures").as_int(), failures);
        EXPECT_EQ(ts.attribute("errors").as_int(), errors);
        EXPECT_EQ(ts.attribute("skipped").as_int(), skipped);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"mx-baseline.inside", "mx-baseline.outside",
                                               "submission.inside", "submission.outside"}));

    auto outside = root.find_child_by_attribute("testsuite", "name", "mx-baseline.outside");
    EXPECT_STREQ(outside.child("properties")
                     .find_child_by_attribute("property", "name", "target.mx")
                     .attribute("value")
                     .value(),
                 "127.0.0.1:25");
    auto percent = outside.find_child_by_attribute("testcase", "name", "relay-denied/percent-hack");
    ASSERT_FALSE(percent.empty());
    EXPECT_STREQ(percent.attribute("time").value(), "1.203");
    auto failure = percent.child("failure");
    EXPECT_STREQ(failure.attribute("type").value(), "relay");
    EXPECT_NE(std::string(failure.text().get()).find("expected: RCPT refused (5xx)"),
              std::string::npos);
    EXPECT_NE(std::string(failure.text().get()).find("actual:   250 2.1.5 Ok"), std::string::npos);
    std::string out = percent.child("system-out").text().get();
    EXPECT_NE(out.find("+0.002s -> RCPT TO:<probe%relay-test.invalid@mail.lab.test>"),
              std::string::npos);

    auto tls =
        root.find_child_by_attribute("testsuite", "name", "submission.inside").child("testcase");
    EXPECT_NE(std::string(tls.child("system-out").text().get())
                  .find("property tls.fingerprint: sha256:4f:2a:9c:00:11"),
              std::string::npos);

    auto spf = root.find_child_by_attribute("testsuite", "name", "mx-baseline.inside")
                   .find_child_by_attribute("testcase", "name", "spf-fail-rejected");
    EXPECT_EQ(
        std::string(spf.child("skipped").attribute("message").value()).rfind("inconclusive: ", 0),
        0u);
    auto error = root.find_child_by_attribute("testsuite", "name", "submission.outside")
                     .find_child_by_attribute("testcase", "name", "auth-required-before-mail");
    EXPECT_STREQ(error.child("error").attribute("message").value(),
                 "timeout after 10s waiting for the banner");
}

TEST(JunitReporter, HostileBytesAreEscapedVisibly) {
    std::string xml = render_junit(sample_run());
    EXPECT_TRUE(is_valid_utf8(xml));
    for (unsigned char c : xml)
        EXPECT_TRUE(c >= 0x20 || c == '\n' || c == '\t') << "raw control byte " << int(c);
    EXPECT_EQ(xml.find("]]>"), std::string::npos);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str()));
    std::string out = doc.child("testsuites")
                          .find_child_by_attribute("testsuite", "name", "mx-baseline.outside")
                          .find_child_by_attribute("testcase", "name", "banner-is-esmtp")
                          .child("system-out")
                          .text()
                          .get();
    EXPECT_NE(out.find("+0.001s <- 220 evil\\x00\\xff]]> \\x1b[31mred"), std::string::npos);
    EXPECT_NE(out.find("250 " + std::string(10 * 1024, 'A')), std::string::npos);
}

TEST(JunitReporter, IncompleteRunIsMarkedInEverySuite) {
    auto rec = sample_run();
    rec.summary.incomplete = true;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(render_junit(rec).c_str()));
    EXPECT_STREQ(doc.child("testsuites").attribute("name").value(), "mailspec (incomplete)");
    for (auto ts : doc.child("testsuites").children("testsuite"))
        EXPECT_STREQ(ts.child("properties")
                         .find_child_by_attribute("property", "name", "run.incomplete")
                         .attribute("value")
                         .value(),
                     "true");
}

TEST(JunitReporter, AnnouncedSuiteWithoutResultsStillAppears) {
    auto rec = sample_run();
    rec.results.clear();
    rec.summary.incomplete = true;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(render_junit(rec).c_str()));
    auto ts = doc.child("testsuites").child("testsuite");
    EXPECT_STREQ(ts.attribute("name").value(), "mx-baseline");
    EXPECT_EQ(ts.attribute("tests").as_int(), 0);
}

// Real consumers: xmllint (well-formedness, always available via libxml2-utils) and the
// shared validate-junit (Jenkins xUnit schema + counts) when it is present.
TEST(JunitReporter, XmllintFindsItWellFormed) {
    if (!have_command("xmllint")) GTEST_SKIP() << "xmllint not installed (libxml2-utils)";
    TempDir dir;
    auto file = dir.path / "junit.xml";
    write_file(file, render_junit(sample_run()));
    auto res = run_command("xmllint --noout " + shell_quote(file.string()));
    EXPECT_EQ(res.exit_code, 0) << res.output;
}

TEST(JunitReporter, ValidatesAgainstTheJenkinsSchema) {
    auto tool = shared_tool("validate-junit");
    if (!tool) GTEST_SKIP() << "../shared/tools/validate-junit not found next to the source tree";
    TempDir dir;
    auto full = dir.path / "junit.xml";
    write_file(full, render_junit(sample_run()));
    auto incomplete_run = sample_run();
    incomplete_run.summary.incomplete = true;
    incomplete_run.results.resize(3);
    auto incomplete = dir.path / "incomplete.xml";
    write_file(incomplete, render_junit(incomplete_run));
    auto empty_run = sample_run();
    empty_run.results.clear();
    auto empty = dir.path / "empty.xml";
    write_file(empty, render_junit(empty_run));
    auto res = run_command(tool_command(*tool) + " " + shell_quote(full.string()) + " " +
                           shell_quote(incomplete.string()) + " " + shell_quote(empty.string()));
    EXPECT_EQ(res.exit_code, 0) << res.output;
}

TEST(JunitReporter, PortableValidatesAgainstAllThreeSchemas) {
    auto tool = shared_tool("validate-junit");
    if (!tool) GTEST_SKIP() << "../shared/tools/validate-junit not found next to the source tree";
    TempDir dir;
    auto file = dir.path / "junit.xml";
    auto rec = sample_run();
    rec.summary.incomplete = true;
    write_file(file, render_junit(rec, JunitOptions{true}));
    auto res = run_command(tool_command(*tool) + " --all " + shell_quote(file.string()));
    EXPECT_EQ(res.exit_code, 0) << res.output;
}

}  // namespace
}  // namespace mailspec::reports
