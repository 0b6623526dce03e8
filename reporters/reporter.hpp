#pragma once
// Streaming reporter interface. Events arrive in this order: run_begin, then for each suite
// suite_begin ... result* ... suite_end (suites may interleave when they run concurrently),
// then run_end exactly once (also when the run was interrupted: summary.incomplete).
// Reporters see only the result model, never the runner or checks.

#include "model/result.hpp"

namespace mailspec {

class Reporter {
  public:
    virtual ~Reporter() = default;
    virtual void run_begin(const RunInfo&) {}
    virtual void suite_begin(const SuiteInfo&) {}
    virtual void result(const Result&) = 0;
    virtual void suite_end(const SuiteInfo&) {}
    virtual void run_end(const RunSummary&) {}
    // Not an event: the runner may call it (e.g. from a 250 ms timer) while checks run, so
    // reporters with a live display (the console's progress line) can refresh it.
    virtual void tick() {}
};

}  // namespace mailspec
