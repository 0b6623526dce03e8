#include "tests/unit/support/fake_smtp_server.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <list>
#include <optional>
#include <variant>

#include "protocol/base64.hpp"

namespace mailspec::test {

namespace asio = boost::asio;
using asio::ip::tcp;

struct FakeSmtpServer::State : std::enable_shared_from_this<State> {
    State(asio::io_context& io, FakeSmtpBehaviour b)
        : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          behaviour(std::move(b)) {}

    tcp::acceptor acceptor;
    FakeSmtpBehaviour behaviour;
    std::vector<std::string> received;
    std::string plaintext;
    std::size_t sessions = 0;
    std::vector<std::weak_ptr<tcp::socket>> open;
    bool stopped = false;

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> session(tcp::socket sock);
};

namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string decode(const std::string& b64) {
    auto d = base64::decode(b64);
    if (auto* s = std::get_if<std::string>(&d)) return *s;
    return "\x01invalid";
}

std::string domain_of(const std::string& arg) {
    auto at = arg.rfind('@');
    auto end = arg.find('>', at == std::string::npos ? 0 : at);
    if (at == std::string::npos) return {};
    return arg.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}

}  // namespace

namespace {

// One connection's streams and read buffer. Member coroutines rather than coroutine lambdas:
// g++ 12 warns (mismatched new/delete) about the latter.
struct Conn {
    tcp::socket& sock;
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
    std::string buf;
    boost::system::error_code ec;
    std::string& plaintext;

    asio::awaitable<bool> write(std::string text) {
        if (tls)
            co_await asio::async_write(*tls, asio::buffer(text),
                                       asio::redirect_error(asio::use_awaitable, ec));
        else
            co_await asio::async_write(sock, asio::buffer(text),
                                       asio::redirect_error(asio::use_awaitable, ec));
        co_return !ec;
    }
    asio::awaitable<std::optional<std::string>> read_line() {
        std::size_t n = 0;
        const std::size_t before = buf.size();
        if (tls)
            n = co_await asio::async_read_until(*tls, asio::dynamic_buffer(buf), "\r\n",
                                                asio::redirect_error(asio::use_awaitable, ec));
        else
            n = co_await asio::async_read_until(sock, asio::dynamic_buffer(buf), "\r\n",
                                                asio::redirect_error(asio::use_awaitable, ec));
        if (!tls && buf.size() > before) plaintext += buf.substr(before);
        if (ec) co_return std::nullopt;
        std::string line = buf.substr(0, n - 2);
        buf.erase(0, n);
        co_return line;
    }
    asio::awaitable<bool> handshake(asio::ssl::context& ctx) {
        tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(sock, ctx);
        co_await tls->async_handshake(asio::ssl::stream_base::server,
                                      asio::redirect_error(asio::use_awaitable, ec));
        co_return !ec;
    }
};

}  // namespace

asio::awaitable<void> FakeSmtpServer::State::accept_loop() {
    auto self = shared_from_this();
    for (;;) {
        boost::system::error_code ec;
        tcp::socket sock =
            co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec || stopped) co_return;
        ++sessions;
        asio::co_spawn(acceptor.get_executor(), session(std::move(sock)), asio::detached);
    }
}

