#include "protocol/pop3/command.hpp"

#include <stdexcept>

namespace mailspec::pop3::command {

namespace {

std::string_view checked(std::string_view arg) {
    if (arg.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
        throw std::invalid_argument("POP3 argument contains CR, LF or NUL");
    return arg;
}

std::string line(std::string_view verb) {
    return std::string(verb) + "\r\n";
}

std::string line(std::string_view verb, std::string_view arg) {
    std::string out(verb);
    out += ' ';
    out += checked(arg);
    out += "\r\n";
    return out;
}

std::string line(std::string_view verb, std::optional<std::uint64_t> n) {
    return n ? line(verb, std::to_string(*n)) : line(verb);
}

}  // namespace

std::string capa() {
    return line("CAPA");
}
std::string stls() {
    return line("STLS");
}
std::string user(std::string_view name) {
    return line("USER", name);
}
std::string pass(std::string_view secret) {
    return line("PASS", secret);
}
std::string apop(std::string_view name, std::string_view digest_hex) {
    std::string arg(checked(name));
    arg += ' ';
    arg += checked(digest_hex);
    return line("APOP", arg);
}
std::string auth(std::string_view mechanism, std::optional<std::string_view> initial_response) {
    std::string arg(checked(mechanism));
    if (initial_response) {
        arg += ' ';
        arg += checked(*initial_response);
    }
    return line("AUTH", arg);
}
std::string sasl_response(std::string_view base64) {
    std::string out(checked(base64));
    out += "\r\n";
    return out;
}
std::string sasl_cancel() {
    return line("*");
}
std::string stat() {
    return line("STAT");
}
std::string list(std::optional<std::uint64_t> message) {
    return line("LIST", message);
}
std::string uidl(std::optional<std::uint64_t> message) {
    return line("UIDL", message);
}
std::string retr(std::uint64_t message) {
    return line("RETR", std::to_string(message));
}
std::string top(std::uint64_t message, std::uint64_t lines) {
    return line("TOP", std::to_string(message) + " " + std::to_string(lines));
}
std::string dele(std::uint64_t message) {
    return line("DELE", std::to_string(message));
}
std::string noop() {
    return line("NOOP");
}
std::string rset() {
    return line("RSET");
}
std::string quit() {
    return line("QUIT");
}

}  // namespace mailspec::pop3::command

namespace mailspec::pop3 {

std::string apop_digest(std::string_view timestamp, std::string_view secret, const Md5& md5) {
    std::string input(timestamp);
    input += secret;
    std::string raw = md5(input);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        hex += kHex[c >> 4];
        hex += kHex[c & 0x0f];
    }
    return hex;
}

}  // namespace mailspec::pop3
