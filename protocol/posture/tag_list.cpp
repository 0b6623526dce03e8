#include "protocol/posture/tag_list.hpp"

namespace mailspec::posture {

namespace {
bool is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
std::string_view trim(std::string_view s) {
    while (!s.empty() && is_ws(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_ws(s.back()))
        s.remove_suffix(1);
    return s;
}
bool is_tag_name(std::string_view s) {
    if (s.empty()) return false;
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (!alpha(s[0])) return false;
    for (char c : s)
        if (!alpha(c) && !(c >= '0' && c <= '9') && c != '_') return false;
    return true;
}
}  // namespace

const std::string* TagList::find(std::string_view name) const {
    for (const auto& [k, v] : tags)
        if (k == name) return &v;
    return nullptr;
}

TagList parse_tag_list(std::string_view text) {
    TagList out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t semi = text.find(';', pos);
        std::string_view spec = trim(
            text.substr(pos, semi == std::string_view::npos ? std::string_view::npos : semi - pos));
        pos = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
        if (spec.empty()) {
            // Only the optional trailing ";" may leave an empty spec (RFC 6376 §3.2).
            if (pos <= text.size() && !trim(text.substr(pos)).empty()) {
                out.error = "empty tag between ';'";
                return out;
            }
            continue;
        }
        auto eq = spec.find('=');
        if (eq == std::string_view::npos) {
            out.error = "tag '" + std::string(spec) + "' has no '='";
            return out;
        }
        std::string name(trim(spec.substr(0, eq)));
        if (!is_tag_name(name)) {
            out.error = "'" + name + "' is not a tag name";
            return out;
        }
        if (out.find(name)) {
            out.error = "tag '" + name + "' appears twice";
            return out;
        }
        out.tags.emplace_back(std::move(name), std::string(trim(spec.substr(eq + 1))));
    }
    return out;
}

std::vector<std::string> split_commas(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto c = text.find(',', pos);
        auto item =
            trim(text.substr(pos, c == std::string_view::npos ? std::string_view::npos : c - pos));
        if (!item.empty()) out.emplace_back(item);
        if (c == std::string_view::npos) break;
        pos = c + 1;
    }
    return out;
}

}  // namespace mailspec::posture
