#include "transport/load/load_report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "protocol/base64.hpp"
#include "protocol/text.hpp"

namespace mailspec::load {

std::string_view to_string(Phase p) {
    switch (p) {
        case Phase::connect:
            return "connect";
        case Phase::greeting:
            return "greeting";
        case Phase::ehlo:
            return "ehlo";
        case Phase::tls:
            return "tls";
        case Phase::auth:
            return "auth";
        case Phase::mail:
            return "mail";
        case Phase::data:
            return "data";
        case Phase::count_:
            break;
    }
    return "?";
}

void LoadReport::add(const LoadReport& o) {
    messages_ok += o.messages_ok;
    messages_failed += o.messages_failed;
    connections += o.connections;
    bytes_ok += o.bytes_ok;
    tls_handshakes += o.tls_handshakes;
    tls_resumed += o.tls_resumed;
    elapsed = std::max(elapsed, o.elapsed);
    interrupted = interrupted || o.interrupted;
    for (std::size_t i = 0; i < kPhases; ++i)
        phases[i].merge(o.phases[i]);
    for (const auto& [what, n] : o.errors)
        errors[what] += n;
}

double LoadReport::messages_per_second() const {
    return elapsed.count() > 0 ? static_cast<double>(messages_ok) / elapsed.count() : 0.0;
}

double LoadReport::bytes_per_second() const {
    return elapsed.count() > 0 ? static_cast<double>(bytes_ok) / elapsed.count() : 0.0;
}

nlohmann::json to_json(const LoadReport& r) {
    nlohmann::json j;
    j["messages_ok"] = r.messages_ok;
    j["messages_failed"] = r.messages_failed;
    j["connections"] = r.connections;
    j["bytes_ok"] = r.bytes_ok;
    j["tls_handshakes"] = r.tls_handshakes;
    j["tls_resumed"] = r.tls_resumed;
    j["elapsed_s"] = r.elapsed.count();
    j["messages_per_s"] = r.messages_per_second();
    j["bytes_per_s"] = r.bytes_per_second();
    j["interrupted"] = r.interrupted;
    auto& phases = j["latency_us"] = nlohmann::json::object();
    for (std::size_t i = 0; i < kPhases; ++i) {
        const auto& h = r.phases[i];
        if (h.count() == 0) continue;
        phases[std::string(to_string(static_cast<Phase>(i)))] = {{"count", h.count()},
                                                                 {"p50", h.percentile(50).count()},
                                                                 {"p90", h.percentile(90).count()},
                                                                 {"p99", h.percentile(99).count()},
                                                                 {"max", h.max().count()},
                                                                 {"mean", h.mean_us()}};
    }
    // An error names what the server answered, which may be any bytes: the readable names in
    // "errors", and, when one is not UTF-8, the exact ones in "errors_base64" ([name, count]
    // pairs), as every JSON of mailspec keeps bytes (docs/reports.md).
    nlohmann::json errors = nlohmann::json::object(), exact = nlohmann::json::array();
    bool all_text = true;
    for (const auto& [what, n] : r.errors) {
        auto& slot = errors[text::is_valid_utf8(what) ? what : text::escape(what)];
        slot = (slot.is_null() ? 0 : slot.get<std::uint64_t>()) + n;
        exact.push_back(nlohmann::json::array({base64::encode(what), n}));
        all_text = all_text && text::is_valid_utf8(what);
    }
    j["errors"] = std::move(errors);
    if (!all_text) j["errors_base64"] = std::move(exact);
    return j;
}

namespace {
std::string ms(std::chrono::microseconds us) {
    return fmt::format("{:.2f}", static_cast<double>(us.count()) / 1000.0);
}
}  // namespace

std::string to_text(const LoadReport& r) {
    std::string out = fmt::format(
        "{} messages accepted, {} failed, {} connections in {:.2f} s{}\n"
        "{:.1f} messages/s, {:.1f} KiB/s\n",
        r.messages_ok, r.messages_failed, r.connections, r.elapsed.count(),
        r.interrupted ? " (interrupted)" : "", r.messages_per_second(),
        r.bytes_per_second() / 1024.0);
    if (r.tls_handshakes > 0)
        out += fmt::format("{} TLS handshakes, {} resumed\n", r.tls_handshakes, r.tls_resumed);
    out += fmt::format("{:<10}{:>9}{:>10}{:>10}{:>10}{:>10}   (ms)\n", "phase", "count", "p50",
                       "p90", "p99", "max");
    for (std::size_t i = 0; i < kPhases; ++i) {
        const auto& h = r.phases[i];
        if (h.count() == 0) continue;
        out += fmt::format("{:<10}{:>9}{:>10}{:>10}{:>10}{:>10}\n",
                           to_string(static_cast<Phase>(i)), h.count(), ms(h.percentile(50)),
                           ms(h.percentile(90)), ms(h.percentile(99)), ms(h.max()));
    }
    if (!r.errors.empty()) {
        out += "errors:\n";
        for (const auto& [what, n] : r.errors)
            out += fmt::format("  {:>8}  {}\n", n, text::escape(what));  // may quote a reply
    }
    return out;
}

}  // namespace mailspec::load
