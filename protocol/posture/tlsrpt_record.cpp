#include "protocol/posture/tlsrpt_record.hpp"

#include "protocol/posture/tag_list.hpp"

namespace mailspec::posture {

bool is_tlsrpt_record(std::string_view txt) {
    auto l = parse_tag_list(txt);
    if (!l.tags.empty()) return l.tags[0].first == "v" && l.tags[0].second == "TLSRPTv1";
    while (!txt.empty() && (txt.front() == ' ' || txt.front() == '\t'))
        txt.remove_prefix(1);
    return txt.substr(0, 11) == "v=TLSRPTv1;" || txt == "v=TLSRPTv1";
}

TlsRptRecord parse_tlsrpt_record(std::string_view txt) {
    TlsRptRecord r;
    auto l = parse_tag_list(txt);
    if (!l.ok()) {
        r.errors.push_back("tag list: " + l.error);
        return r;
    }
    if (l.tags.empty() || l.tags[0].first != "v" || l.tags[0].second != "TLSRPTv1")
        r.errors.push_back("v=TLSRPTv1 is not the first tag (RFC 8460 §3)");
    const std::string* rua = l.find("rua");
    if (!rua) {
        r.errors.push_back("rua= is missing (RFC 8460 §3: required)");
        return r;
    }
    for (const auto& item : split_commas(*rua)) {
        auto u = parse_report_uri(item, false);
        if (u.ok() && u.scheme != "mailto" && u.scheme != "https")
            u.error = "scheme '" + u.scheme + ":' is not mailto: or https: (RFC 8460 §3)";
        r.rua.push_back(std::move(u));
    }
    if (r.rua.empty()) r.errors.push_back("rua= lists no URI");
    return r;
}

}  // namespace mailspec::posture
