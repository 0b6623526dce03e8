#pragma once
// capabilities: what EHLO advertises, in plaintext and after STARTTLS.
//   capabilities: { has: [STARTTLS, PIPELINING], lacks: [AUTH], size: { min: 10485760 },
//                   after_tls: { has: ["AUTH PLAIN"] } }
// An item "AUTH PLAIN" means: keyword AUTH, offering the parameter PLAIN.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "protocol/smtp/capabilities.hpp"

namespace mailspec {

struct CapabilityRules {
    std::vector<std::string> has;
    std::vector<std::string> lacks;
    std::optional<std::uint64_t> size_min;
    std::optional<std::uint64_t> size_max;
    bool empty() const { return has.empty() && lacks.empty() && !size_min && !size_max; }
};

// Every way `caps` breaks `rules`, one line each ("lacks STARTTLS", "offers AUTH PLAIN"...).
std::vector<std::string> capability_problems(const CapabilityRules& rules,
                                             const smtp::Capabilities& caps);
// "PIPELINING, SIZE 10240000, STARTTLS" — what the server advertised.
std::string describe_capabilities(const smtp::Capabilities& caps);
std::string describe_rules(const CapabilityRules& rules);

class CapabilitiesCheck final : public Check {
  public:
    CapabilityRules plain;                     // first EHLO (inside TLS on implicit-TLS targets)
    std::optional<CapabilityRules> after_tls;  // EHLO again after STARTTLS
    bool tls_verify = true;

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
