#pragma once
// POP3 command lines (RFC 1939, RFC 2449, RFC 2595, RFC 5034), CRLF included. Arguments that
// contain CR, LF or NUL would smuggle a second command: they throw std::invalid_argument.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mailspec::pop3::command {

std::string capa();
std::string stls();
std::string user(std::string_view name);
std::string pass(std::string_view secret);
std::string apop(std::string_view name, std::string_view digest_hex);
// initial_response is already base64 ("=" for an empty one, RFC 5034 §4).
std::string auth(std::string_view mechanism, std::optional<std::string_view> initial_response);
std::string sasl_response(std::string_view base64);  // one line of a SASL exchange
std::string sasl_cancel();                           // "*"
std::string stat();
std::string list(std::optional<std::uint64_t> message = std::nullopt);
std::string uidl(std::optional<std::uint64_t> message = std::nullopt);
std::string retr(std::uint64_t message);
std::string top(std::uint64_t message, std::uint64_t lines);
std::string dele(std::uint64_t message);
std::string noop();
std::string rset();
std::string quit();

}  // namespace mailspec::pop3::command

namespace mailspec::pop3 {

// Raw 16-byte MD5 of its input. Injected: protocol/ has no crypto library (sasl::Crypto::hash
// with Hash::md5 fits).
using Md5 = std::function<std::string(std::string_view)>;

// Lower-case hex MD5(timestamp + secret), the APOP digest of RFC 1939 §7.
std::string apop_digest(std::string_view timestamp, std::string_view secret, const Md5& md5);

// RFC 2449 §4: a command line is at most 255 octets, CRLF included.
inline constexpr std::size_t kMaxCommandLine = 255;

}  // namespace mailspec::pop3
