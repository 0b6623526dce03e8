#include "transport/load/load_options.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

namespace mailspec::load {

std::vector<std::string> validate(const LoadOptions& o) {
    std::vector<std::string> why;
    if (o.messages && o.duration) why.push_back("give --messages or --duration, not both");
    if (!o.messages && !o.duration) why.push_back("give --messages or --duration");
    if (o.messages && *o.messages == 0) why.push_back("--messages must be at least 1");
    if (o.duration && o.duration->count() <= 0) why.push_back("--duration must be positive");
    if (o.sessions == 0) why.push_back("--sessions must be at least 1");
    if (o.threads == 0) why.push_back("--threads must be at least 1");
    if (o.per_connection == 0) why.push_back("--per-connection must be at least 1");
    if (o.recipients == 0) why.push_back("--recipients must be at least 1");
    if (o.port == 0) why.push_back("--port must be 1-65535");
    if (o.starttls && o.tls_on_connect)
        why.push_back("--starttls and --tls-on-connect exclude each other");
    if ((o.insecure || !o.ca_file.empty()) && !o.starttls && !o.tls_on_connect)
        why.push_back("--insecure and --ca-file need --starttls or --tls-on-connect");
    if (o.insecure && !o.ca_file.empty())
        why.push_back("--insecure and --ca-file exclude each other");
    if (o.auth_user && o.password.empty())
        why.push_back("--auth needs a password from --password-env or --password-file");
    if (o.auth_user && o.auth_user->empty()) why.push_back("--auth needs a user name");
    for (const auto* a : {&o.from, &o.to, &o.helo})
        if (a->find_first_of("\r\n<> ") != std::string::npos)
            why.push_back("\"" + *a +
                          "\": addresses and names must not contain spaces, <>, CR or LF");
    if (o.to.find('@') == std::string::npos) why.push_back("--to needs an @");
    return why;
}

std::vector<LoadOptions> split(const LoadOptions& o) {
    std::size_t parts = std::max<std::size_t>(1, std::min(o.threads, o.sessions));
    if (o.messages) parts = static_cast<std::size_t>(std::min<std::uint64_t>(parts, *o.messages));
    std::vector<LoadOptions> out(parts, o);
    for (std::size_t i = 0; i < parts; ++i) {
        out[i].threads = 1;
        out[i].sessions = o.sessions / parts + (i < o.sessions % parts ? 1 : 0);
        if (o.messages) out[i].messages = *o.messages / parts + (i < *o.messages % parts ? 1 : 0);
    }
    return out;
}

bool is_private_address(const std::string& address) {
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(address, ec);
    if (ec) return false;
    if (a.is_v6()) {
        auto v6 = a.to_v6();
        if (v6.is_v4_mapped())
            return is_private_address(
                boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string());
        auto b = v6.to_bytes();
        return v6.is_loopback() || v6.is_link_local() || (b[0] & 0xfe) == 0xfc;
    }
    auto v = a.to_v4().to_uint();
    auto in = [v](std::uint32_t net, int bits) {
        return (v >> (32 - bits)) == (net >> (32 - bits));
    };
    return in(0x7f000000, 8) || in(0x0a000000, 8) || in(0xac100000, 12) || in(0xc0a80000, 16) ||
           in(0x64400000, 10) || in(0xa9fe0000, 16);
}

std::string make_message(const LoadOptions& o) {
    std::string m = "From: <" + o.from + ">\r\nTo: <" + o.to +
                    ">\r\nSubject: mailspec load test\r\nMessage-ID: <load@mailspec.test>\r\n\r\n";
    // Body lines of 78 octets ("xxx...\r\n"); the last one is shortened to hit the size.
    constexpr std::size_t kLine = 78;
    while (m.size() + 3 <= o.size) {  // room for at least "x\r\n"
        std::size_t n = std::min(kLine, o.size - m.size());
        if (o.size - m.size() - n > 0 && o.size - m.size() - n < 3) n -= 3;  // no tiny last line
        m.append(n - 2, 'x');
        m += "\r\n";
    }
    return m;
}

std::string recipient(const LoadOptions& o, std::size_t i) {
    if (o.recipients == 1) return o.to;
    auto at = o.to.find('@');
    return o.to.substr(0, at) + "+" + std::to_string(i + 1) + o.to.substr(at);
}

}  // namespace mailspec::load
