// Feeds arbitrary proxy answers, cut into arbitrary chunks, to the SOCKS5 client codec.
// The first byte picks credentials on/off and the chunk size.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/socks5.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mailspec::socks5;
    if (size == 0) return 0;
    std::optional<UserPass> auth;
    if (data[0] & 1) auth = UserPass{"alice", "s3cret"};
    std::size_t chunk = 1 + (data[0] >> 1) % 16;
    std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    Client c({Address::domain("mail.example"), 25}, auth);
    Step s = c.start();
    while (!in.empty() && s.state != Step::State::failed) {
        std::size_t n = in.size() < chunk ? in.size() : chunk;
        s = c.feed(in.substr(0, n));
        in.remove_prefix(n);
    }
    if (s.state == Step::State::need_more) s = c.closed();
    if (c.phase() == Client::Phase::connected) (void)c.bound().to_string();
    if (s.state == Step::State::failed && c.reason().empty()) __builtin_trap();
    return 0;
}
