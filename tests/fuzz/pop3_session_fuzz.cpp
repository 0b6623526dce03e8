// libFuzzer target: the POP3 client session against an arbitrary server. Byte 0 picks the
// steps to queue; the rest is what the server sends, fed in chunks whenever the session reads.
// The session must end (close/idle) without crashing whatever the server says. Base64 here is a
// stand-in (identity; "!" marks invalid input): only the state machine is under test.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/pop3/session.hpp"

using namespace mailspec;

namespace {

class Mechanism : public sasl::Mechanism {
  public:
    std::string_view name() const override { return "X-FUZZ"; }
    std::optional<std::string> initial_response() override { return std::string("ir"); }
    sasl::StepResult respond(std::string_view c) override {
        if (c.size() % 3 == 0) return sasl::Failure{"no"};
        return std::string(c.substr(0, 8));
    }
    std::optional<sasl::Failure> finish(std::string_view) override { return std::nullopt; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    std::uint8_t plan = data[0];
    std::string_view server(reinterpret_cast<const char*>(data) + 1, size - 1);
    Mechanism mech;
    pop3::Base64 b64{[](std::string_view s) { return std::string(s); },
                     [](std::string_view s) -> std::optional<std::string> {
                         if (s.find('!') != std::string_view::npos) return std::nullopt;
                         return std::string(s);
                     }};
    pop3::Session s(pop3::Limits{.max_line = 256, .max_response_bytes = 2048});
    if (plan & 1) s.capa();
    if (plan & 2) s.stls();
    if (plan & 4) s.login("user", "pass");
    if (plan & 8) s.auth(mech, b64);
    if (plan & 16) s.apop("user", "pass", [](std::string_view) { return std::string(16, 'x'); });
    if (plan & 32) s.stat();
    if (plan & 64) s.list();
    if (plan & 128) s.retr(1);
    s.uidl();
    s.top(1, 0);
    s.quit();
    std::size_t pos = 0;
    for (int guard = 0; guard < 100000; ++guard) {
        auto a = s.next();
        using K = pop3::Action::Kind;
        if (a.kind == K::read) {
            if (pos >= server.size()) {
                s.end_of_stream();
                continue;
            }
            std::size_t n = 1 + static_cast<unsigned char>(server[pos]) % 64;
            s.feed(server.substr(pos, n));
            pos += n;
        } else if (a.kind == K::start_tls) {
            s.tls_established();
        } else if (a.kind == K::idle || a.kind == K::done) {
            return 0;
        }
    }
    __builtin_trap();  // the session never settled
}
