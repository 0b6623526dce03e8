#include "reporters/html_reporter.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "reporters/text_format.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;

std::size_t count_of(const std::string& hay, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1))
        ++n;
    return n;
}

// A result whose every field tries to break out of its place in the page.
Result injecting_result() {
    Result r = hostile_result();
    r.check_id = "x</td><script>alert(1)</script>";
    r.vantage = "out\"side' onmouseover='alert(2)";
    r.message = "<img src=x onerror=alert(3)>";
    r.tags = {"\"><svg onload=alert(4)>"};
    r.properties = {{"<b>k</b>", "</dd></dl><script>alert(5)</script>"}};
    r.transcript.push_back({std::chrono::microseconds{3000}, Direction::server,
                            "250 </pre></details><script>alert(6)</script> &amp;"});
    return r;
}

TEST(HtmlReporter, MatchesGolden) {
    expect_golden("report.html", render_html(sample_run()));
}

TEST(HtmlReporter, EscapesMarkupCharacters) {
    EXPECT_EQ(html_escape("<a href=\"x\">&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
}

TEST(HtmlReporter, ServerTextNeverBecomesMarkup) {
    auto rec = sample_run();
    rec.results.push_back(injecting_result());
    auto html = render_html(rec);
    EXPECT_EQ(count_of(html, "<script"), 1u) << "only the page's own script";
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<svg"), std::string::npos);
    EXPECT_EQ(html.find("onmouseover='"), std::string::npos);
    EXPECT_NE(html.find("&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(6)"), std::string::npos);
    EXPECT_NE(html.find("&amp;amp;"), std::string::npos) << "an entity from a server stays text";
    // visible() first: the hostile banner's NUL, 0xFF and ESC are shown, not sent raw.
    EXPECT_NE(html.find("220 evil\\x00\\xff]]&gt; \\x1b[31mred"), std::string::npos);
    EXPECT_EQ(html.find('\0'), std::string::npos);
    EXPECT_EQ(html.find('\x1b'), std::string::npos);
    EXPECT_TRUE(is_valid_utf8(html));
}

TEST(HtmlReporter, SelfContained) {
    auto html = render_html(sample_run());
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
    EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST(HtmlReporter, FailuresFirstAndMatrixLinksToRows) {
    auto html = render_html(sample_run());
    auto first_row = html.find("<tr id=\"r-0\"");
    ASSERT_NE(first_row, std::string::npos);
    EXPECT_EQ(html.substr(first_row, 31), "<tr id=\"r-0\" data-status=\"fail\"");
    // The relay variants from outside, one cell each.
    EXPECT_NE(html.find("<tr><th>relay-denied/percent-hack</th>"), std::string::npos);
    EXPECT_NE(html.find("<caption>submission</caption>"), std::string::npos);
}

TEST(HtmlReporter, AuthPayloadStaysRedacted) {
    // The engine redacts AUTH payloads before a result exists; the page shows what it got.
    auto html = render_html(sample_run());
    EXPECT_NE(html.find("AUTH PLAIN ********"), std::string::npos);
}

// The real consumer: headless Chromium loads the page, runs its script and dumps the DOM.
struct Chromium {
    CommandResult dump;  // --dump-dom output and the browser's log
    std::string log;     // stderr with --enable-logging: console messages, script errors
};

Chromium load_in_chromium(const TempDir& dir, const std::string& html, const std::string& hash) {
    auto page = dir.path / "report.html";
    write_file(page, html);
    auto profile = dir.path / "profile";
    auto base =
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
        "--user-data-dir=" +
        shell_quote(profile.string()) + " ";
    auto url = shell_quote("file://" + page.string() + hash);
    Chromium c;
    c.dump = run_command(base + "--enable-logging=stderr --v=0 --dump-dom " + url + " 2>" +
                         shell_quote((dir.path / "log").string()));
    c.log = read_file(dir.path / "log");
    return c;
}

bool chromium_available() {
    if (have_command("chromium")) return true;
    // CI installs it (./run setup): missing there is a failure, not a skip.
    if (std::getenv("CI")) ADD_FAILURE() << "chromium missing in CI (./run setup installs it)";
    return false;
}

TEST(HtmlReporter, ChromiumRendersCountsTranscriptAndScript) {
    if (!chromium_available()) GTEST_SKIP() << "chromium not installed (./run setup installs it)";
    TempDir dir;
    auto rec = sample_run();
    rec.results.push_back(injecting_result());
    auto c = load_in_chromium(dir, render_html(rec), "");
    ASSERT_EQ(c.dump.exit_code, 0) << c.dump.output << c.log;
    auto& dom = c.dump.output;
    EXPECT_NE(dom.find("data-ok=\"true\""), std::string::npos)
        << "the page's script did not finish";
    EXPECT_EQ(c.log.find("Uncaught"), std::string::npos) << c.log;
    EXPECT_NE(dom.find("<div class=\"tile st-fail\" data-status=\"fail\"><b>3</b>fail</div>"),
              std::string::npos);
    EXPECT_NE(dom.find("<span id=\"shown\">9</span> of 9 shown"), std::string::npos);
    // The failing relay variant's transcript, as the browser parsed it.
    EXPECT_NE(dom.find("RCPT TO:&lt;probe%relay-test.invalid@mail.lab.test&gt;"),
              std::string::npos);
    EXPECT_NE(dom.find("250 2.1.5 Ok"), std::string::npos);
    // Nothing the server sent became an element.
    EXPECT_EQ(dom.find("<img"), std::string::npos);
    EXPECT_EQ(dom.find("<svg"), std::string::npos);
    EXPECT_EQ(count_of(dom, "<script"), 1u);
}

TEST(HtmlReporter, ChromiumFiltersFromTheFragmentAndScreenshots) {
    if (!chromium_available()) GTEST_SKIP() << "chromium not installed (./run setup installs it)";
    TempDir dir;
    auto c = load_in_chromium(dir, render_html(sample_run()), "#status=fail&vantage=outside");
    ASSERT_EQ(c.dump.exit_code, 0) << c.dump.output << c.log;
    EXPECT_NE(c.dump.output.find("<span id=\"shown\">2</span> of 8 shown"), std::string::npos);
    std::regex hidden_pass("<tr id=\"r-\\d+\" data-status=\"pass\"[^>]*class=\"filtered\"");
    EXPECT_TRUE(std::regex_search(c.dump.output, hidden_pass));

    auto png = dir.path / "report.png";
    auto shot = run_command(
        "timeout 120 chromium --headless --no-sandbox --disable-gpu "
        "--user-data-dir=" +
        shell_quote((dir.path / "profile").string()) +
        " --screenshot=" + shell_quote(png.string()) + " --window-size=1280,2000 " +
        shell_quote("file://" + (dir.path / "report.html").string()));
    ASSERT_EQ(shot.exit_code, 0) << shot.output;
    auto bytes = read_file(png);
    ASSERT_GT(bytes.size(), 1000u);
    EXPECT_EQ(bytes.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace mailspec::reports
