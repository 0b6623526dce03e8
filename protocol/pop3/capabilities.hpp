#pragma once
// Parsers for the payloads of POP3 responses: CAPA lines (RFC 2449), the APOP timestamp of the
// greeting (RFC 1939 §7), STAT, LIST and UIDL listings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec::pop3 {

class Capabilities {
  public:
    Capabilities() = default;
    explicit Capabilities(std::vector<std::string> lines) : lines_(std::move(lines)) {}

    // Capability names are case-insensitive ("STLS", "USER", "TOP", "UIDL", "PIPELINING", ...).
    bool has(std::string_view name) const;
    // The words after the name: args("SASL") -> {"PLAIN", "LOGIN"}.
    std::vector<std::string> args(std::string_view name) const;
    bool has_sasl(std::string_view mechanism) const;
    std::optional<std::string> implementation() const;  // free text after IMPLEMENTATION
    const std::vector<std::string>& lines() const { return lines_; }
    bool empty() const { return lines_.empty(); }

  private:
    std::vector<std::string> lines_;
};

// "<1896.697170952@dbc.mtview.ca.us>" out of a greeting's text, angle brackets included.
std::optional<std::string> apop_timestamp(std::string_view greeting_text);

struct Maildrop {
    std::uint64_t messages = 0;
    std::uint64_t octets = 0;
};
std::optional<Maildrop> parse_stat(std::string_view ok_text);  // "2 320"

struct ScanListing {
    std::uint64_t message = 0;
    std::uint64_t octets = 0;
};
std::optional<ScanListing> parse_scan_listing(std::string_view line);  // "1 503"

struct UniqueId {
    std::uint64_t message = 0;
    std::string uid;
};
std::optional<UniqueId> parse_unique_id(std::string_view line);  // "1 whqtswO00WBw418f9t5JxYwZ"

}  // namespace mailspec::pop3
