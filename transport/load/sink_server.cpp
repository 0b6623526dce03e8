#include "transport/load/sink_server.hpp"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <list>
#include <mutex>
#include <stdexcept>

namespace mailspec::load {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;

namespace {

// OpenSSL's ticket decryption callback: keeps its decision, and asks for no new ticket when
// the client's ticket is good (the handshake resumes with it).
SSL_TICKET_RETURN no_ticket_on_resume(SSL* ssl, SSL_SESSION*, const unsigned char*, size_t,
                                      SSL_TICKET_STATUS status, void*) {
    switch (status) {
        case SSL_TICKET_SUCCESS:
        case SSL_TICKET_SUCCESS_RENEW:  // what OpenSSL 3.0 says for every good TLS 1.3 ticket
            SSL_set_num_tickets(ssl, 0);
            return SSL_TICKET_RETURN_USE;
        case SSL_TICKET_EMPTY:
        case SSL_TICKET_NO_DECRYPT:
            return SSL_TICKET_RETURN_IGNORE_RENEW;
        default:  // SSL_TICKET_FATAL_ERR_*
            return SSL_TICKET_RETURN_ABORT;
    }
}

}  // namespace

struct SinkServer::Impl : std::enable_shared_from_this<Impl> {
    // Each connection lives on a strand of its own, so several threads can serve them.
    struct Conn {
        Conn(asio::strand<asio::any_io_executor> st, tcp::socket s, SinkSession::Options o)
            : strand(std::move(st)), sock(std::move(s)), session(std::move(o)) {}
        asio::strand<asio::any_io_executor> strand;
        tcp::socket sock;
        std::unique_ptr<ssl::stream<tcp::socket&>> tls;
        SinkSession session;
    };

    SinkOptions o;
    tcp::acceptor acceptor;
    std::unique_ptr<ssl::context> tls_ctx;
    asio::any_io_executor ex;
    mutable std::mutex m;  // guards conns and done_counts (threads serve connections)
    std::list<std::shared_ptr<Conn>> conns;  // open connections (stop() closes them)
    SinkCounts done_counts;                  // of closed connections
    std::function<void()> on_limit;
    std::atomic<bool> stopped{false}, limit_hit{false};
    std::atomic<std::uint64_t> messages{0};  // running total, for max_messages

