#include "transport/load/latency.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mailspec::load {

// Values below 2*kSub map to themselves; above, the top kSubBits+1 bits pick the bucket.
std::size_t LatencyHistogram::index_of(std::uint64_t v) {
    if (v < 2 * kSub) return static_cast<std::size_t>(v);
    int msb = 63 - std::countl_zero(v);  // >= kSubBits + 1
    int shift = msb - kSubBits;
    auto sub = static_cast<std::size_t>((v >> shift) - kSub);  // 0..kSub-1
    auto idx = static_cast<std::size_t>(shift + 1) * kSub + sub;
    return std::min<std::size_t>(idx, kBuckets - 1);
}

std::uint64_t LatencyHistogram::upper_bound_of(std::size_t index) {
    if (index < 2 * kSub) return index;
    auto shift = index / kSub - 1;
    auto sub = index % kSub;
    return ((kSub + sub + 1) << shift) - 1;
}

void LatencyHistogram::record(std::chrono::microseconds value) {
    auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(value.count(), 0));
    ++buckets_[index_of(v)];
    ++count_;
    sum_ += v;
    max_ = std::max(max_, v);
    min_ = std::min(min_, v);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < buckets_.size(); ++i)
        buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    max_ = std::max(max_, other.max_);
    min_ = std::min(min_, other.min_);
}

std::chrono::microseconds LatencyHistogram::percentile(double p) const {
    if (count_ == 0) return std::chrono::microseconds(0);
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::max<std::uint64_t>(rank, 1);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::chrono::microseconds(std::min(upper_bound_of(i), max_));
    }
    return std::chrono::microseconds(max_);
}

}  // namespace mailspec::load
