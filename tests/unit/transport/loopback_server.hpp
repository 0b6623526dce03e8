#pragma once
// A hand-written fake SMTP server for transport tests, listening on a random loopback port.
// Each test gives it a script (a coroutine) that says and expects exactly what the test needs,
// including things a real server cannot be made to do on cue. Used only by tests.

#include <utility>  // Boost 1.74 awaitable.hpp needs std::exchange

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/unit/transport/test_pki.hpp"

namespace mailspec::testing {

namespace asio = boost::asio;

class ServerConn {
  public:
    explicit ServerConn(asio::ip::tcp::socket s) : socket(std::move(s)) {}

    asio::awaitable<void> send(std::string bytes) {
        if (tls)
            co_await asio::async_write(*tls, asio::buffer(bytes), asio::use_awaitable);
        else
            co_await asio::async_write(socket, asio::buffer(bytes), asio::use_awaitable);
    }

    // One line without CRLF; throws at end of stream.
    asio::awaitable<std::string> read_line() {
        std::size_t n = 0;
        if (tls)
            n = co_await asio::async_read_until(*tls, asio::dynamic_buffer(buffer), "\n",
                                                asio::use_awaitable);
        else
            n = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "\n",
                                                asio::use_awaitable);
        std::string line = buffer.substr(0, n);
        buffer.erase(0, n);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        lines.push_back(line);
        co_return line;
    }

    // Waits for at least one octet (plain socket) and discards what arrived.
    asio::awaitable<std::size_t> read_some() {
        char chunk[4096];
        co_return co_await socket.async_read_some(asio::buffer(chunk), asio::use_awaitable);
    }

    // Reads until the client closes; returns what arrived.
    asio::awaitable<std::string> read_to_end() {
        std::string all = std::exchange(buffer, {});
        char chunk[4096];
        boost::system::error_code ec;
        for (;;) {
            std::size_t n = 0;
            if (tls)
                n = co_await tls->async_read_some(asio::buffer(chunk),
                                                  asio::redirect_error(asio::use_awaitable, ec));
            else
                n = co_await socket.async_read_some(asio::buffer(chunk),
                                                    asio::redirect_error(asio::use_awaitable, ec));
            all.append(chunk, n);
            if (ec) co_return all;
        }
    }

    // Server side of a TLS handshake with the test certificate.
    asio::awaitable<void> start_tls() {
        if (!ctx) {
            ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
            const auto& pki = TestPki::get();
            ctx->use_certificate_chain_file(pki.cert_file);
            ctx->use_private_key_file(pki.key_file, asio::ssl::context::pem);
        }
        tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket, *ctx);
        co_await tls->async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
    }

    void close() {
        boost::system::error_code ec;
        socket.close(ec);
    }

    asio::ip::tcp::socket socket;
    std::unique_ptr<asio::ssl::context> ctx;
    std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls;
    std::string buffer;
    std::vector<std::string> lines;  // every line read, in order
};

class LoopbackServer {
  public:
    using Script = std::function<asio::awaitable<void>(ServerConn&)>;

    LoopbackServer(asio::io_context& io, Script script, const char* address = "127.0.0.1")
        : acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address(address), 0)),
          script_(std::move(script)) {
        asio::co_spawn(io, accept_loop(), asio::detached);
    }
    ~LoopbackServer() { stop(); }

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string host() const { return acceptor_.local_endpoint().address().to_string(); }

    // Closes the listener and every connection (so a blocked script ends).
    // close_connections=false leaves scripts to finish on their own (the client hung up).
    void stop(bool close_connections = true) {
        boost::system::error_code ec;
        acceptor_.close(ec);
        if (close_connections)
            for (auto& c : conns_)
                c->close();
    }

    // Exceptions the scripts threw (other than the client hanging up).
    std::vector<std::string> errors;
    // Peer addresses of accepted connections.
    std::vector<std::string> peers;
    std::list<std::shared_ptr<ServerConn>> conns_;

  private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            boost::system::error_code ec;
            auto s = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            peers.push_back(s.remote_endpoint(ec).address().to_string());
            auto conn = std::make_shared<ServerConn>(std::move(s));
            conns_.push_back(conn);
            asio::co_spawn(acceptor_.get_executor(), run(conn), asio::detached);
        }
    }

    asio::awaitable<void> run(std::shared_ptr<ServerConn> conn) {
        try {
            co_await script_(*conn);
        } catch (const boost::system::system_error& e) {
            // The client closing the connection is normal in most tests.
            if (e.code() != asio::error::eof && e.code() != asio::error::connection_reset &&
                e.code() != asio::error::broken_pipe &&
                e.code() != asio::error::operation_aborted &&
                e.code() != asio::error::bad_descriptor &&
                e.code() != asio::ssl::error::stream_truncated)
                errors.push_back(e.what());
        } catch (const std::exception& e) {
            errors.push_back(e.what());
        }
    }

    asio::ip::tcp::acceptor acceptor_;
    Script script_;
};

// Runs `client` on `io` alongside the server; stops the server when the client is done and
// rethrows what the client threw. Returns normally when the client did. With
// close_connections=false the server's scripts may read what the client sent last until they
// see it hang up.
inline void run_client(asio::io_context& io, LoopbackServer& server,
                       std::function<asio::awaitable<void>()> client,
                       bool close_connections = true) {
    std::exception_ptr failure;
    asio::co_spawn(io, std::move(client), [&](std::exception_ptr e) {
        failure = e;
        server.stop(close_connections);
    });
    // A safety net against a hanging client, not a timing assertion: every client step in the
    // tests has its own, much shorter, timeout.
    io.run_for(std::chrono::minutes(2));
    const bool hung = !io.stopped();
    io.stop();
    io.restart();
    if (hung) throw std::runtime_error("test client did not finish");
    if (failure) std::rethrow_exception(failure);
}

}  // namespace mailspec::testing
