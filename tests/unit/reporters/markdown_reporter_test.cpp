#include "reporters/markdown_reporter.hpp"

#include <gtest/gtest.h>

#include <sstream>

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

RunRecord big_run(std::size_t results) {
    auto rec = sample_run();
    auto base = rec.results[1];  // the hostile failure
    base.message = std::string(300, 'm');
    rec.results.clear();
    for (std::size_t i = 0; i < results; ++i) {
        auto r = base;
        r.check_id = "check-" + std::to_string(i);
        r.status = i % 2 ? Status::pass : Status::fail;
        rec.results.push_back(r);
    }
    return rec;
}

TEST(MarkdownReporter, MatchesGolden) {
    expect_golden("report.md", render_markdown(sample_run()));
}

TEST(MarkdownReporter, FailuresFirst) {
    auto md = render_markdown(sample_run());
    auto fail = md.find("\n| fail |"), error = md.find("\n| error |"),
         pass = md.find("\n| pass | mx");
    ASSERT_NE(fail, std::string::npos);
    EXPECT_LT(fail, error);
    EXPECT_LT(error, pass);
    EXPECT_NE(md.find("server accepted a relayed recipient\\: 250 2.1.5 Ok"), std::string::npos);
}

TEST(MarkdownReporter, PipesBackticksAndMarkupStayText) {
    EXPECT_EQ(markdown_cell("a|b`c`"), "a\\|b\\`c\\`");
    EXPECT_EQ(markdown_cell("<img src=x> [x](javascript:1) **b** @team #21"),
              "\\<img src=x\\> \\[x\\](javascript\\:1) \\*\\*b\\*\\* \\@team \\#21");
    EXPECT_EQ(markdown_cell("line\nbreak\x1b"), "line\\\\x0abreak\\\\x1b");
    auto rec = sample_run();
    rec.results[0].message = "250 | injected | cells |\n| fail | x | y | z | w |";
    auto md = render_markdown(rec);
    for (std::istringstream in(md); !in.eof();) {
        std::string line;
        std::getline(in, line);
        if (line.rfind("| ", 0) != 0 || line.find("---") != std::string::npos) continue;
        // Every table row has exactly its own unescaped separators.
        std::size_t bars = 0;
        for (std::size_t i = 0; i < line.size(); ++i)
            bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
        EXPECT_TRUE(bars == 6 || bars == 7) << line;  // results or counts table
    }
}

TEST(MarkdownReporter, LongCellsAreCutAtACharacter) {
    std::string s;
    for (int i = 0; i < 300; ++i)
        s += "é";  // two bytes each
    auto cell = markdown_cell(s, 101);
    EXPECT_TRUE(is_valid_utf8(cell));
    EXPECT_EQ(cell, std::string(cell.substr(0, 100)) + "…");
}

TEST(MarkdownReporter, TruncatedToTheLimitWithANote) {
    auto rec = big_run(6000);  // ~2 MB untruncated
    auto md = render_markdown(rec);
    EXPECT_LE(md.size(), kStepSummaryLimit);
    EXPECT_GT(md.size(), kStepSummaryLimit - 2000);
    EXPECT_NE(md.find("Truncated to fit GitHub's 1 MiB summary limit"), std::string::npos);
    EXPECT_TRUE(is_valid_utf8(md));
    auto rows = count_of(md, "\n| fail | mx") + count_of(md, "\n| pass | mx");
    EXPECT_NE(md.find(std::to_string(6000 - rows) + " of 6000 results not shown"),
              std::string::npos);
    // Failures first, so what is cut is passes.
    EXPECT_EQ(count_of(md, "\n| fail | mx"), 3000u);
    EXPECT_EQ(render_markdown(big_run(10)).find("Truncated"), std::string::npos);
}

TEST(MarkdownReporter, StepSummaryAppendsWithinWhatIsLeft) {
    TempDir dir;
    auto path = dir.path / "summary.md";
    std::string earlier = "# earlier step output\n" + std::string(kStepSummaryLimit - 5000, 'x');
    write_file(path, earlier);
    auto reporter = make_step_summary_reporter(path.string());
    auto rec = big_run(100);
    reporter->run_begin(rec.run);
    for (auto& r : rec.results)
        reporter->result(r);
    reporter->run_end(rec.summary);
    auto text = read_file(path);
    EXPECT_EQ(text.rfind(earlier, 0), 0u) << "earlier content kept";
    EXPECT_LE(text.size(), kStepSummaryLimit);
    EXPECT_NE(text.find("## mailspec: 50 failed"), std::string::npos);
    EXPECT_NE(text.find("Truncated"), std::string::npos);
}

}  // namespace
}  // namespace mailspec::reports
