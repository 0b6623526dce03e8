// libFuzzer target: the IMAP client session against an arbitrary server. Byte 0 picks the steps
// to queue; the rest is what the server sends, fed in chunks whenever the session reads. The
// session must settle (done/idle) without crashing. Base64 is a stand-in (identity; "!" marks
// invalid input): only the state machine is under test.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/imap/session.hpp"

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
    imap::Base64 b64{[](std::string_view s) { return std::string(s); },
                     [](std::string_view s) -> std::optional<std::string> {
                         if (s.find('!') != std::string_view::npos) return std::nullopt;
                         return std::string(s);
                     }};
    imap::Session s(imap::Limits{.max_line = 512,
                                 .max_literal = 2048,
                                 .max_response_bytes = 4096,
                                 .max_literals = 8,
                                 .max_depth = 16,
                                 .max_untagged = 64,
                                 .max_command_bytes = 16384});
    if (plan & 1) s.capability();
    if (plan & 2) s.starttls();
    if (plan & 4) s.login("user", "p\xc3\xa4ss");
    if (plan & 8) s.authenticate(mech, b64);
    if (plan & 16) s.select("INBOX");
    if (plan & 32) s.examine("Sent Items");
    if (plan & 64) s.search("ALL");
    if (plan & 128) s.fetch("1:*", "(UID RFC822.SIZE BODY.PEEK[HEADER])");
    s.store("1", "+FLAGS (\\Deleted)");
    s.logout();
    std::size_t pos = 0;
    for (int guard = 0; guard < 100000; ++guard) {
        auto a = s.next();
        using K = imap::Action::Kind;
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
