#include "protocol/socks5.hpp"

#include <cstdio>

namespace mailspec::socks5 {
namespace {

constexpr std::uint8_t version = 0x05;
constexpr std::uint8_t auth_version = 0x01;  // RFC 1929 subnegotiation
constexpr std::uint8_t method_none = 0x00;
constexpr std::uint8_t method_userpass = 0x02;
constexpr std::uint8_t method_refused = 0xFF;
constexpr std::uint8_t cmd_connect = 0x01;

std::string hex_byte(std::uint8_t b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", b);
    return buf;
}

std::string method_name(std::uint8_t m) {
    switch (m) {
        case method_none:
            return "no authentication";
        case 0x01:
            return "GSSAPI";
        case method_userpass:
            return "username/password";
        default:
            return m >= 0x80 ? "private method " + hex_byte(m) : "method " + hex_byte(m);
    }
}

std::uint8_t at(const std::string& s, std::size_t i) {
    return static_cast<std::uint8_t>(s[i]);
}

std::string ipv6_text(const std::string& b) {
    std::uint16_t g[8];
    for (int i = 0; i < 8; ++i)
        g[i] = static_cast<std::uint16_t>(at(b, 2 * i) << 8 | at(b, 2 * i + 1));
    // RFC 5952 §5: IPv4-mapped addresses keep their dotted quad.
    if (g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xFFFF)
        return "::ffff:" + Address{Address::Type::ipv4, b.substr(12)}.to_string();
    // RFC 5952 §4.2: the longest run (first if tied) of two or more zero groups becomes "::".
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && g[j] == 0)
            ++j;
        if (j - i > best_len) best = i, best_len = j - i;
        i = j == i ? i + 1 : j;
    }
    std::string out;
    char buf[8];
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        std::snprintf(buf, sizeof buf, "%x", g[i]);
        out += buf;
    }
    return out;
}

}  // namespace

std::string Address::to_string() const {
    switch (type) {
        case Type::ipv4:
            if (bytes.size() != 4) break;
            return std::to_string(at(bytes, 0)) + '.' + std::to_string(at(bytes, 1)) + '.' +
                   std::to_string(at(bytes, 2)) + '.' + std::to_string(at(bytes, 3));
        case Type::ipv6:
            if (bytes.size() != 16) break;
            return ipv6_text(bytes);
        case Type::domain: {
            // A name from the proxy may hold any byte; keep reports printable.
            std::string out;
            for (unsigned char c : bytes) {
                if (c > 0x20 && c < 0x7F)
                    out += static_cast<char>(c);
                else
                    out += "\\x" + hex_byte(c).substr(2);
            }
            return out;
        }
    }
    return "(invalid address)";
}

std::string Endpoint::to_string() const {
    std::string host = address.to_string();
    if (address.type == Address::Type::ipv6) host = '[' + host + ']';
    return host + ':' + std::to_string(port);
}

std::string_view reply_text(std::uint8_t rep) {
    switch (rep) {
        case 0x00:
            return "succeeded";
        case 0x01:
            return "general SOCKS server failure";
        case 0x02:
            return "connection not allowed by ruleset";
        case 0x03:
            return "network unreachable";
        case 0x04:
            return "host unreachable";
        case 0x05:
            return "connection refused";
        case 0x06:
            return "TTL expired";
        case 0x07:
            return "command not supported";
        case 0x08:
            return "address type not supported";
        default:
            return "unassigned reply code";
    }
}

Client::Client(Endpoint target, std::optional<UserPass> auth)
    : target_(std::move(target)), auth_(std::move(auth)) {}

Step Client::fail(Error e, std::string reason) {
    phase_ = Phase::failed;
    error_ = e;
    reason_ = std::move(reason);
    buf_.clear();
    Step s;
    s.state = Step::State::failed;
    return s;
}

