#include "checks/relay_variants.hpp"

namespace mailspec {

const std::vector<std::string_view>& relay_variant_names() {
    static const std::vector<std::string_view> names{
        "plain",
        "null-sender",
        "local-sender",
        "ip-literal-sender",
        "percent-ip",
        "percent-host",
        "quoted",
        "quoted-percent",
        "double-at-ip",
        "double-at-host",
        "quoted-at-ip",
        "source-route-ip",
        "source-route-host",
        "bang",
        "bang-at-ip",
        "bang-at-host",
    };
    return names;
}

RelayVariant make_relay_variant(std::string_view name, const RelayAddresses& a,
                                std::string& why_not) {
    auto at = a.rcpt.rfind('@');
    const std::string user = at == std::string::npos ? a.rcpt : a.rcpt.substr(0, at);
    const std::string dom = at == std::string::npos ? "" : a.rcpt.substr(at + 1);
    const std::string sender_user = a.sender.substr(0, a.sender.rfind('@'));
    const std::string ip = "[" + a.ip + "]";
    const std::string& host = a.local_domain;
    const bool needs_ip = name.find("-ip") != std::string_view::npos;
    if (needs_ip && a.ip.empty()) {
        why_not = "the server's IP address is unknown (the target host is a name): set relay.ip";
        return {};
    }
    RelayVariant v{std::string(name), a.sender, a.rcpt};
    if (name == "plain") return v;
    if (name == "null-sender")
        v.mail_from = "";
    else if (name == "local-sender")
        // postmaster exists in every domain (RFC 5321 §4.5.1): a server that verifies local
        // senders (Exim) cannot refuse it as unknown, so only its relay policy speaks.
        v.mail_from = "postmaster@" + host;
    else if (name == "ip-literal-sender")
        v.mail_from = sender_user + "@" + ip;
    else if (name == "percent-ip")
        v.rcpt_to = user + "%" + dom + "@" + ip;
    else if (name == "percent-host")
        v.rcpt_to = user + "%" + dom + "@" + host;
    else if (name == "quoted")
        v.rcpt_to = "\"" + user + "@" + dom + "\"";
    else if (name == "quoted-percent")
        v.rcpt_to = "\"" + user + "%" + dom + "\"";
    else if (name == "double-at-ip")
        v.rcpt_to = user + "@" + dom + "@" + ip;
    else if (name == "double-at-host")
        v.rcpt_to = user + "@" + dom + "@" + host;
    else if (name == "quoted-at-ip")
        v.rcpt_to = "\"" + user + "@" + dom + "\"@" + ip;
    else if (name == "source-route-ip")
        v.rcpt_to = "@" + ip + ":" + user + "@" + dom;
    else if (name == "source-route-host")
        v.rcpt_to = "@" + host + ":" + user + "@" + dom;
    else if (name == "bang")
        v.rcpt_to = dom + "!" + user;
    else if (name == "bang-at-ip")
        v.rcpt_to = dom + "!" + user + "@" + ip;
    else if (name == "bang-at-host")
        v.rcpt_to = dom + "!" + user + "@" + host;
    else {
        why_not = "unknown relay variant '" + std::string(name) + "'";
        return {};
    }
    return v;
}

}  // namespace mailspec
