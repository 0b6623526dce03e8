#include "protocol/posture/report_uri.hpp"

#include "protocol/dns/types.hpp"

namespace mailspec::posture {

namespace {
std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return o;
}
std::string_view without_dot(std::string_view s) {
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return s;
}
std::string last_two_labels(std::string_view s) {
    s = without_dot(s);
    auto p = s.rfind('.');
    if (p == std::string_view::npos || p == 0) return lower(s);
    auto q = s.rfind('.', p - 1);
    return lower(q == std::string_view::npos ? s : s.substr(q + 1));
}
}  // namespace

ReportUri parse_report_uri(std::string_view text, bool allow_size) {
    ReportUri u;
    u.text = std::string(text);
    std::string_view s = text;
    if (allow_size) {
        // RFC 7489 §6.2: "!" is not allowed in the URI itself, so the last one starts the size.
        if (auto bang = s.rfind('!'); bang != std::string_view::npos) {
            u.size = std::string(s.substr(bang + 1));
            s = s.substr(0, bang);
            bool digits = !u.size.empty();
            std::size_t n = 0;
            while (n < u.size.size() && u.size[n] >= '0' && u.size[n] <= '9')
                ++n;
            if (n == 0 || u.size.size() > n + 1 ||
                (u.size.size() == n + 1 && std::string_view("kmgt").find(static_cast<char>(
                                               u.size[n] | 0x20)) == std::string_view::npos))
                digits = false;
            if (!digits) {
                u.error = "size limit '!" + u.size + "' is not a number with k/m/g/t";
                return u;
            }
        }
    }
    auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        u.error = "not a URI (no scheme)";
        return u;
    }
    u.scheme = lower(s.substr(0, colon));
    std::string_view rest = s.substr(colon + 1);
    if (u.scheme == "mailto") {
        auto q = rest.find('?');  // RFC 6068 headers are allowed but meaningless here
        std::string_view addr = rest.substr(0, q);
        auto at = addr.rfind('@');
        if (at == std::string_view::npos || at == 0 || at + 1 == addr.size()) {
            u.error = "mailto: address '" + std::string(addr) + "' is not local@domain";
            return u;
        }
        u.domain = lower(without_dot(addr.substr(at + 1)));
        if (!dns::is_valid_domain_name(u.domain) || u.domain.find('.') == std::string::npos) {
            u.error = "mailto: domain '" + u.domain + "' is not a domain name";
            return u;
        }
        return u;
    }
    if (u.scheme == "https") {
        if (rest.substr(0, 2) != "//") {
            u.error = "https: URI without //host";
            return u;
        }
        rest.remove_prefix(2);
        auto end = rest.find_first_of("/?#");
        std::string_view host = rest.substr(0, end);
        if (auto c = host.rfind(':'); c != std::string_view::npos) host = host.substr(0, c);
        u.domain = lower(without_dot(host));
        if (!dns::is_valid_domain_name(u.domain) || u.domain.find('.') == std::string::npos) {
            u.error = "https: host '" + u.domain + "' is not a domain name";
            return u;
        }
        return u;
    }
    u.error = "scheme '" + u.scheme + ":' is not mailto: or https:";
    return u;
}

bool same_organisation(std::string_view domain, std::string_view dest) {
    std::string d = lower(without_dot(domain)), r = lower(without_dot(dest));
    if (d == r) return true;
    if (r.size() > d.size() && r.compare(r.size() - d.size(), d.size(), d) == 0 &&
        r[r.size() - d.size() - 1] == '.')
        return true;
    if (d.size() > r.size() && d.compare(d.size() - r.size(), r.size(), r) == 0 &&
        d[d.size() - r.size() - 1] == '.')
        return true;
    return last_two_labels(d) == last_two_labels(r);
}

}  // namespace mailspec::posture
