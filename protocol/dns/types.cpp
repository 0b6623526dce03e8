#include "protocol/dns/types.hpp"

namespace mailspec::dns {

std::string_view to_string(RrType t) {
    switch (t) {
        case RrType::a:
            return "A";
        case RrType::cname:
            return "CNAME";
        case RrType::ptr:
            return "PTR";
        case RrType::mx:
            return "MX";
        case RrType::txt:
            return "TXT";
        case RrType::aaaa:
            return "AAAA";
        case RrType::tlsa:
            return "TLSA";
    }
    return "?";
}

std::string_view to_string(Status s) {
    switch (s) {
        case Status::ok:
            return "ok";
        case Status::nxdomain:
            return "nxdomain";
        case Status::nodata:
            return "nodata";
        case Status::servfail:
            return "servfail";
        case Status::refused:
            return "refused";
        case Status::timeout:
            return "timeout";
        case Status::error:
            return "error";
    }
    return "?";
}

std::size_t Answer::record_count() const {
    return addresses.size() + mx.size() + texts.size() + names.size() + tlsa.size();
}

std::vector<std::string> Answer::record_strings() const {
    std::vector<std::string> out;
    for (const auto& a : addresses)
        out.push_back(a.to_string());
    for (const auto& m : mx)
        out.push_back(std::to_string(m.preference) + " " + m.exchange);
    for (const auto& t : texts)
        out.push_back("\"" + t + "\"");
    for (const auto& n : names)
        out.push_back(n);
    static const char* hex = "0123456789abcdef";
    for (const auto& t : tlsa) {
        std::string s = std::to_string(t.usage) + " " + std::to_string(t.selector) + " " +
                        std::to_string(t.matching_type) + " ";
        for (auto b : t.data) {
            s += hex[b >> 4];
            s += hex[b & 0xf];
        }
        out.push_back(std::move(s));
    }
    return out;
}

Answer Answer::with_status(Status s, std::string detail) {
    Answer a;
    a.status = s;
    a.detail = std::move(detail);
    return a;
}

bool is_valid_domain_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    std::size_t start = 0;
    for (;;) {
        auto pos = name.find('.', start);
        auto len = (pos == std::string_view::npos ? name.size() : pos) - start;
        if (len == 0 || len > 63) return false;
        if (pos == std::string_view::npos) return true;
        start = pos + 1;
    }
}

}  // namespace mailspec::dns
