#include "protocol/posture/sts_policy.hpp"

#include "protocol/posture/tag_list.hpp"

namespace mailspec::posture {

namespace {
std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return o;
}
std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}
std::string_view without_dot(std::string_view s) {
    if (!s.empty() && s.back() == '.') s.remove_suffix(1);
    return s;
}
}  // namespace

StsPolicy parse_sts_policy(std::string_view text) {
    StsPolicy p;
    std::size_t pos = 0;
    unsigned line_no = 0;
    bool seen_version = false, seen_mode = false;
    while (pos < text.size()) {
        auto nl = text.find('\n', pos);
        std::string_view line =
            text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;
        line = trim(line);
        if (line.empty()) continue;
        auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            p.errors.push_back("line " + std::to_string(line_no) + " '" + std::string(line) +
                               "' is not key: value (RFC 8461 §3.2)");
            continue;
        }
        std::string key(trim(line.substr(0, colon)));
        std::string value(trim(line.substr(colon + 1)));
        if (key == "version") {
            if (seen_version) p.errors.push_back("version appears twice");
            seen_version = true;
            p.version = value;
        } else if (key == "mode") {
            if (seen_mode) p.errors.push_back("mode appears twice");
            seen_mode = true;
            p.mode = value;
        } else if (key == "max_age") {
            bool digits = !value.empty() && value.size() <= 10;
            for (char c : value)
                digits = digits && c >= '0' && c <= '9';
            if (!digits) {
                p.errors.push_back("max_age: " + value + " is not a number of seconds");
            } else {
                p.max_age = std::stoll(value);
                if (*p.max_age > kStsMaxAge)
                    p.errors.push_back("max_age: " + value +
                                       " is above 31557600 (one year, RFC 8461 §3.2)");
            }
        } else if (key == "mx") {
            p.mx.push_back(lower(value));
        }
    }
    if (p.version.empty())
        p.errors.push_back("version: is missing (RFC 8461 §3.2)");
    else if (p.version != "STSv1")
        p.errors.push_back("version: " + p.version + " is not STSv1");
    if (p.mode.empty())
        p.errors.push_back("mode: is missing (RFC 8461 §3.2)");
    else if (p.mode != "enforce" && p.mode != "testing" && p.mode != "none")
        p.errors.push_back("mode: " + p.mode + " is not enforce, testing or none");
    if (!p.max_age) p.errors.push_back("max_age: is missing (RFC 8461 §3.2)");
    if (p.mx.empty() && p.mode != "none")
        p.errors.push_back("no mx: line (RFC 8461 §3.2: required unless mode is none)");
    return p;
}

bool sts_mx_matches(std::string_view pattern, std::string_view host) {
    std::string pat = lower(without_dot(pattern)), h = lower(without_dot(host));
    if (pat.size() > 2 && pat[0] == '*' && pat[1] == '.') {
        std::string_view suffix = std::string_view(pat).substr(1);  // ".example.com"
        if (h.size() <= suffix.size()) return false;
        if (h.compare(h.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
        std::string_view label = std::string_view(h).substr(0, h.size() - suffix.size());
        return !label.empty() && label.find('.') == std::string_view::npos;
    }
    return pat == h;
}

bool is_sts_txt_record(std::string_view txt) {
    auto l = parse_tag_list(txt);
    if (!l.tags.empty()) return l.tags[0].first == "v" && l.tags[0].second == "STSv1";
    return trim(txt).substr(0, 8) == "v=STSv1;" || trim(txt) == "v=STSv1";
}

StsTxtRecord parse_sts_txt_record(std::string_view txt) {
    StsTxtRecord r;
    auto l = parse_tag_list(txt);
    if (!l.ok()) {
        r.errors.push_back("tag list: " + l.error);
        return r;
    }
    if (l.tags.empty() || l.tags[0].first != "v" || l.tags[0].second != "STSv1")
        r.errors.push_back("v=STSv1 is not the first tag (RFC 8461 §3.1)");
    const auto* id = l.find("id");
    if (!id) {
        r.errors.push_back("id= is missing (RFC 8461 §3.1)");
        return r;
    }
    r.id = *id;
    bool ok = !id->empty() && id->size() <= 32;
    for (char c : *id)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    if (!ok) r.errors.push_back("id=" + *id + " is not 1-32 letters and digits (RFC 8461 §3.1)");
    return r;
}

}  // namespace mailspec::posture
