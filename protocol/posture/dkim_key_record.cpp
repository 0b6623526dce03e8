#include "protocol/posture/dkim_key_record.hpp"

#include "protocol/base64.hpp"
#include "protocol/posture/tag_list.hpp"

namespace mailspec::posture {

DkimKeyRecord parse_dkim_key_record(std::string_view txt) {
    DkimKeyRecord r;
    auto l = parse_tag_list(txt);
    if (!l.ok()) {
        r.errors.push_back("tag list: " + l.error);
        return r;
    }
    if (const auto* v = l.find("v")) {
        if (l.tags[0].first != "v")
            r.errors.push_back("v= is not the first tag (RFC 6376 §3.6.1)");
        else if (*v != "DKIM1")
            r.errors.push_back("v=" + *v + " is not DKIM1");
    }
    if (const auto* k = l.find("k")) {
        r.key_type = *k;
        for (auto& c : r.key_type)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (r.key_type != "rsa" && r.key_type != "ed25519")
            r.errors.push_back("k=" + *k + " is not rsa or ed25519 (RFC 6376, RFC 8463)");
    }
    if (const auto* h = l.find("h")) r.hashes = *h;
    if (const auto* t = l.find("t")) r.flags = *t;
    const auto* p = l.find("p");
    if (!p) {
        r.errors.push_back("p= is missing (RFC 6376 §3.6.1: required)");
        return r;
    }
    std::string b64;
    for (char c : *p)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') b64 += c;  // FWS inside p=
    if (b64.empty()) {
        r.revoked = true;
        return r;
    }
    auto d = base64::decode(b64);
    if (const auto* e = std::get_if<base64::DecodeError>(&d)) {
        r.errors.push_back("p= is not base64 at offset " + std::to_string(e->offset) + ": " +
                           e->reason);
        return r;
    }
    r.key = std::get<std::string>(std::move(d));
    return r;
}

}  // namespace mailspec::posture
