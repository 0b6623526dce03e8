#pragma once
// HAND-WRITTEN HOSTILE SMTP SERVER — a deliberately misbehaving fake used only by tests.
// No real server can be made to do these things on cue: each script below attacks the client
// the way a broken or malicious server could (endless lines, endless replies, silence, a
// connection dropped mid-reply, garbage where a TLS handshake should be). The client must
// turn each into a precise StepError within its timeout, with bounded memory.

#include <utility>  // Boost 1.74 awaitable.hpp needs std::exchange

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <string>

#include "tests/unit/transport/loopback_server.hpp"

namespace mailspec::testing::hostile {

namespace asio = boost::asio;

// Waits (without answering) until the client hangs up or the test stops the server.
inline asio::awaitable<void> stay_silent(ServerConn& c) {
    co_await c.read_to_end();
}

// A greeting whose one line is `size` octets long, sent in 64 KiB pieces.
inline LoopbackServer::Script huge_line(std::size_t size = 1 << 20) {
    return [size](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 ");
        const std::string piece(64 * 1024, 'A');
        for (std::size_t sent = 0; sent < size; sent += piece.size())
            co_await c.send(piece);
        co_await c.send("\r\n");
        co_await stay_silent(c);
    };
}

// A greeting of `lines` continuation lines (and a final line nobody should wait for).
inline LoopbackServer::Script endless_continuation(std::size_t lines = 100000) {
    return [lines](ServerConn& c) -> asio::awaitable<void> {
        std::string batch;
        for (int i = 0; i < 1000; ++i)
            batch += "220-still greeting you\r\n";
        for (std::size_t sent = 0; sent < lines; sent += 1000)
            co_await c.send(batch);
        co_await c.send("220 done at last\r\n");
        co_await stay_silent(c);
    };
}

// Accepts and never says a word.
inline LoopbackServer::Script never_answers() {
    return [](ServerConn& c) -> asio::awaitable<void> { co_await stay_silent(c); };
}

// Starts a multi-line greeting and drops the connection in the middle of a line.
inline LoopbackServer::Script closes_mid_reply() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220-fake.test ESMTP\r\n220-second line\r\n220 half a li");
        c.close();
    };
}

// Agrees to STARTTLS, then sends plaintext garbage instead of a TLS ServerHello.
inline LoopbackServer::Script tls_garbage() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\r\n");
        co_await c.read_line();
        co_await c.send("250-fake.test\r\n250 STARTTLS\r\n");
        co_await c.read_line();
        co_await c.send("220 Ready to start TLS\r\n");
        co_await c.read_some();  // the ClientHello has started to arrive
        co_await c.send("this is not TLS at all, just text in place of a ServerHello\r\n");
        co_await stay_silent(c);
    };
}

// Agrees to STARTTLS, then never answers the ClientHello.
inline LoopbackServer::Script tls_silence() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\r\n");
        co_await c.read_line();
        co_await c.send("250-fake.test\r\n250 STARTTLS\r\n");
        co_await c.read_line();
        co_await c.send("220 Ready to start TLS\r\n");
        co_await stay_silent(c);
    };
}

// Answers EHLO with a reply line that trickles in one octet at a time, forever.
inline LoopbackServer::Script trickle() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\r\n");
        co_await c.read_line();
        co_await c.send("250-fake.test\r\n");
        asio::steady_timer t(c.socket.get_executor());
        for (;;) {
            co_await c.send("250-X\r\n");
            t.expires_after(std::chrono::milliseconds(20));
            co_await t.async_wait(asio::use_awaitable);
        }
    };
}

}  // namespace mailspec::testing::hostile
