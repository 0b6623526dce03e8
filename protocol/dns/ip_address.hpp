#pragma once
// An IPv4 or IPv6 address as plain bytes, with the text forms DNS and SPF need: parsing (RFC 4291
// §2.2 text forms, dotted quads), the RFC 5952 canonical text, the reverse-lookup names
// (in-addr.arpa / ip6.arpa nibbles) and CIDR prefix comparison. Standard library only.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailspec::dns {

class IpAddress {
  public:
    enum class Family { v4, v6 };

    IpAddress() = default;
    static IpAddress v4(std::array<std::uint8_t, 4> b);
    static IpAddress v6(std::array<std::uint8_t, 16> b);
    // Accepts "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1"; nullopt when malformed.
    static std::optional<IpAddress> parse(std::string_view text);
    static std::optional<IpAddress> parse_v4(std::string_view text);
    static std::optional<IpAddress> parse_v6(std::string_view text);

    Family family() const { return family_; }
    bool is_v4() const { return family_ == Family::v4; }
    bool is_v6() const { return family_ == Family::v6; }
    std::size_t size() const { return is_v4() ? 4 : 16; }
    const std::uint8_t* data() const { return bytes_.data(); }

    // ::ffff:a.b.c.d -> a.b.c.d (RFC 7208 §5: such clients are treated as IPv4).
    bool is_v4_mapped() const;
    IpAddress unmapped() const;

    // True when the first `prefix` bits equal those of `network` (same family required).
    bool in_network(const IpAddress& network, unsigned prefix) const;

    std::string to_string() const;  // dotted quad or RFC 5952 (lowercase, longest zero run "::")
    // "1.2.0.192" for 192.0.2.1; 32 dot-separated lowercase nibbles, reversed, for IPv6.
    std::string reverse_labels() const;
    // Dotted form used by the SPF "i" macro: dotted quad, or 32 dot-separated nibbles in order.
    std::string dotted() const;
    std::string reverse_name() const;  // reverse_labels() + ".in-addr.arpa" / ".ip6.arpa"

    friend bool operator==(const IpAddress&, const IpAddress&) = default;

  private:
    Family family_ = Family::v4;
    std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace mailspec::dns
