#pragma once
// What a load run measured: counts, per-phase latency histograms and errors by reply code.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "transport/load/latency.hpp"

namespace mailspec::load {

// Phases of an SMTP session a load run times. mail = MAIL FROM sent -> its reply;
// data = DATA sent -> reply to the final dot (the message transfer included).
enum class Phase { connect, greeting, ehlo, tls, auth, mail, data, count_ };
constexpr std::size_t kPhases = static_cast<std::size_t>(Phase::count_);
std::string_view to_string(Phase p);

struct LoadReport {
    std::uint64_t messages_ok = 0;      // 250 to the final dot
    std::uint64_t messages_failed = 0;  // anything else (rejections, I/O errors, timeouts)
    std::uint64_t connections = 0;      // opened (TCP connect succeeded)
    std::uint64_t bytes_ok = 0;         // message octets of accepted messages
    std::uint64_t tls_handshakes = 0;   // STARTTLS handshakes completed
    std::uint64_t tls_resumed = 0;      // of which resumed an earlier session (no certificate)
    std::chrono::duration<double> elapsed{0};
    bool interrupted = false;
    std::array<LatencyHistogram, kPhases> phases;
    // "RCPT 550", "connect: Connection refused", "timeout in greeting", ... -> count
    std::map<std::string, std::uint64_t> errors;

    LatencyHistogram& phase(Phase p) { return phases[static_cast<std::size_t>(p)]; }
    const LatencyHistogram& phase(Phase p) const { return phases[static_cast<std::size_t>(p)]; }
    // Adds the figures of a run that went on at the same time (another --threads part):
    // counts, histograms and errors summed, elapsed the longer of the two.
    void add(const LoadReport& other);
    double messages_per_second() const;
    double bytes_per_second() const;
};

nlohmann::json to_json(const LoadReport& r);
// Human-readable summary, several lines, ends in a newline.
std::string to_text(const LoadReport& r);

}  // namespace mailspec::load
