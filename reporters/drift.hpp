#pragma once
// Drift between two baselines (`mailspec diff`): every fact that changed, classified
// regression / improvement / neutral by what it means for the server's security — a lost
// STARTTLS or AUTH newly offered before TLS is a regression, a renewed certificate neutral, a
// higher TLS version an improvement. Pure: baselines in, changes out.

#include <string>
#include <vector>

#include "reporters/baseline.hpp"

namespace mailspec::reports {

enum class DriftClass { regression, improvement, neutral };
std::string_view to_string(DriftClass c);

struct Change {
    std::string endpoint, vantage;
    std::string fact;           // "starttls", "tls.version", ... or "surface" (seen / gone)
    std::string before, after;  // empty: absent
    DriftClass cls = DriftClass::neutral;
    std::string why;  // "STARTTLS no longer offered"
};

// Changes in (endpoint, vantage, fact) order. A surface only in `current` is neutral (a new
// target); one only in `base` is a regression (the server no longer answers from there).
std::vector<Change> diff_baselines(const Baseline& base, const Baseline& current);

std::size_t count_class(const std::vector<Change>& changes, DriftClass c);

std::string render_drift_text(const std::vector<Change>& changes);
std::string render_drift_json(const std::vector<Change>& changes);

}  // namespace mailspec::reports
