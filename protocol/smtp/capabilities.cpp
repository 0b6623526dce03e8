#include "protocol/smtp/capabilities.hpp"

#include <charconv>

#include "protocol/text.hpp"

namespace mailspec::smtp {

namespace {
constexpr std::string_view kAuthEquals = "AUTH=";
}

const Extension* Capabilities::find(std::string_view keyword) const {
    for (const auto& e : extensions)
        if (text::iequals(e.keyword, keyword)) return &e;
    // A server announcing only "AUTH=LOGIN" still offers AUTH: a "lacks AUTH" check must see it.
    if (text::iequals(keyword, "AUTH"))
        for (const auto& e : extensions)
            if (text::istarts_with(e.keyword, kAuthEquals)) return &e;
    return nullptr;
}

std::optional<std::uint64_t> Capabilities::size() const {
    const Extension* e = find("SIZE");
    if (!e) return std::nullopt;
    if (e->params.empty()) return 0;
    std::uint64_t n = 0;
    const auto& p = e->params.front();
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (ec != std::errc{} || ptr != p.data() + p.size()) return std::nullopt;
    return n;
}

std::vector<std::string> Capabilities::auth_mechanisms() const {
    std::vector<std::string> out;
    for (const auto& e : extensions) {
        if (e.keyword != "AUTH" && e.keyword.rfind(kAuthEquals, 0) != 0) continue;
        std::vector<std::string> names = e.params;
        if (e.keyword.size() > kAuthEquals.size())
            names.insert(names.begin(), e.keyword.substr(kAuthEquals.size()));
        for (auto& n : names) {
            std::string up = text::to_upper(n);
            bool seen = false;
            for (const auto& o : out)
                seen = seen || o == up;
            if (!seen) out.push_back(std::move(up));
        }
    }
    return out;
}

bool Capabilities::offers_auth(std::string_view mechanism) const {
    for (const auto& m : auth_mechanisms())
        if (text::iequals(m, mechanism)) return true;
    return false;
}

bool Capabilities::auth_equals_only() const {
    bool equals = false;
    for (const auto& e : extensions) {
        if (e.keyword == "AUTH") return false;
        equals = equals || e.keyword.rfind(kAuthEquals, 0) == 0;
    }
    return equals;
}

Capabilities Capabilities::parse(const Reply& reply) {
    Capabilities caps;
    if (reply.code != 250 || reply.lines.empty()) return caps;
    auto first = text::trim(reply.lines.front());
    auto sp = first.find(' ');
    caps.domain = std::string(first.substr(0, sp));
    if (sp != std::string_view::npos) caps.greeting = std::string(text::trim(first.substr(sp)));
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        auto words = text::split_words(reply.lines[i]);
        if (words.empty()) continue;
        Extension e;
        e.keyword = text::to_upper(words.front());
        // "AUTH=LOGIN PLAIN": keep the pre-standard keyword distinct, carrying its first
        // mechanism in the keyword (auth_mechanisms() reads both forms).
        for (std::size_t w = 1; w < words.size(); ++w)
            e.params.emplace_back(words[w]);
        e.line = reply.lines[i];
        caps.extensions.push_back(std::move(e));
    }
    return caps;
}

}  // namespace mailspec::smtp
