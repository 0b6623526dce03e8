// Deterministic pseudo-random results (fixed seed) with text built from the characters that
// break report formats: every format must stay parseable by its consumers, whatever the text.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <pugixml.hpp>
#include <random>

#include "reporters/json_reporter.hpp"
#include "reporters/junit_reporter.hpp"
#include "reporters/tap_reporter.hpp"
#include "reporters/text_format.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;

class Gen {
  public:
    explicit Gen(unsigned seed) : rng_(seed) {}
    std::string text(std::size_t max_len = 24) {
        static const std::vector<std::string> atoms = {
            ":",   ": ",  " :",  " ",  "\"",       "'",    "\\", "#",  "-",
            "- ",  "---", "...", "\0", "\xff",     "\x1b", "\t", "\r", "\n",
            "]]>", "&",   "<",   ">",  "{",        "}",    "[",  "]",  "~",
            "|",   "!",   "%",   "@",  "\xc3\xa9", "a",    "Z",  "0",  "\xe2\x80\xa8"};
        std::uniform_int_distribution<std::size_t> len(0, max_len), pick(0, atoms.size() - 1);
        std::string out;
        for (std::size_t n = len(rng_); n > 0; --n) {
            const auto& a = atoms[pick(rng_)];
            out += a.empty() ? std::string(1, '\0') : a;
        }
        return out;
    }
    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }

  private:
    std::mt19937 rng_;
};

RunRecord random_run(unsigned seed, std::size_t n) {
    Gen g(seed);
    RunRecord rec = sample_run();
    rec.results.clear();
    for (std::size_t i = 0; i < n; ++i) {
        Result r;
        r.suite = g.below(3) == 0 ? "s" + g.text(6) : "mx";
        r.check_id = "c" + std::to_string(i) + g.text(8);
        r.variant = g.below(2) ? g.text(8) : "";
        r.vantage = "v" + g.text(6);
        r.kind = g.text(6);
        r.target = g.text(6);
        r.endpoint = g.text(6);
        r.status = static_cast<Status>(g.below(5));
        r.duration = std::chrono::nanoseconds{static_cast<std::int64_t>(g.below(5'000'000'000))};
        r.message = g.text();
        r.expected = g.text();
        r.actual = g.text();
        r.rfc = g.text(6);
        for (std::size_t k = g.below(3); k > 0; --k)
            r.tags.push_back(g.text(8));
        for (std::size_t k = g.below(3); k > 0; --k)
            r.findings.push_back(
                {g.below(2) ? Severity::violation : Severity::notice, g.text(8), g.text()});
        for (std::size_t k = g.below(3); k > 0; --k)
            r.properties[g.text(6)] = g.text();
        for (std::size_t k = g.below(6); k > 0; --k)
            r.transcript.push_back(TranscriptLine{std::chrono::microseconds{g.below(1'000'000)},
                                                  static_cast<Direction>(g.below(5)), g.text(40)});
        rec.results.push_back(std::move(r));
    }
    return rec;
}

TEST(RandomizedReports, EveryFormatParsesForArbitraryText) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        auto rec = random_run(seed, 25);
        SCOPED_TRACE("seed " + std::to_string(seed));

        pugi::xml_document doc;
        for (bool portable : {false, true})
            ASSERT_TRUE(doc.load_string(render_junit(rec, JunitOptions{portable}).c_str()));

        auto back = read_results_json(render_json(rec));
        ASSERT_EQ(back.results.size(), rec.results.size());
        for (std::size_t i = 0; i < rec.results.size(); ++i) {
            EXPECT_EQ(back.results[i].message, rec.results[i].message);
            EXPECT_EQ(back.results[i].actual, rec.results[i].actual);
            ASSERT_EQ(back.results[i].transcript.size(), rec.results[i].transcript.size());
            for (std::size_t k = 0; k < rec.results[i].transcript.size(); ++k)
                EXPECT_EQ(back.results[i].transcript[k].text, rec.results[i].transcript[k].text);
        }

        std::string tap = render_tap(rec);
        std::size_t blocks = 0;
        for (std::size_t at = tap.find("\n  ---\n"); at != std::string::npos;
             at = tap.find("\n  ---\n", at + 1)) {
            auto end = tap.find("\n  ...\n", at);
            ASSERT_NE(end, std::string::npos);
            std::string block;
            for (std::size_t i = at + 7; i < end + 1;) {
                auto nl = tap.find('\n', i);
                block += tap.substr(i + 2, nl - i - 2) + "\n";
                i = nl + 1;
            }
            const Result& r = rec.results[blocks++];
            YAML::Node y;
            ASSERT_NO_THROW(y = YAML::Load(block)) << block;
            EXPECT_EQ(y["message"].as<std::string>(), visible(r.message, true));
            for (std::size_t k = 0; k < r.findings.size(); ++k)
                EXPECT_EQ(y["findings"][k].as<std::string>(), finding_line(r.findings[k]));
            for (std::size_t k = 0; k < r.tags.size(); ++k)
                EXPECT_EQ(y["tags"][k].as<std::string>(), visible(r.tags[k], true));
        }
        EXPECT_EQ(blocks, rec.results.size());
    }
}

// The consumers that are pickiest about YAML and XML, over the same random runs.
TEST(RandomizedReports, RealConsumersAcceptThem) {
    TempDir dir;
    std::string taps, xmls;
    for (unsigned seed = 1; seed <= 6; ++seed) {
        auto rec = random_run(seed, 80);
        auto tap = dir.path / ("r" + std::to_string(seed) + ".tap");
        auto xml = dir.path / ("r" + std::to_string(seed) + ".xml");
        write_file(tap, render_tap(rec, TapOptions{seed % 2 == 0}));
        write_file(xml, render_junit(rec));
        taps += " " + shell_quote(tap.string());
        xmls += " " + shell_quote(xml.string());
    }
    bool ran = false;
    if (have_command("xmllint")) {
        auto res = run_command("xmllint --noout" + xmls);
        EXPECT_EQ(res.exit_code, 0) << res.output.substr(0, 2000);
        ran = true;
    }
    if (auto tool = shared_tool("validate-tap")) {
        auto res = run_command(tool_command(*tool) + " -q" + taps);
        if (res.exit_code != 2) {
            EXPECT_EQ(res.exit_code, 0) << res.output.substr(0, 3000);
            ran = true;
        }
    } else if (run_command("perl -MTAP::Parser -e1").exit_code == 0) {
        // Without the shared tool: Perl's TAP::Parser on each file (YAMLish errors included).
        for (unsigned seed = 1; seed <= 6; ++seed) {
            auto f = dir.path / ("r" + std::to_string(seed) + ".tap");
            auto res = run_command(
                "perl -MTAP::Parser -e 'local $/; my $t = <STDIN>; $t =~ "
                "s/\\ATAP version 14\\n/TAP version 13\\n/; my $p = TAP::Parser->new({tap => "
                "$t}); while ($p->next) {} my @e = $p->parse_errors; print \"$_\\n\" for @e; "
                "exit(@e ? 1 : 0)' < " +
                shell_quote(f.string()));
            EXPECT_EQ(res.exit_code, 0) << "seed " << seed << ": " << res.output;
        }
        ran = true;
    }
    if (!ran) GTEST_SKIP() << "neither xmllint nor a TAP consumer is available";
}

}  // namespace
}  // namespace mailspec::reports
