#include "protocol/dns/ip_address.hpp"

#include "protocol/text.hpp"

#include <vector>

namespace mailspec::dns {

namespace {

const char* const kHex = "0123456789abcdef";

// Splits on `sep`, keeping empty fields.
std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        auto pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

}  // namespace

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> b) {
    IpAddress a;
    a.family_ = Family::v4;
    for (std::size_t i = 0; i < 4; ++i)
        a.bytes_[i] = b[i];
    return a;
}

IpAddress IpAddress::v6(std::array<std::uint8_t, 16> b) {
    IpAddress a;
    a.family_ = Family::v6;
    a.bytes_ = b;
    return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.find(':') != std::string_view::npos) return parse_v6(text);
    return parse_v4(text);
}

std::optional<IpAddress> IpAddress::parse_v4(std::string_view text) {
    auto parts = split(text, '.');
    if (parts.size() != 4) return std::nullopt;
    std::array<std::uint8_t, 4> b{};
    for (std::size_t i = 0; i < 4; ++i) {
        auto p = parts[i];
        // Decimal only, 1-3 digits, no leading zeros (they would read as octal elsewhere).
        if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
        unsigned v = 0;
        for (char c : p) {
            if (c < '0' || c > '9') return std::nullopt;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (v > 255) return std::nullopt;
        b[i] = static_cast<std::uint8_t>(v);
    }
    return v4(b);
}

std::optional<IpAddress> IpAddress::parse_v6(std::string_view text) {
    // Parse into up to 8 groups on each side of an optional "::".
    std::vector<std::uint16_t> head, tail;
    bool compressed = false;
    std::string_view rest = text;
    auto dc = text.find("::");
    if (dc != std::string_view::npos) {
        compressed = true;
        if (text.find("::", dc + 1) != std::string_view::npos) return std::nullopt;
    }
    auto parse_groups = [](std::string_view s, std::vector<std::uint16_t>& out,
                           bool allow_v4_tail) -> bool {
        if (s.empty()) return true;
        auto parts = split(s, ':');
        for (std::size_t i = 0; i < parts.size(); ++i) {
            auto p = parts[i];
            if (allow_v4_tail && i + 1 == parts.size() && p.find('.') != std::string_view::npos) {
                auto v4 = IpAddress::parse_v4(p);
                if (!v4) return false;
                out.push_back(static_cast<std::uint16_t>(v4->data()[0] << 8 | v4->data()[1]));
                out.push_back(static_cast<std::uint16_t>(v4->data()[2] << 8 | v4->data()[3]));
                continue;
            }
            if (p.empty() || p.size() > 4) return false;
            unsigned v = 0;
            for (char c : p) {
                int h = text::hex_value(c);
                if (h < 0) return false;
                v = v * 16 + static_cast<unsigned>(h);
            }
            out.push_back(static_cast<std::uint16_t>(v));
        }
        return true;
    };
    if (compressed) {
        if (!parse_groups(rest.substr(0, dc), head, false)) return std::nullopt;
        if (!parse_groups(rest.substr(dc + 2), tail, true)) return std::nullopt;
        if (head.size() + tail.size() > 7) return std::nullopt;
    } else {
        if (!parse_groups(rest, head, true)) return std::nullopt;
        if (head.size() != 8) return std::nullopt;
    }
    std::array<std::uint8_t, 16> b{};
    for (std::size_t i = 0; i < head.size(); ++i) {
        b[2 * i] = static_cast<std::uint8_t>(head[i] >> 8);
        b[2 * i + 1] = static_cast<std::uint8_t>(head[i] & 0xff);
    }
    std::size_t off = 8 - tail.size();
    for (std::size_t i = 0; i < tail.size(); ++i) {
        b[2 * (off + i)] = static_cast<std::uint8_t>(tail[i] >> 8);
        b[2 * (off + i) + 1] = static_cast<std::uint8_t>(tail[i] & 0xff);
    }
    return v6(b);
}

bool IpAddress::is_v4_mapped() const {
    if (!is_v6()) return false;
    for (std::size_t i = 0; i < 10; ++i)
        if (bytes_[i] != 0) return false;
    return bytes_[10] == 0xff && bytes_[11] == 0xff;
}

IpAddress IpAddress::unmapped() const {
    if (!is_v4_mapped()) return *this;
    return v4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

bool IpAddress::in_network(const IpAddress& network, unsigned prefix) const {
    if (family_ != network.family_) return false;
    unsigned bits = static_cast<unsigned>(size() * 8);
    if (prefix > bits) prefix = bits;
    std::size_t full = prefix / 8;
    for (std::size_t i = 0; i < full; ++i)
        if (bytes_[i] != network.bytes_[i]) return false;
    unsigned rem = prefix % 8;
    if (rem == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xff << (8 - rem));
    return (bytes_[full] & mask) == (network.bytes_[full] & mask);
}

std::string IpAddress::to_string() const {
    if (is_v4()) {
        return std::to_string(bytes_[0]) + "." + std::to_string(bytes_[1]) + "." +
               std::to_string(bytes_[2]) + "." + std::to_string(bytes_[3]);
    }
    std::array<unsigned, 8> g{};
    for (std::size_t i = 0; i < 8; ++i)
        g[i] = static_cast<unsigned>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]);
    // RFC 5952 §4.2: compress the longest run (>= 2) of zero groups, the first one on ties.
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (g[static_cast<std::size_t>(i)] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && g[static_cast<std::size_t>(j)] == 0)
            ++j;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    if (best_len < 2) best = -1;
    if (is_v4_mapped()) {
        return "::ffff:" + unmapped().to_string();
    }
    std::string out;
    auto hex = [](unsigned v) {
        std::string s;
        do {
            s.insert(s.begin(), kHex[v & 0xf]);
            v >>= 4;
        } while (v);
        return s;
    };
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        out += hex(g[static_cast<std::size_t>(i)]);
    }
    return out;
}

std::string IpAddress::dotted() const {
    if (is_v4()) return to_string();
    std::string out;
    for (std::size_t i = 0; i < 16; ++i) {
        if (!out.empty()) out += '.';
        out += kHex[bytes_[i] >> 4];
        out += '.';
        out += kHex[bytes_[i] & 0xf];
    }
    return out;
}

std::string IpAddress::reverse_labels() const {
    std::string out;
    if (is_v4()) {
        for (int i = 3; i >= 0; --i) {
            if (!out.empty()) out += '.';
            out += std::to_string(bytes_[static_cast<std::size_t>(i)]);
        }
        return out;
    }
    for (int i = 15; i >= 0; --i) {
        if (!out.empty()) out += '.';
        out += kHex[bytes_[static_cast<std::size_t>(i)] & 0xf];
        out += '.';
        out += kHex[bytes_[static_cast<std::size_t>(i)] >> 4];
    }
    return out;
}

std::string IpAddress::reverse_name() const {
    return reverse_labels() + (is_v4() ? ".in-addr.arpa" : ".ip6.arpa");
}

}  // namespace mailspec::dns
