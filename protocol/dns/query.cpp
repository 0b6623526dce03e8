#include "protocol/dns/query.hpp"

namespace mailspec::dns {

namespace {

void put16(std::vector<std::uint8_t>& m, std::uint16_t v) {
    m.push_back(static_cast<std::uint8_t>(v >> 8));
    m.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

}  // namespace

std::optional<std::vector<std::uint8_t>> build_query(const Question& q, std::uint16_t id) {
    if (!is_valid_domain_name(q.name)) return std::nullopt;
    std::vector<std::uint8_t> m;
    put16(m, id);
    // Flags: RD (0x0100), CD (0x0010).
    put16(m, static_cast<std::uint16_t>(0x0100 | (q.checking_disabled ? 0x0010 : 0)));
    put16(m, 1);                 // QDCOUNT
    put16(m, 0);                 // ANCOUNT
    put16(m, 0);                 // NSCOUNT
    put16(m, q.dnssec ? 1 : 0);  // ARCOUNT: the OPT record
    std::string_view name = q.name;
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    while (!name.empty()) {
        auto dot = name.find('.');
        auto label = name.substr(0, dot);
        m.push_back(static_cast<std::uint8_t>(label.size()));
        m.insert(m.end(), label.begin(), label.end());
        name = dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    }
    m.push_back(0);
    put16(m, static_cast<std::uint16_t>(q.type));
    put16(m, 1);  // class IN
    if (q.dnssec) {
        m.push_back(0);    // root owner
        put16(m, 41);      // OPT
        put16(m, 1232);    // requester's UDP payload size (DNS flag day 2020)
        put16(m, 0);       // extended RCODE, version 0
        put16(m, 0x8000);  // DO
        put16(m, 0);       // no options
    }
    return m;
}

}  // namespace mailspec::dns
