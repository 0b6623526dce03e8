#pragma once
// Builds DNS response messages byte by byte for tests: the decoder's unit tests and the fake
// UDP responder that exercises the c-ares resolver.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec::test {

class WireBuilder {
  public:
    // A response to `query` (a full DNS query message): same ID and question, QR set.
    static WireBuilder response_to(const std::vector<std::uint8_t>& query, int rcode) {
        WireBuilder b;
        std::size_t qend = 12;
        while (qend < query.size() && query[qend] != 0)
            qend += 1 + query[qend];
        qend += 5;  // root label + QTYPE + QCLASS
        b.msg_.assign(query.begin(),
                      query.begin() + static_cast<long>(std::min(qend, query.size())));
        b.msg_[2] = static_cast<std::uint8_t>(0x80 | (query[2] & 0x01));  // QR, keep RD
        b.msg_[3] = static_cast<std::uint8_t>(0x80 | rcode);              // RA
        b.set16(4, 1);
        b.set16(6, 0);
        b.set16(8, 0);
        b.set16(10, 0);
        return b;
    }
    // A response with one question for `name`/`type`, built from scratch.
    static WireBuilder response(std::string_view name, std::uint16_t type, int rcode) {
        WireBuilder b;
        b.msg_ = {0x12, 0x34, 0x81, static_cast<std::uint8_t>(0x80 | rcode), 0, 1, 0, 0, 0,
                  0,    0,    0};
        b.name(name);
        b.u16(type);
        b.u16(1);
        return b;
    }

    // Appends an answer record owned by the question name (compression pointer to offset 12).
    WireBuilder& answer(std::uint16_t type, const std::vector<std::uint8_t>& rdata) {
        u16(0xC00C);
        u16(type);
        u16(1);
        u16(0);
        u16(300);
        u16(static_cast<std::uint16_t>(rdata.size()));
        msg_.insert(msg_.end(), rdata.begin(), rdata.end());
        set16(6, static_cast<std::uint16_t>(get16(6) + 1));
        return *this;
    }
    // Appends a record with an explicit owner name (e.g. a CNAME chain).
    WireBuilder& answer_named(std::string_view owner, std::uint16_t type,
                              const std::vector<std::uint8_t>& rdata) {
        name(owner);
        u16(type);
        u16(1);
        u16(0);
        u16(300);
        u16(static_cast<std::uint16_t>(rdata.size()));
        msg_.insert(msg_.end(), rdata.begin(), rdata.end());
        set16(6, static_cast<std::uint16_t>(get16(6) + 1));
        return *this;
    }

    static std::vector<std::uint8_t> encode_name(std::string_view n) {
        std::vector<std::uint8_t> out;
        while (!n.empty()) {
            auto dot = n.find('.');
            auto label = n.substr(0, dot);
            out.push_back(static_cast<std::uint8_t>(label.size()));
            out.insert(out.end(), label.begin(), label.end());
            if (dot == std::string_view::npos) break;
            n.remove_prefix(dot + 1);
        }
        out.push_back(0);
        return out;
    }
    static std::vector<std::uint8_t> txt(const std::vector<std::string>& strings) {
        std::vector<std::uint8_t> out;
        for (const auto& s : strings) {
            out.push_back(static_cast<std::uint8_t>(s.size()));
            out.insert(out.end(), s.begin(), s.end());
        }
        return out;
    }
    static std::vector<std::uint8_t> mx(std::uint16_t pref, std::string_view host) {
        std::vector<std::uint8_t> out{static_cast<std::uint8_t>(pref >> 8),
                                      static_cast<std::uint8_t>(pref & 0xff)};
        auto n = encode_name(host);
        out.insert(out.end(), n.begin(), n.end());
        return out;
    }

    const std::vector<std::uint8_t>& bytes() const { return msg_; }

  private:
    void name(std::string_view n) {
        auto e = encode_name(n);
        msg_.insert(msg_.end(), e.begin(), e.end());
    }
    void u16(std::uint16_t v) {
        msg_.push_back(static_cast<std::uint8_t>(v >> 8));
        msg_.push_back(static_cast<std::uint8_t>(v & 0xff));
    }
    void set16(std::size_t at, std::uint16_t v) {
        msg_[at] = static_cast<std::uint8_t>(v >> 8);
        msg_[at + 1] = static_cast<std::uint8_t>(v & 0xff);
    }
    std::uint16_t get16(std::size_t at) const {
        return static_cast<std::uint16_t>(msg_[at] << 8 | msg_[at + 1]);
    }
    std::vector<std::uint8_t> msg_;
};

}  // namespace mailspec::test
