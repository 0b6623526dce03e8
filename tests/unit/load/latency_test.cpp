#include "transport/load/latency.hpp"

#include <gtest/gtest.h>

namespace mailspec::load {
namespace {

using us = std::chrono::microseconds;

TEST(LoadLatency, EmptyHistogramReportsZero) {
    LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(50), us(0));
    EXPECT_EQ(h.max(), us(0));
}

TEST(LoadLatency, SmallValuesAreExactNearestRank) {
    LatencyHistogram h;
    for (int v = 1; v <= 100; ++v)
        h.record(us(v));
    EXPECT_EQ(h.count(), 100u);
    EXPECT_EQ(h.percentile(50), us(50));
    EXPECT_EQ(h.percentile(90), us(90));
    EXPECT_EQ(h.percentile(99), us(99));
    EXPECT_EQ(h.percentile(100), us(100));
    EXPECT_EQ(h.percentile(0), us(1));
    EXPECT_EQ(h.min(), us(1));
    EXPECT_DOUBLE_EQ(h.mean_us(), 50.5);
}

TEST(LoadLatency, LargeValuesStayWithinTheBucketPrecision) {
    LatencyHistogram h;
    for (int i = 0; i < 99; ++i)
        h.record(us(1000));
    h.record(us(2'000'000));
    // 1000 us falls in a bucket at most 1/64 wide, reported by its upper bound.
    EXPECT_GE(h.percentile(50).count(), 1000);
    EXPECT_LE(h.percentile(50).count(), 1000 + 1000 / 64);
    EXPECT_EQ(h.percentile(99), h.percentile(50));
    EXPECT_EQ(h.percentile(100), us(2'000'000));  // the maximum is exact
    EXPECT_EQ(h.max(), us(2'000'000));
}

TEST(LoadLatency, MergeAddsSamples) {
    LatencyHistogram a, b;
    a.record(us(10));
    b.record(us(20));
    b.record(us(30));
    a.merge(b);
    EXPECT_EQ(a.count(), 3u);
    EXPECT_EQ(a.percentile(50), us(20));
    EXPECT_EQ(a.max(), us(30));
    EXPECT_EQ(a.min(), us(10));
}

TEST(LoadLatency, HugeAndNegativeValuesDoNotOverflow) {
    LatencyHistogram h;
    h.record(us(-5));
    h.record(us(INT64_MAX / 2));
    EXPECT_EQ(h.count(), 2u);
    EXPECT_EQ(h.percentile(1), us(0));
    EXPECT_EQ(h.percentile(100), us(INT64_MAX / 2));
}

}  // namespace
}  // namespace mailspec::load