Step Client::start() {
    if (phase_ != Phase::idle) return fail(Error::invalid_request, "start() called twice");
    const auto& a = target_.address;
    bool address_ok = a.type == Address::Type::domain
                          ? !a.bytes.empty() && a.bytes.size() <= 255
                          : a.bytes.size() == (a.type == Address::Type::ipv4 ? 4u : 16u);
    if (!address_ok)
        return fail(Error::invalid_request,
                    a.type == Address::Type::domain
                        ? "the target host name must be 1 to 255 octets for SOCKS5"
                        : "the target address has the wrong length");
    if (target_.port == 0) return fail(Error::invalid_request, "the target port is 0");
    if (auth_ && (auth_->username.empty() || auth_->username.size() > 255 ||
                  auth_->password.empty() || auth_->password.size() > 255))
        return fail(Error::invalid_request,
                    "SOCKS5 username and password must each be 1 to 255 octets (RFC 1929)");

    std::string greeting{static_cast<char>(version)};
    if (auth_) {
        greeting += '\x02';
        greeting += static_cast<char>(method_none);
        greeting += static_cast<char>(method_userpass);
    } else {
        greeting += '\x01';
        greeting += static_cast<char>(method_none);
    }
    phase_ = Phase::method;
    Step s;
    s.send = std::move(greeting);
    return s;
}

std::string Client::auth_request() const {
    std::string m{static_cast<char>(auth_version)};
    m += static_cast<char>(auth_->username.size());
    m += auth_->username;
    m += static_cast<char>(auth_->password.size());
    m += auth_->password;
    return m;
}

std::string Client::connect_request() const {
    std::string m{static_cast<char>(version), static_cast<char>(cmd_connect), '\0',
                  static_cast<char>(target_.address.type)};
    if (target_.address.type == Address::Type::domain)
        m += static_cast<char>(target_.address.bytes.size());
    m += target_.address.bytes;
    m += static_cast<char>(target_.port >> 8);
    m += static_cast<char>(target_.port & 0xFF);
    return m;
}

Step Client::feed(std::string_view received) {
    if (phase_ == Phase::connected) {
        Step s;
        s.state = Step::State::connected;
        s.leftover = std::string(received);
        return s;
    }
    if (phase_ == Phase::failed) return fail(error_, reason_);
    if (phase_ == Phase::idle) return fail(Error::invalid_request, "feed() before start()");
    buf_.append(received);
    return process({});
}

// Consumes every complete message in buf_. A real proxy answers one request at a time, but
// the codec does not rely on it: requests produced along the way are queued in `send`.
Step Client::process(std::string send) {
    Step out;
    while (true) {
        bool consumed = false;
        switch (phase_) {
            case Phase::method:
                consumed = parse_method(send, out);
                break;
            case Phase::auth:
                consumed = parse_auth(send, out);
                break;
            case Phase::connect:
                consumed = parse_reply(send, out);
                break;
            default:
                break;
        }
        if (phase_ == Phase::failed) return out;
        if (phase_ == Phase::connected) {
            out.state = Step::State::connected;
            out.send = std::move(send);
            out.leftover = std::move(buf_);
            buf_.clear();
            return out;
        }
        if (!consumed) break;
    }
    out.state = Step::State::need_more;
    out.send = std::move(send);
    return out;
}

bool Client::parse_method(std::string& send, Step& out) {
    if (buf_.empty()) return false;
    if (at(buf_, 0) != version) {
        std::string hint = buf_[0] == 'H' ? " (an HTTP proxy?)" : " (not a SOCKS5 proxy?)";
        out = fail(Error::bad_version, "the proxy answered the greeting with version " +
                                           hex_byte(at(buf_, 0)) + ", not 0x05" + hint);
        return false;
    }
    if (buf_.size() < 2) return false;
    std::uint8_t method = at(buf_, 1);
    buf_.erase(0, 2);
    if (method == method_refused) {
        out = fail(Error::no_acceptable_method,
                   auth_ ? "the proxy accepted none of the offered methods (no authentication, "
                           "username/password)"
                         : "the proxy refused unauthenticated access (method 0xFF); it may need "
                           "a username and password");
        return false;
    }
    if (method == method_userpass && auth_) {
        send += auth_request();
        phase_ = Phase::auth;
        return true;
    }
    if (method == method_none) {
        send += connect_request();
        phase_ = Phase::connect;
        return true;
    }
    out = fail(Error::unexpected_method,
               "the proxy chose " + method_name(method) + ", which was not offered");
    return false;
}

