#include "reporters/fanout_reporter.hpp"

#include <exception>

namespace mailspec::reports {

FanoutReporter::FanoutReporter(std::vector<std::unique_ptr<Reporter>> reporters)
    : reporters_(std::move(reporters)) {}

void FanoutReporter::add(std::unique_ptr<Reporter> r) {
    reporters_.push_back(std::move(r));
}

void FanoutReporter::run_begin(const RunInfo& info) {
    std::lock_guard lock(mutex_);
    for (auto& r : reporters_)
        r->run_begin(info);
}

void FanoutReporter::suite_begin(const SuiteInfo& suite) {
    std::lock_guard lock(mutex_);
    for (auto& r : reporters_)
        r->suite_begin(suite);
}

void FanoutReporter::result(const Result& res) {
    std::lock_guard lock(mutex_);
    for (auto& r : reporters_)
        r->result(res);
}

void FanoutReporter::suite_end(const SuiteInfo& suite) {
    std::lock_guard lock(mutex_);
    for (auto& r : reporters_)
        r->suite_end(suite);
}

void FanoutReporter::run_end(const RunSummary& summary) {
    std::lock_guard lock(mutex_);
    std::exception_ptr first;
    for (auto& r : reporters_) {
        try {
            r->run_end(summary);
        } catch (...) {
            if (!first) first = std::current_exception();
        }
    }
    if (first) std::rethrow_exception(first);
}

void FanoutReporter::tick() {
    std::lock_guard lock(mutex_);
    for (auto& r : reporters_)
        r->tick();
}

}  // namespace mailspec::reports
