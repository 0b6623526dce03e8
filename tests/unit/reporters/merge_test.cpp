#include "reporters/merge.hpp"

#include <gtest/gtest.h>

#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;
using namespace std::chrono_literals;

// Splits the sample into two shards by suite, as two runner processes would record them.
std::pair<RunRecord, RunRecord> shards() {
    auto a = sample_run(), b = sample_run();
    std::erase_if(a.results, [](auto& r) { return r.suite != "mx-baseline"; });
    std::erase_if(b.results, [](auto& r) { return r.suite == "mx-baseline"; });
    a.suites.resize(1);
    b.suites.erase(b.suites.begin());
    a.summary.duration = 2s;
    b.run.started = a.run.started + 1s;
    b.run.host = "probe2.lab.test";
    b.summary.duration = 10s;
    return {a, b};
}

TEST(MergeRecords, CombinesShardsIntoOneRun) {
    auto [a, b] = shards();
    b.summary.incomplete = true;
    auto m = merge_records({{"a.json", a}, {"b.json", b}});
    EXPECT_EQ(m.results.size(), 8u);
    EXPECT_EQ(m.results[0].suite, "mx-baseline");
    EXPECT_EQ(m.results[7].check_id, "no-plaintext-auth");
    EXPECT_EQ(m.suites.size(), 2u);
    EXPECT_EQ(m.run.started, a.run.started);
    EXPECT_EQ(m.summary.duration, 11s);  // earliest start to latest end
    EXPECT_EQ(m.run.host, "probe.lab.test, probe2.lab.test");
    EXPECT_EQ(m.run.version, "0.1.0");
    EXPECT_TRUE(m.summary.incomplete);
    EXPECT_EQ(m.summary.counts[Status::fail], 2u);
}

TEST(MergeRecords, ShardsOfOneSuiteAddTheirPlannedCounts) {
    auto a = sample_run(), b = sample_run();
    a.results.resize(4);
    b.results.erase(b.results.begin(), b.results.begin() + 4);
    auto m = merge_records({{"a.json", a}, {"b.json", b}});
    EXPECT_EQ(m.suites[0].planned, 10u);
    EXPECT_EQ(m.results.size(), 8u);
}

TEST(MergeRecords, TheSameResultTwiceIsAnError) {
    auto rec = sample_run();
    try {
        merge_records({{"a.json", rec}, {"again.json", rec}});
        ADD_FAILURE() << "merged a file with itself";
    } catch (const MergeError& e) {
        EXPECT_STREQ(e.what(),
                     "result mx-baseline: banner-is-esmtp @ inside is in both a.json and "
                     "again.json");
    }
}

TEST(Replay, SendsSuitesThenTheirResults) {
    struct Log : Reporter {
        std::string events;
        void run_begin(const RunInfo&) override { events += "B"; }
        void suite_begin(const SuiteInfo& s) override { events += "[" + s.name; }
        void result(const Result&) override { events += "."; }
        void suite_end(const SuiteInfo&) override { events += "]"; }
        void run_end(const RunSummary& s) override { events += s.incomplete ? "E!" : "E"; }
    } log;
    replay(sample_run(), log);
    EXPECT_EQ(log.events, "B[mx-baseline.....][submission...]E");
}

}  // namespace
}  // namespace mailspec::reports
