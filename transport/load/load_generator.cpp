#include "transport/load/load_generator.hpp"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <stdexcept>

#include "protocol/base64.hpp"

namespace mailspec::load {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadBuffer = 4096;          // the longest reply line a session accepts
constexpr std::size_t kReleaseBuffersAbove = 200;  // sessions; ~40 KiB of TLS buffers each

std::chrono::microseconds since(Clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0);
}

// A session gives up on its connection: `what` names the error for the report.
struct SessionError {
    explicit SessionError(std::string w) : what(std::move(w)) {}
    std::string what;
};

struct Reply {
    int code = 0;
    bool pipelining = false;  // EHLO replies: the keywords this run cares about
    bool starttls = false;
    bool ok() const { return code >= 200 && code < 300; }
};

bool keyword(const char* p, std::size_t n, const char* word) {
    std::size_t w = std::strlen(word);
    if (n < w) return false;
    for (std::size_t i = 0; i < w; ++i)
        if ((p[i] & ~0x20) != word[i]) return false;
    return n == w || p[w] == ' ' || p[w] == '\r' || p[w] == '\n';
}

}  // namespace

struct LoadGenerator::Impl : std::enable_shared_from_this<Impl> {
    // One per session, reused for each of its connections.
    struct Conn {
        explicit Conn(asio::any_io_executor ex) : sock(ex), buf(kReadBuffer) {}
        tcp::socket sock;
        std::unique_ptr<ssl::stream<tcp::socket&>> tls;
        std::vector<char> buf;
        std::size_t begin = 0, end = 0;
        Clock::time_point progress;  // last read or write completed
        bool active = false, timed_out = false;
        bool pipelining = false;
        bool quit_ok = false;  // the server answered QUIT: the TLS session ended cleanly
        Phase phase = Phase::connect;
        SSL_SESSION* resume = nullptr;  // the last TLS session, offered for resumption

        ~Conn() {
            if (resume) SSL_SESSION_free(resume);
        }
        void reset() {
            boost::system::error_code ec;
            if (tls && quit_ok) {  // keep the session (TLS 1.3 tickets arrive after the handshake)
                SSL* ssl = tls->native_handle();
                // Freeing an SSL that was not shut down marks its session not resumable
                // (OpenSSL's rule for broken connections), and then no handshake was ever
                // resumed. After 221 to QUIT the session ended well: say so first. No
                // close_notify is sent, so no read of the server's is waited for.
                SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
                if (SSL_SESSION* s = SSL_get1_session(ssl)) {
                    if (resume) SSL_SESSION_free(resume);
                    resume = s;
                }
            }
            tls.reset();
            sock.close(ec);
            begin = end = 0;
            active = timed_out = pipelining = quit_ok = false;
        }
    };

    asio::any_io_executor ex;
    LoadOptions o;
    std::vector<tcp::endpoint> to;
    std::shared_ptr<ssl::context> tls_ctx;
    std::string payload;  // message + ".\r\n"
    std::string ehlo, mail, batch, auth;
    std::vector<std::string> rcpts;
    LoadReport rep;
    Clock::time_point started, deadline;
    std::uint64_t claimed = 0;
    std::size_t live = 0;
    bool stopping = false, finished = false;
    std::vector<std::unique_ptr<Conn>> conns;
    asio::steady_timer sweeper;
    std::function<void()> done;

