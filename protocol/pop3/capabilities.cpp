#include "protocol/pop3/capabilities.hpp"

#include <charconv>

#include "protocol/text.hpp"

namespace mailspec::pop3 {

namespace {

std::optional<std::uint64_t> number(std::string_view s) {
    std::uint64_t v = 0;
    if (s.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

bool Capabilities::has(std::string_view name) const {
    for (const auto& l : lines_) {
        auto w = text::split_words(l);
        if (!w.empty() && text::iequals(w[0], name)) return true;
    }
    return false;
}

std::vector<std::string> Capabilities::args(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& l : lines_) {
        auto w = text::split_words(l);
        if (w.empty() || !text::iequals(w[0], name)) continue;
        for (std::size_t i = 1; i < w.size(); ++i)
            out.emplace_back(w[i]);
    }
    return out;
}

bool Capabilities::has_sasl(std::string_view mechanism) const {
    for (const auto& m : args("SASL"))
        if (text::iequals(m, mechanism)) return true;
    return false;
}

std::optional<std::string> Capabilities::implementation() const {
    for (const auto& l : lines_) {
        std::string_view v = text::trim(l);
        if (!text::istarts_with(v, "IMPLEMENTATION")) continue;
        v.remove_prefix(14);
        if (!v.empty() && v[0] != ' ' && v[0] != '\t') continue;
        return std::string(text::trim(v));
    }
    return std::nullopt;
}

std::optional<std::string> apop_timestamp(std::string_view greeting_text) {
    auto open = greeting_text.find('<');
    if (open == std::string_view::npos) return std::nullopt;
    auto close = greeting_text.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view ts = greeting_text.substr(open, close - open + 1);
    // RFC 1939 requires a msg-id: "<" ... "@" ... ">", no blanks.
    if (ts.find('@') == std::string_view::npos) return std::nullopt;
    if (ts.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
    return std::string(ts);
}

std::optional<Maildrop> parse_stat(std::string_view ok_text) {
    auto w = text::split_words(ok_text);
    if (w.size() < 2) return std::nullopt;
    auto n = number(w[0]);
    auto o = number(w[1]);
    if (!n || !o) return std::nullopt;
    return Maildrop{*n, *o};
}

std::optional<ScanListing> parse_scan_listing(std::string_view line) {
    auto m = parse_stat(line);
    if (!m) return std::nullopt;
    return ScanListing{m->messages, m->octets};
}

std::optional<UniqueId> parse_unique_id(std::string_view line) {
    auto w = text::split_words(line);
    if (w.size() != 2) return std::nullopt;
    auto n = number(w[0]);
    if (!n) return std::nullopt;
    return UniqueId{*n, std::string(w[1])};
}

}  // namespace mailspec::pop3