asio::awaitable<void> FakeSmtpServer::State::session(tcp::socket sock) {
    auto self = shared_from_this();
    auto owned = std::make_shared<tcp::socket>(std::move(sock));
    open.push_back(owned);
    const auto& b = behaviour;
    Conn c{*owned, {}, {}, {}, plaintext};
    auto& tls = c.tls;
    auto& buf = c.buf;

    if (b.implicit_tls && !co_await c.handshake(*b.tls)) co_return;
    if (!co_await c.write(b.greeting + "\r\n")) co_return;
    bool authed = false, in_mail = false;
    for (;;) {
        auto line = co_await c.read_line();
        if (!line) co_return;
        const std::string verb = upper(line->substr(0, line->find(' ')));
        const std::string arg = line->find(' ') == std::string::npos
                                    ? std::string()
                                    : line->substr(line->find(' ') + 1);
        received.push_back(verb == "AUTH" ? "AUTH " + upper(arg.substr(0, arg.find(' '))) : *line);
        std::string reply;
        if (verb == "EHLO") {
            reply = "250-fake.test";
            std::vector<std::string> ext = b.ehlo;
            if (!tls && b.tls && b.offer_starttls && !b.implicit_tls) ext.push_back("STARTTLS");
            if (tls || b.auth_before_tls) ext.push_back(b.auth_line);
            for (std::size_t i = 0; i < ext.size(); ++i)
                reply += std::string("\r\n250") + (i + 1 == ext.size() ? " " : "-") + ext[i];
            if (ext.empty()) reply = "250 fake.test";
        } else if (verb == "HELO") {
            reply = "250 fake.test";
        } else if (verb == "STARTTLS") {
            if (!b.tls || tls || !b.offer_starttls) {
                reply = "502 5.5.1 Error: command not implemented";
            } else {
                if (!co_await c.write("220 2.0.0 Ready to start TLS\r\n")) co_return;
                // A correct server forgets what the client sent before the handshake.
                if (!b.starttls_keeps_plaintext) buf.clear();
                if (!co_await c.handshake(*b.tls)) co_return;
                authed = in_mail = false;
                continue;
            }
        } else if (verb == "AUTH") {
            auto sp = arg.find(' ');
            const std::string mech = upper(arg.substr(0, sp));
            std::string initial = sp == std::string::npos ? std::string() : arg.substr(sp + 1);
            if (!tls && !b.auth_before_tls) {
                reply = "538 5.7.11 Encryption required for requested authentication mechanism";
            } else if (authed) {
                reply = "503 5.5.1 Error: already authenticated";
            } else if (mech == "PLAIN") {
                if (initial.empty()) {
                    if (!co_await c.write("334 \r\n")) co_return;
                    auto r = co_await c.read_line();
                    if (!r) co_return;
                    initial = *r;
                }
                const std::string want =
                    std::string("\0", 1) + b.user + std::string("\0", 1) + b.password;
                authed = decode(initial) == want;
            } else if (mech == "LOGIN") {
                std::string u = initial;
                if (u.empty()) {
                    if (!co_await c.write("334 VXNlcm5hbWU6\r\n")) co_return;
                    auto r = co_await c.read_line();
                    if (!r) co_return;
                    u = *r;
                }
                if (!co_await c.write("334 UGFzc3dvcmQ6\r\n")) co_return;
                auto p = co_await c.read_line();
                if (!p) co_return;
                authed = decode(u) == b.user && decode(*p) == b.password;
            } else {
                reply = "504 5.5.4 Unrecognized authentication type";
            }
            if (reply.empty())
                reply = authed ? "235 2.7.0 Authentication successful"
                               : "535 5.7.8 Error: authentication failed: bad credentials";
        } else if (verb == "MAIL") {
            if (b.auth_required && !authed) {
                reply = "530 5.7.0 Authentication required";
            } else {
                in_mail = true;
                reply = "250 2.1.0 Ok";
            }
        } else if (verb == "RCPT") {
            if (!in_mail)
                reply = "503 5.5.1 Error: need MAIL command";
            else if (domain_of(arg) == b.local_domain || (authed && b.relay_after_auth))
                reply = "250 2.1.5 Ok";
            else
                reply = "554 5.7.1 <" + domain_of(arg) + ">: Relay access denied";
        } else if (verb == "DATA") {
            reply = "554 5.5.1 Error: no valid recipients";
        } else if (verb == "RSET") {
            in_mail = false;
            reply = "250 2.0.0 Ok";
        } else if (verb == "NOOP") {
            reply = "250 2.0.0 Ok";
        } else if (verb == "QUIT") {
            co_await c.write("221 2.0.0 Bye\r\n");
            co_return;
        } else {
            reply = "502 5.5.2 Error: command not recognized";
        }
        if (!co_await c.write(reply + "\r\n")) co_return;
    }
}

FakeSmtpServer::FakeSmtpServer(asio::io_context& io, FakeSmtpBehaviour behaviour)
    : state_(std::make_shared<State>(io, std::move(behaviour))) {
    asio::co_spawn(io, state_->accept_loop(), asio::detached);
}

FakeSmtpServer::~FakeSmtpServer() {
    stop();
}

std::uint16_t FakeSmtpServer::port() const {
    return state_->acceptor.local_endpoint().port();
}

void FakeSmtpServer::stop() {
    state_->stopped = true;
    boost::system::error_code ec;
    state_->acceptor.close(ec);
    for (auto& w : state_->open)
        if (auto s = w.lock()) s->close(ec);
}

const std::vector<std::string>& FakeSmtpServer::received() const {
    return state_->received;
}
const std::string& FakeSmtpServer::plaintext_bytes() const {
    return state_->plaintext;
}
std::size_t FakeSmtpServer::sessions() const {
    return state_->sessions;
}

}  // namespace mailspec::test
