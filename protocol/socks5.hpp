#pragma once
// SOCKS5 client (RFC 1928) with username/password authentication (RFC 1929), as a sans-I/O
// codec: it says what to send and reads what the proxy answers; the transport moves the bytes.
// Only CONNECT. A domain-name target is resolved by the proxy (remote resolution, so names
// resolve from the vantage point, as through `ssh -D`); turning a textual IP address into
// Address::ipv4/ipv6 is the caller's job (the transport has an address parser).
//
// Driving it:
//   Client c(target, auth);
//   for (Step s = c.start();; s = c.feed(read_some())) {   // c.closed() on EOF
//       write(s.send);                                      // may be empty
//       if (s.state == Step::State::connected) { tunnel starts; s.leftover already arrived }
//       if (s.state == Step::State::failed) { report c.reason() }
//   }

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mailspec::socks5 {

struct Address {
    enum class Type : std::uint8_t { ipv4 = 1, domain = 3, ipv6 = 4 };  // ATYP values
    Type type = Type::domain;
    std::string bytes;  // 4 or 16 octets in network order, or the domain name

    static Address domain(std::string name) { return {Type::domain, std::move(name)}; }
    static Address ipv4(const std::array<std::uint8_t, 4>& a) {
        return {Type::ipv4, std::string(a.begin(), a.end())};
    }
    static Address ipv6(const std::array<std::uint8_t, 16>& a) {
        return {Type::ipv6, std::string(a.begin(), a.end())};
    }
    // "192.0.2.1", "2001:db8::1" (RFC 5952), or the domain name.
    std::string to_string() const;
};

struct Endpoint {
    Address address;
    std::uint16_t port = 0;
    std::string to_string() const;  // "host:25", "192.0.2.1:25", "[2001:db8::1]:25"
};

struct UserPass {
    std::string username;  // RFC 1929: 1..255 octets each
    std::string password;
};

enum class Error {
    none,
    invalid_request,       // target or credentials cannot be encoded (e.g. name > 255 octets)
    bad_version,           // the proxy does not speak SOCKS5 (version byte of a reply)
    no_acceptable_method,  // method 0xFF: none of the offered methods is acceptable
    unexpected_method,     // the proxy chose a method that was not offered
    auth_bad_version,      // the RFC 1929 reply has a wrong version byte
    auth_failed,           // the proxy refused the username/password
    connect_failed,        // REP != 0: the proxy could not or would not connect
    bad_reply,             // malformed CONNECT reply (unknown address type)
    closed,                // the proxy closed the connection before the exchange finished
};

// RFC 1928 §6 REP field, e.g. 0x05 -> "connection refused".
std::string_view reply_text(std::uint8_t rep);

struct Step {
    enum class State { need_more, connected, failed };
    State state = State::need_more;
    std::string send;      // bytes to write to the proxy now (possibly empty)
    std::string leftover;  // connected: bytes after the reply, the tunnelled protocol's first
};

class Client {
  public:
    enum class Phase { idle, method, auth, connect, connected, failed };

    explicit Client(Endpoint target, std::optional<UserPass> auth = std::nullopt);

    Step start();                          // the greeting (or failed: invalid_request)
    Step feed(std::string_view received);  // after connected: returns the bytes as leftover
    Step closed();                         // EOF from the proxy

    Phase phase() const { return phase_; }
    Error error() const { return error_; }
    const std::string& reason() const { return reason_; }            // one line, no password
    std::optional<std::uint8_t> reply_code() const { return rep_; }  // REP, once received
    const Endpoint& bound() const { return bound_; }       // BND.ADDR/BND.PORT once connected
    bool authenticated() const { return authenticated_; }  // RFC 1929 was used and accepted

  private:
    Step fail(Error e, std::string reason);
    Step process(std::string send);
    bool parse_method(std::string& send, Step& out);
    bool parse_auth(std::string& send, Step& out);
    bool parse_reply(std::string& send, Step& out);
    std::string connect_request() const;
    std::string auth_request() const;

    Endpoint target_;
    std::optional<UserPass> auth_;
    Phase phase_ = Phase::idle;
    Error error_ = Error::none;
    std::string reason_;
    std::string buf_;  // received, not yet consumed
    std::optional<std::uint8_t> rep_;
    Endpoint bound_;
    bool authenticated_ = false;
};

}  // namespace mailspec::socks5
