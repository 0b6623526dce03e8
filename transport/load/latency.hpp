#pragma once
// Latency distribution of one phase of a load run (connect, greeting, TLS, ...), kept in a
// fixed log-linear histogram so memory stays constant however long the run is: values below
// 128 us are exact, larger ones fall in buckets at most 1/64 (1.6 %) wide. Percentiles report
// a bucket's upper bound, never less than the true value; the maximum is exact.

#include <array>
#include <chrono>
#include <cstdint>

namespace mailspec::load {

class LatencyHistogram {
  public:
    void record(std::chrono::microseconds value);
    void merge(const LatencyHistogram& other);

    std::uint64_t count() const { return count_; }
    std::chrono::microseconds max() const { return std::chrono::microseconds(max_); }
    std::chrono::microseconds min() const { return std::chrono::microseconds(count_ ? min_ : 0); }
    double mean_us() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
    // p in [0, 100]: the smallest recorded bucket bound at or above p percent of the samples
    // (nearest-rank); 0 when nothing was recorded. percentile(100) == max().
    std::chrono::microseconds percentile(double p) const;

  private:
    static constexpr int kSubBits = 6;  // 64 linear sub-buckets per power of two
    static constexpr int kSub = 1 << kSubBits;
    static constexpr int kBuckets = (64 - kSubBits + 1) * kSub;
    static std::size_t index_of(std::uint64_t v);
    static std::uint64_t upper_bound_of(std::size_t index);

    std::array<std::uint32_t, kBuckets> buckets_{};
    std::uint64_t count_ = 0, sum_ = 0, max_ = 0, min_ = UINT64_MAX;
};

}  // namespace mailspec::load