bool Client::parse_auth(std::string& send, Step& out) {
    if (buf_.empty()) return false;
    // RFC 1929 says 0x01; some proxies echo the SOCKS version 0x05. Both are understood.
    if (at(buf_, 0) != auth_version && at(buf_, 0) != version) {
        out = fail(Error::auth_bad_version, "the proxy's authentication reply has version " +
                                                hex_byte(at(buf_, 0)) + ", not 0x01");
        return false;
    }
    if (buf_.size() < 2) return false;
    std::uint8_t status = at(buf_, 1);
    buf_.erase(0, 2);
    if (status != 0) {
        out =
            fail(Error::auth_failed, "the proxy refused the username/password for user \"" +
                                         auth_->username + "\" (status " + hex_byte(status) + ")");
        return false;
    }
    authenticated_ = true;
    send += connect_request();
    phase_ = Phase::connect;
    return true;
}

bool Client::parse_reply(std::string&, Step& out) {
    if (buf_.empty()) return false;
    if (at(buf_, 0) != version) {
        out = fail(Error::bad_version, "the proxy answered CONNECT with version " +
                                           hex_byte(at(buf_, 0)) + ", not 0x05");
        return false;
    }
    if (buf_.size() < 2) return false;
    rep_ = at(buf_, 1);
    // A refusal is final as soon as REP is known: many proxies close without sending the rest.
    if (*rep_ != 0) {
        out = fail(Error::connect_failed, "the proxy could not connect to " + target_.to_string() +
                                              ": " + std::string(reply_text(*rep_)) + " (REP " +
                                              hex_byte(*rep_) + ")");
        return false;
    }
    if (buf_.size() < 4) return false;  // RSV is not checked: it carries nothing
    std::size_t addr_len;
    std::size_t addr_at = 4;
    switch (at(buf_, 3)) {
        case 0x01:
            addr_len = 4;
            break;
        case 0x04:
            addr_len = 16;
            break;
        case 0x03:
            if (buf_.size() < 5) return false;
            addr_len = at(buf_, 4);
            addr_at = 5;
            break;
        default:
            out = fail(Error::bad_reply, "the proxy's CONNECT reply has unknown address type " +
                                             hex_byte(at(buf_, 3)));
            return false;
    }
    std::size_t total = addr_at + addr_len + 2;
    if (buf_.size() < total) return false;
    bound_.address.type = static_cast<Address::Type>(at(buf_, 3));
    bound_.address.bytes = buf_.substr(addr_at, addr_len);
    bound_.port = static_cast<std::uint16_t>(at(buf_, total - 2) << 8 | at(buf_, total - 1));
    buf_.erase(0, total);
    phase_ = Phase::connected;
    return true;
}

Step Client::closed() {
    if (phase_ == Phase::connected) {
        Step s;
        s.state = Step::State::connected;
        return s;
    }
    if (phase_ == Phase::failed) return fail(error_, reason_);
    std::string_view during = phase_ == Phase::method ? "method selection"
                              : phase_ == Phase::auth ? "username/password authentication"
                                                      : "CONNECT";
    if (phase_ == Phase::idle) during = "the greeting";
    std::size_t got = buf_.size();
    return fail(Error::closed, "the proxy closed the connection during " + std::string(during) +
                                   " (" + std::to_string(got) + " byte(s) of its reply received)");
}

}  // namespace mailspec::socks5