    Impl(asio::any_io_executor e, SinkOptions opts)
        : o(std::move(opts)), acceptor(asio::make_strand(e)), ex(e) {
        acceptor.open(o.listen.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(o.listen);
        acceptor.listen(asio::socket_base::max_listen_connections);
        if (!o.cert_file.empty()) {
            tls_ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
            SSL_CTX_set_num_tickets(tls_ctx->native_handle(), 1);  // one resumption ticket
            // A resumed TLS 1.3 handshake gets no new ticket: the client resumes with the one
            // it has (Postfix's session cache does the same). Issuing one would cost each
            // handshake a session encoding, AES and HMAC here, a record and a session copy
            // on the client: about a tenth of the CPU of a resumed STARTTLS connection.
            // Full handshakes still get their ticket, and (EC)DHE is still done every time.
            SSL_CTX_set_session_ticket_cb(tls_ctx->native_handle(), nullptr, &no_ticket_on_resume,
                                          nullptr);
            // Clients may resume sessions (tickets; ids for TLS 1.2) as real MTAs do.
            static const unsigned char kContext[] = "mailspec-sink";
            SSL_CTX_set_session_id_context(tls_ctx->native_handle(), kContext, sizeof kContext - 1);
            boost::system::error_code ec;
            tls_ctx->use_certificate_chain_file(o.cert_file, ec);
            if (ec) throw std::runtime_error("--cert " + o.cert_file + ": " + ec.message());
            tls_ctx->use_private_key_file(o.key_file, ssl::context::pem, ec);
            if (ec) throw std::runtime_error("--key " + o.key_file + ": " + ec.message());
        }
    }

    // Exact once the connections are idle (after the run); approximate while they run.
    SinkCounts counts() const {
        std::lock_guard lock(m);
        SinkCounts c = done_counts;
        for (const auto& conn : conns)
            c.add(conn->session.counts());
        return c;
    }

    void check_limit() {
        if (o.max_messages == 0 || !on_limit || messages < o.max_messages) return;
        if (!limit_hit.exchange(true)) on_limit();
    }

    asio::awaitable<void> write(Conn& c, const std::string& out) {
        if (c.tls)
            co_await asio::async_write(*c.tls, asio::buffer(out), asio::use_awaitable);
        else
            co_await asio::async_write(c.sock, asio::buffer(out), asio::use_awaitable);
    }

    asio::awaitable<void> serve(Conn& c) {
        std::vector<char> buf(8192);
        if (o.tls_on_connect) {
            c.tls = std::make_unique<ssl::stream<tcp::socket&>>(c.sock, *tls_ctx);
            co_await c.tls->async_handshake(ssl::stream_base::server, asio::use_awaitable);
            c.session.tls_started();
        }
        std::string out = c.session.greeting();
        co_await write(c, out);
        while (!c.session.closed()) {
            std::size_t n = 0;
            if (c.tls)
                n = co_await c.tls->async_read_some(asio::buffer(buf), asio::use_awaitable);
            else
                n = co_await c.sock.async_read_some(asio::buffer(buf), asio::use_awaitable);
            out.clear();
            auto before = c.session.counts().messages;
            c.session.feed(std::string_view(buf.data(), n), out);
            if (!out.empty()) co_await write(c, out);
            if (c.session.counts().messages != before) {
                messages += c.session.counts().messages - before;
                check_limit();
            }
            if (c.session.starttls_pending()) {
                c.tls = std::make_unique<ssl::stream<tcp::socket&>>(c.sock, *tls_ctx);
                co_await c.tls->async_handshake(ssl::stream_base::server, asio::use_awaitable);
                c.session.tls_started();
            }
        }
    }

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        SinkSession::Options so;
        so.hostname = o.hostname;
        so.offer_starttls = tls_ctx != nullptr;
        while (!stopped) {
            boost::system::error_code ec;
            tcp::socket s =
                co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (stopped || ec == asio::error::operation_aborted) break;
                continue;  // e.g. EMFILE: keep serving the connections we have
            }
            s.set_option(tcp::no_delay(true), ec);
            auto conn = std::make_shared<Conn>(asio::make_strand(ex), std::move(s), so);
            std::list<std::shared_ptr<Conn>>::iterator it;
            {
                std::lock_guard lock(m);
                it = conns.insert(conns.end(), conn);
            }
            asio::co_spawn(conn->strand, serve(*conn), [self, it, conn](std::exception_ptr) {
                auto c = conn->session.counts();
                c.connections = 1;
                std::lock_guard lock(self->m);
                self->done_counts.add(c);
                self->conns.erase(it);
            });
        }
    }
};

SinkServer::SinkServer(asio::any_io_executor ex, SinkOptions options)
    : impl_(std::make_shared<Impl>(ex, std::move(options))) {}

SinkServer::~SinkServer() {
    // The event loop has ended by now: close directly, nothing else touches the sockets.
    impl_->stopped = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    std::lock_guard lock(impl_->m);
    for (auto& c : impl_->conns)
        c->sock.close(ec);
}

tcp::endpoint SinkServer::local_endpoint() const {
    return impl_->acceptor.local_endpoint();
}

void SinkServer::start(std::function<void()> on_limit) {
    impl_->on_limit = std::move(on_limit);
    asio::co_spawn(impl_->acceptor.get_executor(), impl_->accept_loop(), [](std::exception_ptr) {});
}

void SinkServer::stop() {
    impl_->stopped = true;
    // Sockets are closed on their own strands: another thread may be using them.
    asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_] {
        boost::system::error_code ec;
        impl->acceptor.close(ec);
    });
    std::lock_guard lock(impl_->m);
    for (auto& c : impl_->conns)
        asio::dispatch(c->strand, [c] {
            boost::system::error_code ec;
            c->sock.close(ec);
        });
}

SinkCounts SinkServer::counts() const {
    auto c = impl_->counts();
    std::lock_guard lock(impl_->m);
    c.connections += impl_->conns.size();
    return c;
}

}  // namespace mailspec::load

namespace mailspec::load {

std::optional<tcp::endpoint> parse_listen_address(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == text.size()) return std::nullopt;
    std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string_view::npos)
        return std::nullopt;  // IPv6 needs brackets
    unsigned p = 0;
    for (char ch : port) {
        if (ch < '0' || ch > '9') return std::nullopt;
        p = p * 10 + static_cast<unsigned>(ch - '0');
        if (p > 65535) return std::nullopt;
    }
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(std::string(host), ec);
    if (ec) return std::nullopt;
    return tcp::endpoint(addr, static_cast<unsigned short>(p));
}

}  // namespace mailspec::load
