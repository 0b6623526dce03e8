#include "protocol/posture/dmarc_record.hpp"

#include "protocol/posture/tag_list.hpp"

namespace mailspec::posture {

namespace {
std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return o;
}
}  // namespace

std::string_view to_string(DmarcPolicy p) {
    switch (p) {
        case DmarcPolicy::none:
            return "none";
        case DmarcPolicy::quarantine:
            return "quarantine";
        case DmarcPolicy::reject:
            return "reject";
    }
    return "?";
}

std::optional<DmarcPolicy> parse_dmarc_policy(std::string_view word) {
    auto w = lower(word);
    if (w == "none") return DmarcPolicy::none;
    if (w == "quarantine") return DmarcPolicy::quarantine;
    if (w == "reject") return DmarcPolicy::reject;
    return std::nullopt;
}

bool is_dmarc_record(std::string_view txt) {
    auto l = parse_tag_list(txt);
    // Even a malformed list is a DMARC record when it starts with the version tag, so that its
    // errors are reported rather than the record being called missing.
    if (!l.tags.empty()) return l.tags[0].first == "v" && l.tags[0].second == "DMARC1";
    std::string_view s = txt;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s.substr(0, 8) == "v=DMARC1";
}

DmarcRecord parse_dmarc_record(std::string_view txt) {
    DmarcRecord r;
    auto l = parse_tag_list(txt);
    if (!l.ok()) {
        r.errors.push_back("tag list: " + l.error);
        return r;
    }
    if (l.tags.empty() || l.tags[0].first != "v" || l.tags[0].second != "DMARC1")
        r.errors.push_back("v=DMARC1 is not the first tag (RFC 7489 §6.4)");
    for (const auto& [name, value] : l.tags) {
        const std::string k = lower(name);
        if (k == "p" || k == "sp") {
            auto pol = parse_dmarc_policy(value);
            if (!pol)
                r.errors.push_back(k + "=" + value + " is not none, quarantine or reject");
            else
                (k == "p" ? r.p : r.sp) = pol;
        } else if (k == "adkim" || k == "aspf") {
            auto v = lower(value);
            if (v != "r" && v != "s")
                r.errors.push_back(k + "=" + value + " is not r or s");
            else
                (k == "adkim" ? r.adkim : r.aspf) = v[0];
        } else if (k == "pct") {
            bool digits = !value.empty() && value.size() <= 3;
            for (char c : value)
                digits = digits && c >= '0' && c <= '9';
            int n = digits ? std::stoi(value) : -1;
            if (n < 0 || n > 100)
                r.errors.push_back("pct=" + value + " is not 0-100");
            else
                r.pct = n;
        } else if (k == "rua" || k == "ruf") {
            auto& list = k == "rua" ? r.rua : r.ruf;
            for (const auto& item : split_commas(value))
                list.push_back(parse_report_uri(item, true));
            if (list.empty()) r.errors.push_back(k + "= lists no URI");
        }
    }
    if (!r.p) {
        bool reported = false;
        for (const auto& e : r.errors)
            reported = reported || e.rfind("p=", 0) == 0;
        if (!reported) r.errors.push_back("p= is missing (RFC 7489 §6.3: required)");
    }
    return r;
}

}  // namespace mailspec::posture
