#pragma once
// ports: which TCP ports of the target's host a vantage reaches, like an admin's nmap run.
//   ports: { open: [25, 465, 587, 993], closed: [110, 3306], expect_banner: { 25: "^220 " } }
// Every listed port is tried concurrently (within the target's max_connections and delay),
// each within connect_timeout and all within the check's timeout. States: open (connected),
// closed (refused: RST), filtered (no answer, unreachable). The target's own port is unused.

#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check.hpp"

namespace mailspec {

enum class PortState { open, closed, filtered };

std::string_view to_string(PortState s);

// How a failed connect reads as a port state: refused is closed; a timeout, an unreachable
// network or host is filtered; nullopt for failures that say nothing about the port (no
// socket, unusable source address, proxy down), which make the check an error.
std::optional<PortState> port_state_of_failure(bool timed_out, std::string_view reason);

struct PortBanner {
    std::string pattern;  // as written, for messages
    std::regex re;
};

class PortsCheck final : public Check {
  public:
    std::map<std::uint16_t, PortState> expect;    // port -> expected state
    std::map<std::uint16_t, PortBanner> banners;  // only for ports expected open
    Millis connect_timeout{3000};

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
