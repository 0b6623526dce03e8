#include "reporters/console_reporter.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "reporters/merge.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;
using namespace std::chrono_literals;

std::string render(ConsoleOptions opts, const RunRecord& rec = sample_run()) {
    std::ostringstream out;
    ConsoleReporter console(out, std::move(opts));
    replay(rec, console);
    return out.str();
}

ConsoleOptions with(Verbosity v, bool tty = false, bool no_color = false) {
    ConsoleOptions o;
    o.verbosity = v;
    o.is_tty = tty;
    o.no_color = no_color;
    // A clock that stands still: no progress line unless a test moves it.
    o.clock = [] { return std::chrono::steady_clock::time_point{}; };
    return o;
}

TEST(ConsoleReporter, NormalOutputMatchesGolden) {
    expect_golden("console.txt", render(with(Verbosity::normal)));
}

TEST(ConsoleReporter, VerboseOutputMatchesGolden) {
    expect_golden("console.verbose.txt", render(with(Verbosity::verbose)));
}

TEST(ConsoleReporter, LinesAreAlignedAndCarryTheReason) {
    std::string out = render(with(Verbosity::normal));
    EXPECT_NE(out.find("PASS         banner-is-esmtp"), std::string::npos) << out;
    EXPECT_NE(out.find("FAIL         relay-denied/percent-hack         outside      1.203s"
                       "  server accepted a relayed recipient: 250 2.1.5 Ok"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("INCONCLUSIVE spf-fail-rejected"), std::string::npos);
    EXPECT_NE(out.find("inconclusive: spf-fail.lab.test does not fail"), std::string::npos);
    // Every result line puts the vantage at the same column.
    std::istringstream in(out);
    std::size_t column = std::string::npos;
    for (std::string l; std::getline(in, l);) {
        if (l.rfind("PASS ", 0) && l.rfind("FAIL ", 0) && l.rfind("ERROR ", 0) &&
            l.rfind("SKIP ", 0) && l.rfind("INCONCLUSIVE ", 0))
            continue;
        auto at =
            l.find(" inside ") != std::string::npos ? l.find(" inside ") : l.find(" outside ");
        ASSERT_NE(at, std::string::npos) << l;
        if (column == std::string::npos) column = at;
        EXPECT_EQ(at, column) << l;
    }
}

TEST(ConsoleReporter, SummaryCountsEveryStatusAndListsTheSlowest) {
    std::string out = render(with(Verbosity::normal));
    EXPECT_NE(out.find("8 results in 11.450s: 3 pass, 2 fail, 1 error, 1 skip, 1 inconclusive"),
              std::string::npos)
        << out;
    auto slow = out.find(
        "slowest:\n    10.000s  submission: auth-required-before-mail @ outside\n"
        "     1.203s  mx-baseline: relay-denied/percent-hack @ outside\n");
    EXPECT_NE(slow, std::string::npos) << out;
}

TEST(ConsoleReporter, QuietShowsOnlyFailuresErrorsAndTheCounts) {
    std::string out = render(with(Verbosity::quiet));
    EXPECT_EQ(out.find("PASS"), std::string::npos);
    EXPECT_EQ(out.find("SKIP"), std::string::npos);
    EXPECT_EQ(out.find("slowest"), std::string::npos);
    EXPECT_NE(out.find("suite mx-baseline (suites/mx-baseline.yaml)\nFAIL         banner-is-esmtp"),
              std::string::npos);
    EXPECT_NE(
        out.find(
            "suite submission (suites/submission.yaml)\nERROR        auth-required-before-mail"),
        std::string::npos);
    EXPECT_NE(out.find("8 results in"), std::string::npos);
}

TEST(ConsoleReporter, VerbosityDecidesWhoseTranscriptsArePrinted) {
    const std::string fail_line = "+0.002s -> RCPT TO:<probe%relay-test.invalid@mail.lab.test>";
    const std::string pass_line = "+0.002s -> RCPT TO:<probe@relay-test.invalid>";
    std::string normal = render(with(Verbosity::normal));
    EXPECT_EQ(normal.find(fail_line), std::string::npos);
    std::string v = render(with(Verbosity::verbose));
    EXPECT_NE(v.find(fail_line), std::string::npos);
    EXPECT_NE(v.find("expected: RCPT refused (5xx)"), std::string::npos);
    EXPECT_NE(v.find("+10.000s == timeout: no banner within 10s"), std::string::npos);  // error
    EXPECT_EQ(v.find(pass_line), std::string::npos);
    std::string vv = render(with(Verbosity::very_verbose));
    EXPECT_NE(vv.find(pass_line), std::string::npos);
    EXPECT_NE(vv.find("tls.version: TLSv1.3"), std::string::npos);
}

TEST(ConsoleReporter, HostileBytesNeverReachTheTerminal) {
    std::string out = render(with(Verbosity::very_verbose));
    for (unsigned char c : out)
        EXPECT_TRUE(c >= 0x20 || c == '\n' || c == '\t') << int(c);
    EXPECT_NE(out.find("<- 220 evil\\x00\\xff]]> \\x1b[31mred"), std::string::npos);
}

TEST(ConsoleReporter, ColourOnlyOnATerminalAndNeverWithNoColor) {
    EXPECT_EQ(render(with(Verbosity::normal, false)).find('\x1b'), std::string::npos);
    EXPECT_EQ(render(with(Verbosity::normal, true, true)).find('\x1b'), std::string::npos);
    std::string tty = render(with(Verbosity::normal, true));
    EXPECT_NE(tty.find("\x1b[32mPASS\x1b[0m"), std::string::npos);
    EXPECT_NE(tty.find("\x1b[1;31mFAIL\x1b[0m"), std::string::npos);
    EXPECT_TRUE(no_color_requested("1"));
    EXPECT_FALSE(no_color_requested(""));
    EXPECT_FALSE(no_color_requested(nullptr));
}

TEST(ConsoleReporter, ProgressLineOnlyOnATerminalAfterOneSecond) {
    auto now = std::make_shared<std::chrono::steady_clock::time_point>();
    auto run = [&](bool tty, std::chrono::milliseconds step) {
        *now = {};
        ConsoleOptions o = with(Verbosity::normal, tty, true);
        o.clock = [now] { return *now; };
        std::ostringstream out;
        ConsoleReporter console(out, o);
        auto rec = sample_run();
        console.run_begin(rec.run);
        for (auto& s : rec.suites)
            console.suite_begin(s);
        for (auto& r : rec.results) {
            *now += step;
            console.result(r);
        }
        console.run_end(rec.summary);
        return out.str();
    };
    EXPECT_EQ(run(true, 100ms).find("\r\x1b[K"), std::string::npos);  // 0.8s in total
    EXPECT_EQ(run(false, 600ms).find('\r'), std::string::npos);
    std::string tty = run(true, 600ms);
    EXPECT_NE(tty.find("[2/8] 1.2s  last: banner-is-esmtp @ outside"), std::string::npos) << tty;
    // The progress line is erased before the next result line and before the summary.
    EXPECT_NE(tty.find("\r\x1b[KFAIL "), std::string::npos);
    EXPECT_NE(tty.find("\r\x1b[K\n8 results"), std::string::npos);
}

TEST(ConsoleReporter, TickRedrawsTheProgressLine) {
    auto now = std::make_shared<std::chrono::steady_clock::time_point>();
    ConsoleOptions o = with(Verbosity::normal, true, true);
    o.clock = [now] { return *now; };
    std::ostringstream out;
    ConsoleReporter console(out, o);
    console.run_begin(RunInfo{});
    *now += 2500ms;
    console.tick();
    EXPECT_NE(out.str().find("[0/0] 2.5s"), std::string::npos) << out.str();
}

TEST(ConsoleReporter, IncompleteRunSaysSo) {
    auto rec = sample_run();
    rec.summary.incomplete = true;
    EXPECT_NE(render(with(Verbosity::quiet), rec).find("INCOMPLETE: the run was interrupted"),
              std::string::npos);
}

}  // namespace
}  // namespace mailspec::reports
