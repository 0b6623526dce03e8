#pragma once
// drive(): the loop shared by the POP3 and IMAP clients (included by mailbox_connection.hpp).

#include "transport/mailbox_connection.hpp"

namespace mailspec::transport {

namespace detail {

// Session transcript lines not yet copied into the connection's transcript. Called before the
// TLS state changes, so each line gets the direction it travelled in.
template <typename Session>
void copy_transcript(MailboxConnection& c, const Session& s, std::size_t& shown) {
    const auto& t = s.transcript();
    for (; shown < t.size(); ++shown)
        c.log(t[shown].from_client, t[shown].text);
}

// Limits the session reports by name are `limit` errors; malformed responses `protocol`.
inline StepError::Kind error_kind(std::string_view name) {
    return name == "malformed" || name == "bad_status" ? StepError::Kind::protocol
                                                       : StepError::Kind::limit;
}

}  // namespace detail

template <typename Session>
boost::asio::awaitable<void> drive(MailboxConnection& c, Session& s, std::size_t& shown,
                                   const std::string& step) {
    using Kind = typename decltype(s.next())::Kind;
    // Each response must be complete within the reply timeout of its command being sent.
    auto since = std::chrono::steady_clock::now();
    bool received = false;  // octets since the last command
    for (;;) {
        auto a = s.next();
        detail::copy_transcript(c, s, shown);
        if (s.error() != decltype(s.error()){}) {
            const std::string name(to_string(s.error()));
            const std::string label = s.greeting() ? "reply to " + step : std::string("greeting");
            if (name == "truncated")
                c.fail(StepError::Kind::closed, label,
                       received ? "connection closed in the middle of a response"
                                : "connection closed by the server");
            c.fail(detail::error_kind(name), label, "protocol error: " + name);
        }
        switch (a.kind) {
            case Kind::write:
                co_await c.write(a.bytes, step);
                since = std::chrono::steady_clock::now();
                received = false;
                break;
            case Kind::read: {
                const bool greeting = !s.greeting();
                const std::string label = greeting ? std::string("greeting") : "reply to " + step;
                std::string bytes = co_await c.read_some(label, greeting, since);
                if (bytes.empty()) {
                    // The session decides: a response cut short is an error (checked above on
                    // the next turn), a close after BYE is the end of LOGOUT.
                    c.note(label + ": connection closed by the server");
                    s.end_of_stream();
                } else {
                    received = true;
                    s.feed(bytes);
                }
                break;
            }
            case Kind::start_tls:
                co_await c.handshake(step + " handshake");
                s.tls_established();
                break;
            case Kind::idle:
                co_return;
            case Kind::close:
                c.close();
                break;
            case Kind::done:
                if (!s.greeting())
                    c.fail(StepError::Kind::closed, "greeting",
                           "connection closed by the server before the greeting");
                co_return;
        }
    }
}

}  // namespace mailspec::transport
