#include "protocol/posture/mx_rules.hpp"

#include "protocol/dns/ip_address.hpp"

namespace mailspec::posture {

namespace {
bool is_root(std::string_view name) {
    return name.empty() || name == ".";
}
}  // namespace

NullMx classify_null_mx(const std::vector<dns::MxRecord>& mx) {
    bool any_root = false;
    for (const auto& r : mx)
        any_root = any_root || is_root(r.exchange);
    if (!any_root) return NullMx::absent;
    if (mx.size() == 1 && mx[0].preference == 0) return NullMx::valid;
    return NullMx::mixed;
}

bool is_address_literal(std::string_view exchange) {
    std::string_view s = exchange;
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']') {
        s = s.substr(1, s.size() - 2);
        if (s.size() > 5 && (s.substr(0, 5) == "IPv6:" || s.substr(0, 5) == "ipv6:"))
            s.remove_prefix(5);
    }
    return dns::IpAddress::parse(s).has_value();
}

}  // namespace mailspec::posture
