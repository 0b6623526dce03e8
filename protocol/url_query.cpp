#include "protocol/url_query.hpp"

#include "protocol/text.hpp"

namespace mailspec::url {

namespace {

std::optional<std::string> decode(std::string_view s, std::string& why) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%') {
            const int hi = i + 2 < s.size() ? text::hex_value(s[i + 1]) : -1;
            const int lo = i + 2 < s.size() ? text::hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                why = "bad percent escape in the query";
                return std::nullopt;
            }
            const char c = static_cast<char>(hi * 16 + lo);
            if (c == '\0') {
                why = "NUL in the query";
                return std::nullopt;
            }
            out += c;
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

std::pair<std::string_view, std::string_view> split_target(std::string_view target) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return {target, {}};
    return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_query(std::string_view q,
                                                                            std::string& why) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!q.empty()) {
        const auto amp = q.find('&');
        const std::string_view part = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        if (part.empty()) continue;
        const auto eq = part.find('=');
        auto name = decode(part.substr(0, eq), why);
        auto value =
            decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), why);
        if (!name || !value) return std::nullopt;
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

}  // namespace mailspec::url
