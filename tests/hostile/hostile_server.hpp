#pragma once
// HAND-WRITTEN HOSTILE SMTP SERVER — a deliberately misbehaving fake used only by tests.
// No real server can be made to do these things on cue: each script below attacks the client
// the way a broken or malicious server could (endless lines, endless replies, silence, a
// connection dropped mid-reply, garbage where a TLS handshake should be). The client must
// turn each into a precise StepError within its timeout, with bounded memory.
// The unit tests (tests/unit/transport/hostile_test.cpp) run these scripts in-process; the
// `mailspec-hostile` test executable (tests/hostile/main.cpp) serves them by name over TCP for
// the integration bench. Behaviour a real server can show (accept everything, 421, tarpit) is
// left to Postfix's smtp-sink in the bench.

#include <utility>  // Boost 1.74 awaitable.hpp needs std::exchange

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <map>
#include <string>

#include "protocol/base64.hpp"
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

// Greets only after `delay` (far beyond any sane greeting timeout), then stays silent. Waits in
// short steps so that the script ends soon after the test closes the connection.
inline LoopbackServer::Script slow_greeting(std::chrono::seconds delay = std::chrono::seconds(60)) {
    return [delay](ServerConn& c) -> asio::awaitable<void> {
        asio::steady_timer t(c.socket.get_executor());
        const auto until = std::chrono::steady_clock::now() + delay;
        while (std::chrono::steady_clock::now() < until) {
            if (!c.socket.is_open()) co_return;
            t.expires_after(std::chrono::milliseconds(50));
            co_await t.async_wait(asio::use_awaitable);
        }
        co_await c.send("220 fake.test ESMTP at last\r\n");
        co_await stay_silent(c);
    };
}

// Greets properly, then never answers a command.
inline LoopbackServer::Script silent_after_greeting() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\r\n");
        co_await stay_silent(c);
    };
}

// A whole session whose replies end in a bare LF instead of CRLF.
inline LoopbackServer::Script bare_lf() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\n");
        for (;;) {
            auto line = co_await c.read_line();
            if (line.rfind("QUIT", 0) == 0) {
                co_await c.send("221 bye\n");
                co_return;
            }
            co_await c.send("250-fake.test\n250 PIPELINING\n");
        }
    };
}

// A greeting and EHLO reply carrying NUL octets and invalid UTF-8 (a lone continuation octet,
// an overlong encoding, a truncated sequence): reports must stay well-formed.
inline LoopbackServer::Script nul_and_bad_utf8() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        // Lengths are given: the literals hold NUL octets.
        co_await c.send(std::string("220 fake\0.test \x80\xc0\xaf ESMTP\r\n", 26));
        for (;;) {
            auto line = co_await c.read_line();
            if (line.rfind("QUIT", 0) == 0) {
                co_await c.send("221 bye\r\n");
                co_return;
            }
            co_await c.send(std::string("250-fake\0.test\r\n250 X-\xe2\x82\r\n", 26));
        }
    };
}

// Drops the connection with a TCP reset (SO_LINGER 0) in the middle of a multi-line reply.
inline LoopbackServer::Script reset_mid_reply() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\r\n");
        co_await c.read_line();
        co_await c.send("250-fake.test\r\n250-PIPEL");
        asio::steady_timer t(c.socket.get_executor(), std::chrono::milliseconds(50));
        co_await t.async_wait(asio::use_awaitable);  // let the partial reply arrive first
        c.socket.set_option(asio::socket_base::linger(true, 0));
        c.close();
    };
}

// Agrees to STARTTLS, reads the ClientHello and resets the connection.
inline LoopbackServer::Script tls_abort() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\r\n");
        co_await c.read_line();
        co_await c.send("250-fake.test\r\n250 STARTTLS\r\n");
        co_await c.read_line();
        co_await c.send("220 Ready to start TLS\r\n");
        co_await c.read_some();
        c.socket.set_option(asio::socket_base::linger(true, 0));
        c.close();
    };
}

// Offers AUTH PLAIN LOGIN SCRAM-SHA-256 in plaintext (no STARTTLS), plays along until the
// client has sent its last, secret-bearing AUTH message (the PLAIN blob, the LOGIN password,
// the SCRAM client-final with its proof), then drops the connection: the failure path on
// which a credential could leak into a report.
inline LoopbackServer::Script auth_then_drop() {
    return [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.send("220 fake.test ESMTP\r\n");
        for (;;) {
            const auto line = co_await c.read_line();
            if (line.rfind("AUTH ", 0) != 0) {
                co_await c.send("250-fake.test\r\n250 AUTH PLAIN LOGIN SCRAM-SHA-256\r\n");
                continue;
            }
            const auto sp = line.find(' ', 5);
            const std::string mech = line.substr(5, sp == std::string::npos ? sp : sp - 5);
            std::string initial = sp == std::string::npos ? "" : line.substr(sp + 1);
            if (mech == "PLAIN" && initial.empty()) {
                co_await c.send("334 \r\n");
                co_await c.read_line();
            } else if (mech == "LOGIN") {
                if (initial.empty()) {
                    co_await c.send("334 VXNlcm5hbWU6\r\n");
                    co_await c.read_line();
                }
                co_await c.send("334 UGFzc3dvcmQ6\r\n");
                co_await c.read_line();
            } else if (mech == "SCRAM-SHA-256") {
                if (initial.empty()) {
                    co_await c.send("334 \r\n");
                    initial = co_await c.read_line();
                }
                // client-first "n,,n=USER,r=NONCE": answer with a plausible server-first.
                auto decoded = base64::decode(initial);
                const auto* first = std::get_if<std::string>(&decoded);
                const auto r = first ? first->find("r=") : std::string::npos;
                const std::string nonce = r == std::string::npos ? "x" : first->substr(r + 2);
                co_await c.send("334 " +
                                base64::encode("r=" + nonce + "fakeservernonce,s=" +
                                               base64::encode("0123456789abcdef") + ",i=4096") +
                                "\r\n");
                co_await c.read_line();  // client-final with the proof
            }
            c.socket.set_option(asio::socket_base::linger(true, 0));
            c.close();
            co_return;
        }
    };
}

// Every script by the name `mailspec-hostile --scenario NAME` serves it under.
inline std::map<std::string, LoopbackServer::Script> scenarios() {
    return {
        {"slow-greeting", slow_greeting()},
        {"never-greets", never_answers()},
        {"silent-after-greeting", silent_after_greeting()},
        {"huge-line", huge_line()},
        {"endless-reply", endless_continuation()},
        {"bare-lf", bare_lf()},
        {"nul-bad-utf8", nul_and_bad_utf8()},
        {"closes-mid-reply", closes_mid_reply()},
        {"reset-mid-reply", reset_mid_reply()},
        {"trickle", trickle()},
        {"tls-abort", tls_abort()},
        {"tls-garbage", tls_garbage()},
        {"tls-silence", tls_silence()},
        {"auth-then-drop", auth_then_drop()},
    };
}

}  // namespace mailspec::testing::hostile