    Impl(asio::any_io_executor e, LoadOptions opts, std::vector<tcp::endpoint> t)
        : ex(e), o(std::move(opts)), to(std::move(t)), sweeper(e) {
        std::string message = make_message(o);
        payload = message + ".\r\n";
        // Like smtp-source, plain HELO when no extension is used: one reply line, not eight.
        bool esmtp = o.ehlo || o.pipelining || o.starttls || o.auth_user;
        ehlo = (esmtp ? "EHLO " : "HELO ") + o.helo + "\r\n";
        mail = "MAIL FROM:<" + o.from + ">\r\n";
        batch = mail;
        for (std::size_t i = 0; i < o.recipients; ++i) {
            rcpts.push_back("RCPT TO:<" + recipient(o, i) + ">\r\n");
            batch += rcpts.back();
        }
        batch += "DATA\r\n";
        if (o.auth_user) {
            std::string plain = std::string(1, '\0') + *o.auth_user + '\0' + o.password;
            auth = "AUTH PLAIN " + base64::encode(plain) + "\r\n";
        }
        if (o.starttls || o.tls_on_connect) {
            tls_ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
            // With many sessions, idle connections drop their TLS buffers so that 1000 stay
            // small; with few, the buffers are kept: releasing them costs a free, a cleanse
            // and a malloc of 17 KiB per record.
            if (o.sessions > kReleaseBuffersAbove)
                SSL_CTX_set_mode(tls_ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
            boost::system::error_code ec;
            if (o.insecure) {
                tls_ctx->set_verify_mode(ssl::verify_none);
            } else {
                if (o.ca_file.empty())
                    tls_ctx->set_default_verify_paths(ec);
                else
                    tls_ctx->load_verify_file(o.ca_file, ec);
                if (ec) throw std::runtime_error("cannot load trust for TLS: " + ec.message());
                tls_ctx->set_verify_mode(ssl::verify_peer);
            }
        }
    }

    bool claim() {
        if (stopping) return false;
        if (o.messages && claimed >= *o.messages) return false;
        if (o.duration && Clock::now() >= deadline) return false;
        ++claimed;
        return true;
    }

    void error(std::string what) { ++rep.errors[std::move(what)]; }

    asio::awaitable<void> write(Conn& c, std::string_view bytes) {
        if (c.tls)
            co_await asio::async_write(*c.tls, asio::buffer(bytes.data(), bytes.size()),
                                       asio::use_awaitable);
        else
            co_await asio::async_write(c.sock, asio::buffer(bytes.data(), bytes.size()),
                                       asio::use_awaitable);
        c.progress = Clock::now();
    }

    // The client TLS handshake, after STARTTLS or at once (--tls-on-connect), timed from t0.
    asio::awaitable<void> handshake(Conn& c, Clock::time_point t0 = Clock::now()) {
        c.phase = Phase::tls;
        c.tls = std::make_unique<ssl::stream<tcp::socket&>>(c.sock, *tls_ctx);
        const std::string& name = o.server_name.empty() ? o.host : o.server_name;
        boost::system::error_code ec;
        asio::ip::make_address(name, ec);  // SNI carries names, never addresses
        if (ec) SSL_set_tlsext_host_name(c.tls->native_handle(), name.c_str());
        if (!o.insecure) c.tls->set_verify_callback(ssl::host_name_verification(name));
        if (c.resume && o.tls_resume) SSL_set_session(c.tls->native_handle(), c.resume);
        co_await c.tls->async_handshake(ssl::stream_base::client, asio::use_awaitable);
        ++rep.tls_handshakes;
        if (SSL_session_reused(c.tls->native_handle())) ++rep.tls_resumed;
        rep.phase(Phase::tls).record(since(t0));
        c.progress = Clock::now();
    }

    // Reads one complete (possibly multi-line) reply.
    asio::awaitable<Reply> reply(Conn& c) {
        Reply r;
        for (;;) {
            char* base = c.buf.data();
            while (c.begin < c.end) {
                auto* nl = static_cast<char*>(std::memchr(base + c.begin, '\n', c.end - c.begin));
                if (!nl) break;
                const char* line = base + c.begin;
                std::size_t n = static_cast<std::size_t>(nl - line) + 1;
                c.begin += n;
                if (n < 5 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
                    line[2] < '0' || line[2] > '9' ||
                    (line[3] != ' ' && line[3] != '-' && line[3] != '\r'))
                    throw SessionError("malformed reply line");
                if (keyword(line + 4, n - 4, "PIPELINING")) r.pipelining = true;
                if (keyword(line + 4, n - 4, "STARTTLS")) r.starttls = true;
                if (line[3] != '-') {
                    r.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
                    co_return r;
                }
            }
            if (c.begin == c.end) {
                c.begin = c.end = 0;
            } else if (c.end == c.buf.size()) {
                if (c.begin == 0) throw SessionError("reply line longer than 4096 octets");
                std::memmove(base, base + c.begin, c.end - c.begin);
                c.end -= c.begin;
                c.begin = 0;
            }
            auto room = asio::buffer(base + c.end, c.buf.size() - c.end);
            std::size_t got = 0;
            if (c.tls)
                got = co_await c.tls->async_read_some(room, asio::use_awaitable);
            else
                got = co_await c.sock.async_read_some(room, asio::use_awaitable);
            c.end += got;
            c.progress = Clock::now();
        }
    }

    // Sends `command` (if any), reads the reply; counts a non-2xx/3xx reply as an error.
    asio::awaitable<Reply> step(Conn& c, std::string_view command, const char* name) {
        if (!command.empty()) co_await write(c, command);
        Reply r = co_await reply(c);
        if (r.code >= 400) error(std::string(name) + " " + std::to_string(r.code));
        co_return r;
    }

    asio::awaitable<bool> open(Conn& c) {
        c.active = true;
        c.progress = Clock::now();
        c.phase = Phase::connect;
        auto t0 = Clock::now();
        co_await asio::async_connect(c.sock, to, asio::use_awaitable);
        c.sock.set_option(tcp::no_delay(true));
        ++rep.connections;
        rep.phase(Phase::connect).record(since(t0));
        if (o.tls_on_connect) co_await handshake(c);
        c.phase = Phase::greeting;
        t0 = Clock::now();
        Reply r = co_await step(c, "", "greeting");
        rep.phase(Phase::greeting).record(since(t0));
        if (!r.ok()) co_return false;
        c.phase = Phase::ehlo;
        t0 = Clock::now();
        r = co_await step(c, ehlo, "EHLO");
        rep.phase(Phase::ehlo).record(since(t0));
        if (!r.ok()) co_return false;
        if (o.starttls) {
            c.phase = Phase::tls;
            t0 = Clock::now();
            if (!r.starttls) throw SessionError("server does not offer STARTTLS");
            r = co_await step(c, "STARTTLS\r\n", "STARTTLS");
            if (r.code != 220) co_return false;
            if (c.begin != c.end) throw SessionError("data after the reply to STARTTLS");
            co_await handshake(c, t0);
            c.phase = Phase::ehlo;
            r = co_await step(c, ehlo, "EHLO");
            if (!r.ok()) co_return false;
        }
        c.pipelining = r.pipelining && o.pipelining;
        if (o.auth_user) {
            c.phase = Phase::auth;
            t0 = Clock::now();
            r = co_await step(c, auth, "AUTH");
            rep.phase(Phase::auth).record(since(t0));
            if (r.code != 235) co_return false;
        }
        co_return true;
    }

    // One message; true when the server accepted it.
    asio::awaitable<bool> transaction(Conn& c) {
        c.phase = Phase::mail;
        auto t0 = Clock::now();
        std::size_t accepted = 0;
        Reply r;
        bool mail_ok = false, data_go = false;
        if (c.pipelining) {
            co_await write(c, batch);
            r = co_await step(c, "", "MAIL");
            rep.phase(Phase::mail).record(since(t0));
            mail_ok = r.ok();
            for (std::size_t i = 0; i < rcpts.size(); ++i) {
                r = co_await step(c, "", "RCPT");
                if (r.ok()) ++accepted;
            }
            r = co_await step(c, "", "DATA");
            data_go = r.code == 354;
        } else {
            r = co_await step(c, mail, "MAIL");
            rep.phase(Phase::mail).record(since(t0));
            mail_ok = r.ok();
            if (mail_ok) {
                for (const auto& rcpt : rcpts) {
                    r = co_await step(c, rcpt, "RCPT");
                    if (r.ok()) ++accepted;
                }
                if (accepted > 0) {
                    t0 = Clock::now();
                    r = co_await step(c, "DATA\r\n", "DATA");
                    data_go = r.code == 354;
                }
            }
        }
        if (!data_go) {
            if (mail_ok) co_await step(c, "RSET\r\n", "RSET");
            co_return false;
        }
        c.phase = Phase::data;
        r = co_await step(c, payload, "end of data");
        if (!r.ok()) co_return false;
        rep.phase(Phase::data).record(since(t0));
        rep.bytes_ok += payload.size() - 3;
        co_return true;
    }

    asio::awaitable<void> session(Conn& c) {
        while (claim()) {
            bool in_hand = true;  // a claimed message not yet sent
            try {
                if (co_await open(c)) {
                    std::size_t sent = 0;
                    while (in_hand) {
                        bool ok = co_await transaction(c);
                        in_hand = false;
                        ++(ok ? rep.messages_ok : rep.messages_failed);
                        if (++sent < o.per_connection && claim()) in_hand = true;
                    }
                    c.phase = Phase::connect;
                    co_await write(c, "QUIT\r\n");
                    Reply bye = co_await reply(c);
                    c.quit_ok = bye.code == 221;
                }
            } catch (const SessionError& e) {
                error(e.what + " (" + std::string(to_string(c.phase)) + ")");
            } catch (const boost::system::system_error& e) {
                if (c.timed_out)
                    error("timeout in " + std::string(to_string(c.phase)));
                else if (e.code() != asio::error::eof || c.phase != Phase::connect)
                    error(std::string(to_string(c.phase)) + ": " + e.code().message());
            }
            if (in_hand) ++rep.messages_failed;
            c.reset();
        }
    }

    // One timer for all sessions: a connection without progress for `timeout` is closed, which
    // aborts its pending operation.
    void sweep() {
        sweeper.expires_after(
            std::min<std::chrono::milliseconds>(o.timeout, std::chrono::seconds(1)));
        sweeper.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec || self->finished) return;
            auto now = Clock::now();
            for (auto& c : self->conns)
                if (c->active && !c->timed_out && now - c->progress > self->o.timeout) {
                    c->timed_out = true;
                    boost::system::error_code ignored;
                    c->sock.close(ignored);
                }
            self->sweep();
        });
    }

    void start(std::function<void()> on_done) {
        done = std::move(on_done);
        started = Clock::now();
        if (o.duration) deadline = started + *o.duration;
        std::size_t n = o.sessions;
        if (o.messages) n = static_cast<std::size_t>(std::min<std::uint64_t>(n, *o.messages));
        live = n;
        for (std::size_t i = 0; i < n; ++i) {
            conns.push_back(std::make_unique<Conn>(ex));
            asio::co_spawn(ex, session(*conns.back()),
                           [self = shared_from_this()](std::exception_ptr) {
                               if (--self->live == 0) self->finish();
                           });
        }
        sweep();
    }

    void finish() {
        finished = true;
        rep.elapsed = Clock::now() - started;
        rep.interrupted = stopping;
        sweeper.cancel();
        if (done) done();
    }
};

LoadGenerator::LoadGenerator(asio::any_io_executor ex, LoadOptions options,
                             std::vector<tcp::endpoint> to)
    : impl_(std::make_shared<Impl>(ex, std::move(options), std::move(to))) {}

LoadGenerator::~LoadGenerator() = default;

void LoadGenerator::start(std::function<void()> done) {
    impl_->start(std::move(done));
}

void LoadGenerator::stop() {
    impl_->stopping = true;
}

const LoadReport& LoadGenerator::report() {
    if (!impl_->finished) impl_->rep.elapsed = Clock::now() - impl_->started;
    return impl_->rep;
}

}  // namespace mailspec::load
