// ports against sockets of this test process: a listening loopback port that greets, one that
// stays silent, and a port nobody listens on (refused: closed). The connect-failure classifier
// is fed the reasons the transport really produces (Asio's strerror texts, SOCKS5 replies).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <list>

#include "checks/ports.hpp"
#include "tests/unit/support/check_runner.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using ::testing::HasSubstr;

TEST(PortStateOfFailure, RefusedIsClosedNoAnswerIsFiltered) {
    EXPECT_EQ(port_state_of_failure(false, "Connection refused (127.0.0.10:3306)"),
              PortState::closed);
    EXPECT_EQ(port_state_of_failure(false, "SOCKS5 proxy: connection refused"), PortState::closed);
    EXPECT_EQ(port_state_of_failure(true, "timed out connecting to 127.0.0.10:8080"),
              PortState::filtered);
    EXPECT_EQ(port_state_of_failure(false, "No route to host (192.0.2.1:25)"), PortState::filtered);
    EXPECT_EQ(port_state_of_failure(false, "Network is unreachable (192.0.2.1:25)"),
              PortState::filtered);
    // Says nothing about the port: the check cannot conclude.
    EXPECT_EQ(port_state_of_failure(false,
                                    "cannot use source address 127.0.0.99: Cannot "
                                    "assign requested address"),
              std::nullopt);
}

// Listening sockets that each greet with `banner` (empty: say nothing) and keep the client.
class Listeners {
  public:
    explicit Listeners(asio::io_context& io) : io_(io) {}
    std::uint16_t add(std::string banner) {
        auto& a =
            acceptors_.emplace_back(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        asio::co_spawn(io_, serve(a, std::move(banner)), asio::detached);
        return a.local_endpoint().port();
    }
    // A port that was just free: connecting is refused.
    std::uint16_t closed() {
        tcp::acceptor a(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        auto p = a.local_endpoint().port();
        a.close();
        return p;
    }
    void stop() {
        for (auto& a : acceptors_)
            a.close();
        for (auto& s : clients_)
            s.close();
    }
    int accepted = 0;

  private:
    asio::awaitable<void> serve(tcp::acceptor& a, std::string banner) {
        for (;;) {
            boost::system::error_code ec;
            auto s = co_await a.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return;
            ++accepted;
            if (!banner.empty())
                co_await asio::async_write(s, asio::buffer(banner),
                                           asio::redirect_error(asio::use_awaitable, ec));
            clients_.push_back(std::move(s));
        }
    }
    asio::io_context& io_;
    std::list<tcp::acceptor> acceptors_;
    std::list<tcp::socket> clients_;
};

class Ports : public ::testing::Test {
  protected:
    Result run(const std::string& body, const std::string& target_extra = "") {
        auto path =
            dir_.write("s.yaml", "suite: t\ntargets:\n  h: { host: 127.0.0.1" + target_extra +
                                     " }\nchecks:\n  - id: p\n    timeout: 2s\n    " + body + "\n");
        auto rs = test::run_check(io_, path, "p", [&] { servers_.stop(); });
        EXPECT_EQ(rs.size(), 1u);
        return rs.empty() ? Result{} : rs[0];
    }
    asio::io_context io_;
    Listeners servers_{io_};
    test::TempDir dir_;
};

TEST_F(Ports, PassesWhenOpenAndClosedAreAsListed) {
    auto smtp = servers_.add("220 mx.example ESMTP\r\n");
    auto other = servers_.add("");
    auto shut = servers_.closed();
    auto r = run("ports: { open: [" + std::to_string(smtp) + ", " + std::to_string(other) +
                 "], closed: [" + std::to_string(shut) + "], expect_banner: { " +
                 std::to_string(smtp) + ": \"^220 \" } }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    const auto p = "port." + std::to_string(smtp);
    EXPECT_EQ(r.properties[p + ".state"], "open");
    EXPECT_EQ(r.properties[p + ".banner"], "220 mx.example ESMTP");
    EXPECT_EQ(r.properties["port." + std::to_string(shut) + ".state"], "closed");
    EXPECT_EQ(r.properties["ports.closed"], std::to_string(shut));
    EXPECT_EQ(r.transcript.size(), 3u);
}

TEST_F(Ports, FailureNamesEachPortWithSeenAndExpectedState) {
    auto smtp = servers_.add("220 mx.example ESMTP\r\n");
    auto shut = servers_.closed();
    auto r = run("ports: { open: [" + std::to_string(shut) + "], closed: [" + std::to_string(smtp) +
                 "] }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("port " + std::to_string(shut) + " closed, expected open"));
    EXPECT_THAT(r.message, HasSubstr("port " + std::to_string(smtp) + " open, expected closed"));
}

TEST_F(Ports, WrongOrMissingBannerFails) {
    auto pop = servers_.add("+OK Dovecot ready.\r\n");
    auto silent = servers_.add("");
    auto r = run("ports: { open: [" + std::to_string(pop) + ", " + std::to_string(silent) +
                 "], expect_banner: { " + std::to_string(pop) + ": \"^220 \", " +
                 std::to_string(silent) + ": \"^220 \" }, connect_timeout: 1s }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("port " + std::to_string(pop) +
                                     " banner \"+OK Dovecot ready.\" does not match /^220 /"));
    EXPECT_THAT(r.message,
                HasSubstr("port " + std::to_string(silent) + " sent no banner within the timeout"));
}

TEST_F(Ports, KeepsToTheTargetsConnectionLimit) {
    std::string open;
    for (int i = 0; i < 5; ++i)
        open += (open.empty() ? "" : ", ") + std::to_string(servers_.add("220 x\r\n"));
    auto r = run("ports: { open: [" + open + "] }", ", max_connections: 1");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties["ports.peak_connections"], "1");
    EXPECT_EQ(servers_.accepted, 5);
}

TEST(PortsParse, RefusesBadPortsAndBannersOfPortsNotOpen) {
    test::TempDir dir;
    auto path = dir.write("s.yaml", R"(suite: t
targets: { h: { host: 127.0.0.1 } }
checks:
  - id: a
    ports: { open: [25, 0], closed: [25] }
  - id: b
    ports: { closed: [110], expect_banner: { 110: "^\\+OK" } }
  - id: c
    ports: { opne: [25] }
  - id: d
    ports: { open: [25], expect_banner: { 25: "([" } }
)");
    auto loaded = load_suite(path);
    std::string all;
    for (const auto& d : loaded.diagnostics)
        all += d.str() + "\n";
    EXPECT_THAT(all, HasSubstr("'0' is not a TCP port"));
    EXPECT_THAT(all, HasSubstr("port 25 is listed twice"));
    EXPECT_THAT(all, HasSubstr("expect_banner for port 110, which is not in the open list"));
    EXPECT_THAT(all, HasSubstr("opne"));
    EXPECT_THAT(all, HasSubstr("bad regex"));
}

}  // namespace
}  // namespace mailspec
