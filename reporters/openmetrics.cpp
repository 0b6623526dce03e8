#include "reporters/openmetrics.hpp"

#include <fmt/format.h>

#include <array>

#include "reporters/text_format.hpp"

namespace mailspec::reports {

namespace {

constexpr std::array<Status, 5> kStatuses{Status::pass, Status::fail, Status::error, Status::skip,
                                          Status::inconclusive};

std::string labels(const ProbeMetrics& p, const Result& r) {
    return fmt::format(
        "suite=\"{}\",check=\"{}\",variant=\"{}\",target=\"{}\",vantage=\"{}\",kind=\"{}\"",
        label_value(p.suite), label_value(r.check_id), label_value(r.variant),
        label_value(p.target), label_value(r.vantage), label_value(r.kind));
}

std::string number(double v) {
    return fmt::format("{}", v);
}

}  // namespace

std::string label_value(std::string_view v) {
    std::string out;
    for (char c : visible(v)) {
        if (c == '\\' || c == '"') out += '\\';
        out += c;
    }
    return out;
}

std::string render_openmetrics(const ProbeMetrics& p) {
    std::string out;
    out += "# TYPE mailspec_check_status gauge\n";
    out += "# HELP mailspec_check_status 1 for the status a check has now, 0 for the others.\n";
    for (const auto& r : p.results)
        for (auto s : kStatuses)
            out += fmt::format("mailspec_check_status{{{},status=\"{}\"}} {}\n", labels(p, r),
                               to_string(s), s == r.status ? 1 : 0);
    out += "# TYPE mailspec_check_duration_seconds gauge\n";
    out += "# UNIT mailspec_check_duration_seconds seconds\n";
    out += "# HELP mailspec_check_duration_seconds How long the check took.\n";
    for (const auto& r : p.results)
        out += fmt::format("mailspec_check_duration_seconds{{{}}} {}\n", labels(p, r),
                           number(std::chrono::duration<double>(r.duration).count()));
    std::string certs, tls;
    for (const auto& r : p.results) {
        if (auto it = r.properties.find("tls.not_after"); it != r.properties.end())
            if (auto t = parse_iso8601_utc(it->second))
                certs += fmt::format(
                    "mailspec_tls_cert_not_after_seconds{{{}}} {}\n", labels(p, r),
                    std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch())
                        .count());
        if (auto v = r.properties.find("tls.version"); v != r.properties.end()) {
            auto c = r.properties.find("tls.cipher");
            tls += fmt::format("mailspec_tls_info{{{},version=\"{}\",cipher=\"{}\"}} 1\n",
                               labels(p, r), label_value(v->second),
                               label_value(c == r.properties.end() ? "" : c->second));
        }
    }
    out += "# TYPE mailspec_tls_cert_not_after_seconds gauge\n";
    out += "# UNIT mailspec_tls_cert_not_after_seconds seconds\n";
    out +=
        "# HELP mailspec_tls_cert_not_after_seconds When the server's certificate expires (Unix "
        "time).\n";
    out += certs;
    out += "# TYPE mailspec_tls_info gauge\n";
    out += "# HELP mailspec_tls_info The TLS version and cipher a check negotiated.\n";
    out += tls;
    bool success = !p.incomplete;
    for (const auto& r : p.results)
        success = success && r.status != Status::fail && r.status != Status::error;
    const std::string probe =
        fmt::format("suite=\"{}\",target=\"{}\"", label_value(p.suite), label_value(p.target));
    out += "# TYPE mailspec_probe_success gauge\n";
    out +=
        "# HELP mailspec_probe_success 1 when no check failed or errored and the probe ended in "
        "time.\n";
    out += fmt::format("mailspec_probe_success{{{}}} {}\n", probe, success ? 1 : 0);
    out += "# TYPE mailspec_probe_duration_seconds gauge\n";
    out += "# UNIT mailspec_probe_duration_seconds seconds\n";
    out += "# HELP mailspec_probe_duration_seconds How long the probe took.\n";
    out += fmt::format("mailspec_probe_duration_seconds{{{}}} {}\n", probe,
                       number(std::chrono::duration<double>(p.duration).count()));
    out += "# TYPE mailspec_probe_results gauge\n";
    out += "# HELP mailspec_probe_results Results of the probe by status.\n";
    for (auto s : kStatuses) {
        std::size_t n = 0;
        for (const auto& r : p.results)
            n += r.status == s;
        out +=
            fmt::format("mailspec_probe_results{{{},status=\"{}\"}} {}\n", probe, to_string(s), n);
    }
    out += "# EOF\n";
    return out;
}

}  // namespace mailspec::reports
