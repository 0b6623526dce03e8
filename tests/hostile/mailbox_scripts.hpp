#pragma once
// HAND-WRITTEN HOSTILE POP3 AND IMAP SERVERS — deliberately misbehaving fakes used only by
// tests. No real Dovecot or qpopper can be made to do these on cue: an IMAP literal that never
// ends, a POP3 multi-line response that never ends, garbage instead of a greeting, silence
// after a command. The mailbox clients must turn each into a precise StepError within their
// timeout, with bounded memory. (The SMTP scripts are in hostile_server.hpp.)

#include <utility>  // Boost 1.74 awaitable.hpp needs std::exchange

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <string>

#include "tests/hostile/hostile_server.hpp"

namespace mailspec::testing::hostile {

// Octets that are neither "+OK" nor "* OK": a web server answering on the POP3/IMAP port.
inline LoopbackServer::Script garbage_greeting() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        co_await stay_silent(c);
    };
}

// A POP3 server whose answer to CAPA is a multi-line response that never ends: lines keep
// coming (in batches, so the test stays fast) and the terminating "." never does.
inline LoopbackServer::Script pop3_endless_multiline() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("+OK fake POP3 ready\r\n");
        co_await c.read_line();  // CAPA
        co_await c.send("+OK Capability list follows\r\n");
        std::string batch;
        for (int i = 0; i < 1000; ++i)
            batch += "X-ENDLESS-CAPABILITY and some more text to fill the line\r\n";
        for (;;)
            co_await c.send(batch);
    };
}

// An IMAP server whose answer to CAPABILITY announces a 16 MiB literal and then trickles it,
// a little at a time, forever (the announced size is below the client's max_literal when a test
// raises it, so only the deadline can end it).
inline LoopbackServer::Script imap_endless_literal(std::size_t announced = 16 * 1024 * 1024) {
    return [announced](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("* OK fake IMAP ready\r\n");
        co_await c.read_line();  // a1 CAPABILITY
        co_await c.send("* CAPABILITY IMAP4rev1 {" + std::to_string(announced) + "}\r\n");
        asio::steady_timer t(c.socket.get_executor());
        const std::string piece(1024, 'L');
        for (;;) {
            co_await c.send(piece);
            t.expires_after(std::chrono::milliseconds(5));
            co_await t.async_wait(asio::use_awaitable);
        }
    };
}

// Greets, then never answers a command.
inline LoopbackServer::Script greets_then_stalls(std::string greeting) {
    return [greeting](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send(greeting);
        co_await stay_silent(c);
    };
}

}  // namespace mailspec::testing::hostile
