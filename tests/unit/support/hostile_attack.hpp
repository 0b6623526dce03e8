#pragma once
// Runs a transport client against a HAND-WRITTEN HOSTILE server script (tests/hostile/: endless
// lines, silence, garbage where a handshake should be; misbehaviour no real server can be made
// to show on cue) and keeps what the hostile tests judge: the StepError the client ended in,
// whether it stayed open, and its transcript.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "model/result.hpp"
#include "tests/unit/transport/loopback_server.hpp"
#include "tests/unit/transport/test_pki.hpp"
#include "transport/error.hpp"

namespace mailspec::testing {

struct AttackOutcome {
    std::optional<transport::StepError> error;
    bool open_after = true;
    std::string transcript;  // a "marker text" line per transcript line
};

// SmtpClientOptions or MailboxClientOptions with short deadlines (connect 2 s, every other
// step `step`), trusting the test CA.
template <typename Options>
Options short_timeouts(std::chrono::milliseconds step) {
    Options o;
    o.timeouts.connect = std::chrono::seconds(2);
    o.timeouts.greeting = step;
    o.timeouts.reply = step;
    o.timeouts.tls_handshake = step;
    o.tls.ca_file = TestPki::get().ca_file;
    return o;
}

// Runs `steps` (a coroutine driving `client`) on `io` against `server` and records the
// StepError it ends in; `transcript` is the client's, read when it is done.
template <typename Client, typename Steps>
AttackOutcome run_attack(boost::asio::io_context& io, LoopbackServer& server, Client& client,
                         const Transcript& transcript, Steps steps) {
    AttackOutcome out;
    run_client(io, server, [&]() -> boost::asio::awaitable<void> {
        try {
            co_await steps();
        } catch (const transport::StepError& e) {
            out.error = e;
        }
    });
    out.open_after = client.is_open();
    for (const auto& l : transcript)
        out.transcript += std::string(marker(l.dir)) + " " + l.text + "\n";
    return out;
}

}  // namespace mailspec::testing
