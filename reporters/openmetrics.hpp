#pragma once
// OpenMetrics text (https://openmetrics.io, what Prometheus scrapes) for one probe of
// `mailspec serve`: the results of a suite run against one host, as blackbox_exporter-style
// gauges. docs/serve.md lists every series.

#include <chrono>
#include <string>
#include <vector>

#include "model/result.hpp"

namespace mailspec::reports {

struct ProbeMetrics {
    std::string suite;   // the suite's own name (label "suite")
    std::string target;  // the host probed (label "target")
    std::vector<Result> results;
    std::chrono::nanoseconds duration{0};
    bool incomplete = false;  // the probe's timeout ended it before every check did
};

// mailspec_check_status{...,status} (1 for the result's status, 0 for the others),
// mailspec_check_duration_seconds, mailspec_tls_cert_not_after_seconds, mailspec_tls_info,
// mailspec_probe_success, mailspec_probe_duration_seconds, mailspec_probe_results; "# EOF".
std::string render_openmetrics(const ProbeMetrics& p);

// A label value as OpenMetrics writes it: backslash, double quote and newline escaped, bytes
// that are not UTF-8 shown visibly (text_format.hpp visible()).
std::string label_value(std::string_view v);

inline constexpr const char* kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

}  // namespace mailspec::reports
