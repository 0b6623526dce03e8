#include "protocol/dns/message.hpp"

#include <optional>
#include <string>

namespace mailspec::dns {

namespace {

class Reader {
  public:
    explicit Reader(std::span<const std::uint8_t> m) : m_(m) {}

    bool u8(std::size_t at, std::uint8_t& v) const {
        if (at >= m_.size()) return false;
        v = m_[at];
        return true;
    }
    bool u16(std::size_t at, std::uint16_t& v) const {
        if (at + 2 > m_.size()) return false;
        v = static_cast<std::uint16_t>(m_[at] << 8 | m_[at + 1]);
        return true;
    }
    std::size_t size() const { return m_.size(); }
    std::span<const std::uint8_t> bytes(std::size_t at, std::size_t n) const {
        return m_.subspan(at, n);
    }

    // Reads a possibly compressed name at `at`; sets `next` to the offset after it in place.
    std::optional<std::string> name(std::size_t at, std::size_t& next) const {
        std::string out;
        bool jumped = false;
        int hops = 0;
        std::size_t pos = at;
        for (;;) {
            std::uint8_t len = 0;
            if (!u8(pos, len)) return std::nullopt;
            if ((len & 0xC0) == 0xC0) {
                std::uint8_t lo = 0;
                if (!u8(pos + 1, lo)) return std::nullopt;
                if (!jumped) next = pos + 2;
                jumped = true;
                // Bounded hops: a pointer loop in a hostile reply must not spin forever.
                if (++hops > 64) return std::nullopt;
                pos = static_cast<std::size_t>((len & 0x3F) << 8 | lo);
                continue;
            }
            if (len & 0xC0) return std::nullopt;  // reserved label types
            if (len == 0) {
                if (!jumped) next = pos + 1;
                return out;
            }
            if (pos + 1 + len > m_.size()) return std::nullopt;
            if (!out.empty()) out += '.';
            out.append(reinterpret_cast<const char*>(m_.data() + pos + 1), len);
            if (out.size() > 255) return std::nullopt;
            pos += 1 + len;
        }
    }

  private:
    std::span<const std::uint8_t> m_;
};

Answer fail(Status s, std::string why) {
    return Answer::with_status(s, std::move(why));
}

}  // namespace

Answer parse_response(std::span<const std::uint8_t> message, RrType type) {
    Reader r(message);
    std::uint16_t flags = 0, qd = 0, an = 0;
    if (!r.u16(2, flags) || !r.u16(4, qd) || !r.u16(6, an))
        return fail(Status::error, "short header");
    if (!(flags & 0x8000)) return fail(Status::error, "not a response");
    switch (flags & 0x000F) {
        case 0:
            break;
        case 2:
            return fail(Status::servfail, "SERVFAIL");
        case 3: {
            // A validated NXDOMAIN (AD) is a proven absence: DANE tells it from an insecure one.
            auto nx = fail(Status::nxdomain, "NXDOMAIN");
            nx.authentic_data = (flags & 0x0020) != 0;
            return nx;
        }
        case 5:
            return fail(Status::refused, "REFUSED");
        default:
            return fail(Status::error, "RCODE " + std::to_string(flags & 0x000F));
    }
    std::size_t pos = 12;
    for (unsigned i = 0; i < qd; ++i) {
        std::size_t next = 0;
        if (!r.name(pos, next)) return fail(Status::error, "bad question name");
        pos = next + 4;
    }
    Answer out;
    out.authentic_data = (flags & 0x0020) != 0;
    for (unsigned i = 0; i < an; ++i) {
        std::size_t next = 0;
        if (!r.name(pos, next)) return fail(Status::error, "bad answer name");
        std::uint16_t rtype = 0, rclass = 0, rdlen = 0;
        if (!r.u16(next, rtype) || !r.u16(next + 2, rclass) || !r.u16(next + 8, rdlen))
            return fail(Status::error, "truncated record");
        std::size_t rd = next + 10;
        if (rd + rdlen > r.size()) return fail(Status::error, "truncated rdata");
        pos = rd + rdlen;
        if (rtype != static_cast<std::uint16_t>(type) || rclass != 1) continue;
        auto data = r.bytes(rd, rdlen);
        switch (type) {
            case RrType::a:
                if (rdlen != 4) return fail(Status::error, "bad A rdata");
                out.addresses.push_back(IpAddress::v4({data[0], data[1], data[2], data[3]}));
                break;
            case RrType::aaaa: {
                if (rdlen != 16) return fail(Status::error, "bad AAAA rdata");
                std::array<std::uint8_t, 16> b{};
                for (std::size_t k = 0; k < 16; ++k)
                    b[k] = data[k];
                out.addresses.push_back(IpAddress::v6(b));
                break;
            }
            case RrType::mx: {
                std::uint16_t pref = 0;
                std::size_t after = 0;
                auto name = r.u16(rd, pref) ? r.name(rd + 2, after) : std::nullopt;
                if (!name) return fail(Status::error, "bad MX rdata");
                out.mx.push_back({pref, *name});
                break;
            }
            case RrType::ptr:
            case RrType::cname: {
                std::size_t after = 0;
                auto name = r.name(rd, after);
                if (!name) return fail(Status::error, "bad name rdata");
                out.names.push_back(*name);
                break;
            }
            case RrType::txt: {
                // RFC 7208 §3.3: the character-strings of one TXT record are concatenated
                // without adding spaces.
                std::string joined;
                std::size_t k = 0;
                while (k < data.size()) {
                    std::size_t len = data[k];
                    if (k + 1 + len > data.size()) return fail(Status::error, "bad TXT rdata");
                    joined.append(reinterpret_cast<const char*>(data.data() + k + 1), len);
                    k += 1 + len;
                }
                out.texts.push_back(std::move(joined));
                break;
            }
            case RrType::tlsa: {
                if (rdlen < 3) return fail(Status::error, "bad TLSA rdata");
                TlsaRecord t{data[0], data[1], data[2], {data.begin() + 3, data.end()}};
                out.tlsa.push_back(std::move(t));
                break;
            }
        }
    }
    if (out.record_count() == 0) out.status = Status::nodata;
    if (out.status == Status::nodata && out.authentic_data) out.detail = "no records (secure)";
    return out;
}

}  // namespace mailspec::dns
