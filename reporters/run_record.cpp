#include "reporters/run_record.hpp"

#include <algorithm>

namespace mailspec::reports {

std::map<Status, std::size_t> count_statuses(const std::vector<Result>& results) {
    std::map<Status, std::size_t> counts{{Status::pass, 0},
                                         {Status::fail, 0},
                                         {Status::error, 0},
                                         {Status::skip, 0},
                                         {Status::inconclusive, 0}};
    for (auto& r : results)
        ++counts[r.status];
    return counts;
}

std::vector<std::string> suite_order(const RunRecord& rec) {
    std::vector<std::string> names;
    auto add = [&](const std::string& n) {
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    };
    for (auto& s : rec.suites)
        add(s.name);
    for (auto& r : rec.results)
        add(r.suite);
    return names;
}

void CollectingReporter::run_begin(const RunInfo& info) {
    record_.run = info;
}

void CollectingReporter::suite_begin(const SuiteInfo& suite) {
    for (auto& s : record_.suites)
        if (s.name == suite.name) return;  // the same suite announced twice (e.g. shards)
    record_.suites.push_back(suite);
}

void CollectingReporter::result(const Result& r) {
    record_.results.push_back(r);
}

void CollectingReporter::run_end(const RunSummary& summary) {
    record_.summary = summary;
    finish(record_);
}

}  // namespace mailspec::reports
