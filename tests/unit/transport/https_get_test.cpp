// https_get against an in-process TLS server on a random loopback port (test PKI).
#include "transport/https_get.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "tests/unit/transport/loopback_server.hpp"
#include "tests/unit/transport/test_pki.hpp"
#include "transport/connector.hpp"
#include "transport/error.hpp"

namespace mailspec::transport {
namespace {

namespace asio = boost::asio;
using testing::LoopbackServer;
using testing::run_client;
using testing::ServerConn;
using testing::TestPki;

constexpr const char* kPolicy =
    "version: STSv1\r\nmode: enforce\r\nmx: mail.lab.test\r\nmax_age: 86400\r\n";

// Reads the request head, answers `response`, closes.
LoopbackServer::Script answer(std::string response, std::string* request = nullptr) {
    return [response, request](ServerConn& c) -> asio::awaitable<void> {
        co_await c.start_tls();
        for (;;) {
            auto line = co_await c.read_line();
            if (request) *request += line + "\n";
            if (line.empty()) break;
        }
        co_await c.send(response);
        co_await c.tls->async_shutdown(asio::use_awaitable);
    };
}

HttpsGetOptions options(const LoopbackServer& s) {
    HttpsGetOptions o;
    o.host = "localhost";
    o.address = s.host();
    o.port = s.port();
    o.path = "/.well-known/mta-sts.txt";
    o.ca_file = TestPki::get().ca_file;
    o.timeout = std::chrono::milliseconds(3000);
    return o;
}

TEST(HttpsGet, FetchesAPolicyOverVerifiedTls) {
    asio::io_context io;
    std::string request;
    LoopbackServer server(
        io, answer(std::string("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                               "Content-Length: ") +
                       std::to_string(std::string(kPolicy).size()) + "\r\n\r\n" + kPolicy,
                   &request));
    auto connector = local_connector();
    HttpsGetResult r;
    run_client(
        io, server,
        [&]() -> asio::awaitable<void> {
            r = co_await https_get(io.get_executor(), *connector, options(server));
        },
        false);
    EXPECT_EQ(r.response.status, 200);
    EXPECT_EQ(r.response.body, kPolicy);
    EXPECT_TRUE(r.tls.verified);
    EXPECT_NE(request.find("GET /.well-known/mta-sts.txt HTTP/1.1\n"), std::string::npos)
        << request;
    EXPECT_NE(request.find("Host: localhost\n"), std::string::npos) << request;
}

TEST(HttpsGet, RedirectIsReturnedNotFollowed) {
    asio::io_context io;
    LoopbackServer server(io, answer("HTTP/1.1 301 Moved Permanently\r\nLocation: "
                                     "https://elsewhere.example/\r\nContent-Length: 0\r\n\r\n"));
    auto connector = local_connector();
    HttpsGetResult r;
    run_client(
        io, server,
        [&]() -> asio::awaitable<void> {
            r = co_await https_get(io.get_executor(), *connector, options(server));
        },
        false);
    EXPECT_EQ(r.response.status, 301);
    ASSERT_NE(r.response.header("location"), nullptr);
    EXPECT_EQ(server.peers.size(), 1u);  // one connection: nothing followed
}

TEST(HttpsGet, OversizedBodyIsALimitError) {
    asio::io_context io;
    LoopbackServer server(
        io, answer("HTTP/1.1 200 OK\r\nContent-Length: 70000\r\n\r\n" + std::string(70000, 'x')));
    auto connector = local_connector();
    std::optional<StepError> err;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        try {
            co_await https_get(io.get_executor(), *connector, options(server));
        } catch (const StepError& e) {
            err = e;
        }
    });
    ASSERT_TRUE(err);
    EXPECT_EQ(err->kind(), StepError::Kind::limit) << err->what();
}

TEST(HttpsGet, UntrustedCertificateIsRefused) {
    asio::io_context io;
    LoopbackServer server(io, answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    auto connector = local_connector();
    auto o = options(server);
    o.ca_file = TestPki::get().other_ca_file;
    std::optional<StepError> err;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        try {
            co_await https_get(io.get_executor(), *connector, o);
        } catch (const StepError& e) {
            err = e;
        }
    });
    ASSERT_TRUE(err);
    EXPECT_EQ(err->kind(), StepError::Kind::verify) << err->what();
}

TEST(HttpsGet, SilentServerTimesOut) {
    asio::io_context io;
    LoopbackServer server(io, [](ServerConn& c) -> asio::awaitable<void> {
        co_await c.start_tls();
        co_await c.read_to_end();
    });
    auto connector = local_connector();
    auto o = options(server);
    o.timeout = std::chrono::milliseconds(300);
    std::optional<StepError> err;
    run_client(io, server, [&]() -> asio::awaitable<void> {
        try {
            co_await https_get(io.get_executor(), *connector, o);
        } catch (const StepError& e) {
            err = e;
        }
    });
    ASSERT_TRUE(err);
    EXPECT_EQ(err->kind(), StepError::Kind::timeout) << err->what();
}

}  // namespace
}  // namespace mailspec::transport
