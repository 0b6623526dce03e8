#include "reporters/merge.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace mailspec::reports {

namespace {

void join_distinct(std::string& acc, const std::string& value) {
    if (value.empty()) return;
    std::string_view a = acc;
    std::size_t start = 0;
    while (start <= a.size()) {  // acc is a ", "-separated list
        std::size_t end = a.find(", ", start);
        if (a.substr(start, end == std::string_view::npos ? end : end - start) == value) return;
        if (end == std::string_view::npos) break;
        start = end + 2;
    }
    acc = acc.empty() ? value : acc + ", " + value;
}

}  // namespace

RunRecord merge_records(const std::vector<std::pair<std::string, RunRecord>>& inputs) {
    RunRecord out;
    if (inputs.empty()) return out;
    using Key = std::tuple<std::string, std::string, std::string, std::string>;
    std::map<Key, std::string> seen;  // -> origin
    auto first_start = inputs.front().second.run.started;
    auto last_end = first_start;
    for (auto& [origin, rec] : inputs) {
        first_start = std::min(first_start, rec.run.started);
        last_end =
            std::max(last_end, rec.run.started +
                                   std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                       rec.summary.duration));
        join_distinct(out.run.version, rec.run.version);
        join_distinct(out.run.host, rec.run.host);
        out.summary.incomplete = out.summary.incomplete || rec.summary.incomplete;
        for (auto& s : rec.suites) {
            auto it = std::find_if(out.suites.begin(), out.suites.end(),
                                   [&](auto& o) { return o.name == s.name; });
            if (it == out.suites.end()) {
                out.suites.push_back(s);
            } else {
                it->planned += s.planned;
                if (it->file.empty()) it->file = s.file;
                if (it->description.empty()) it->description = s.description;
            }
        }
        for (auto& r : rec.results) {
            Key key{r.suite, r.check_id, r.variant, r.vantage};
            auto [it, fresh] = seen.emplace(key, origin);
            if (!fresh)
                throw MergeError("result " + r.suite + ": " + r.name() + " @ " + r.vantage +
                                 " is in both " + it->second + " and " + origin);
            out.results.push_back(r);
        }
    }
    out.run.started = first_start;
    out.summary.duration =
        std::chrono::duration_cast<std::chrono::nanoseconds>(last_end - first_start);
    out.summary.counts = count_statuses(out.results);
    return out;
}

void replay(const RunRecord& rec, Reporter& reporter) {
    reporter.run_begin(rec.run);
    auto names = suite_order(rec);
    for (auto& name : names) {
        SuiteInfo info;
        info.name = name;
        for (auto& s : rec.suites)
            if (s.name == name) info = s;
        reporter.suite_begin(info);
        for (auto& r : rec.results)
            if (r.suite == name) reporter.result(r);
        reporter.suite_end(info);
    }
    RunSummary summary = rec.summary;
    summary.counts = count_statuses(rec.results);
    reporter.run_end(summary);
}

}  // namespace mailspec::reports
