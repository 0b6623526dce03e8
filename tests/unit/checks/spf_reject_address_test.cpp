// spf_reject: which address SPF is evaluated for when the suite gives no `ip` — the local end
// of a connection (local vantage), the bind address, XCLIENT's ADDR — and that socks5 and ssh
// vantages make the check inconclusive instead of guessing. The DNS server given to the check
// is a closed loopback port, so SPF ends in temperror (inconclusive) and the probe never runs:
// these tests look only at the address; tests/integration/test_pregreet_dialogue_spf.sh runs
// the whole check against the lab.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "checks/check.hpp"
#include "checks/check_run.hpp"
#include "runner/suite_loader.hpp"
#include "tests/unit/support/fake_smtp_server.hpp"
#include "tests/unit/support/temp_file.hpp"
#include "transport/connector.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

class SpfRejectAddress : public ::testing::Test {
  protected:
    // Runs the suite's one check from `vantage`; counts the connections the server saw.
    Result run(const Vantage& vantage, std::shared_ptr<transport::Connector> connector,
               const std::string& extra = "") {
        test::FakeSmtpServer server(io_, test::FakeSmtpBehaviour{});
        const std::string yaml =
            "suite: t\ntargets:\n  mx: { host: 127.0.0.1, port: " + std::to_string(server.port()) +
            " }\ndefaults: { timeout: 5s }\nchecks:\n  - id: c\n    target: mx\n"
            "    spf_reject: { sender: probe@spf-fail.example, rcpt: a@example.org, dns: " +
            "127.0.0.1:" + std::to_string(closed_udp_port()) + extra + " }\n";
        auto loaded = load_suite(dir_.write("s.yaml", yaml));
        for (const auto& d : loaded.diagnostics)
            ADD_FAILURE() << d.str();
        std::vector<Result> results;
        if (!loaded.suite) return {};
        const Suite& suite = *loaded.suite;
        const CheckSpec& spec = suite.checks.front();
        CheckRun cr(CheckRun::Context{suite, spec, suite.targets.at(spec.target), vantage,
                                      std::move(connector), io_.get_executor(),
                                      [&](Result r) { results.push_back(std::move(r)); }});
        boost::asio::co_spawn(io_, spec.check->run(cr), [&](std::exception_ptr e) {
            if (e) ADD_FAILURE() << "check threw";
            server.stop();
        });
        io_.run();
        io_.restart();
        sessions_ = server.sessions();
        if (results.size() != 1) {
            ADD_FAILURE() << "expected one result, got " << results.size();
            return {};
        }
        return results.front();
    }
    // A UDP port on 127.0.0.1 with nobody behind it (bound, then released).
    static unsigned short closed_udp_port() {
        boost::asio::io_context io;
        boost::asio::ip::udp::socket s(
            io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
        return s.local_endpoint().port();
    }
    static Vantage vantage(VantageKind kind, const std::string& name) {
        Vantage v;
        v.kind = kind;
        v.name = name;
        return v;
    }

    boost::asio::io_context io_;
    test::TempDir dir_;
    std::size_t sessions_ = 0;
};

TEST_F(SpfRejectAddress, LocalVantageUsesTheLocalEndOfAConnection) {
    auto r = run(vantage(VantageKind::local, "local"), transport::local_connector());
    EXPECT_EQ(r.status, Status::inconclusive) << r.message;  // temperror: DNS is closed
    EXPECT_EQ(r.properties["spf.ip"], "127.0.0.1");
    EXPECT_THAT(r.properties["spf.ip_source"], HasSubstr("local end of a connection"));
    EXPECT_THAT(r.message, HasSubstr("from 127.0.0.1 is temperror"));
    EXPECT_EQ(sessions_, 1u);  // only the connection that told the address
}

TEST_F(SpfRejectAddress, BindVantageUsesItsSourceAddress) {
    auto v = vantage(VantageKind::bind, "b");
    v.address = "127.0.0.3";
    auto r = run(v, transport::bind_connector("127.0.0.3"));
    EXPECT_EQ(r.properties["spf.ip"], "127.0.0.3");
    EXPECT_EQ(r.properties["spf.ip_source"], "vantage b");
    EXPECT_EQ(sessions_, 0u);
}

TEST_F(SpfRejectAddress, XclientVantageUsesTheImpersonatedAddress) {
    auto v = vantage(VantageKind::xclient, "x");
    v.xclient = {{"NAME", "spoof.example"}, {"ADDR", "IPV6:2001:db8::7"}};
    auto r = run(v, transport::local_connector());
    EXPECT_EQ(r.properties["spf.ip"], "2001:db8::7");
    auto none = vantage(VantageKind::xclient, "y");
    none.xclient = {{"NAME", "spoof.example"}};
    r = run(none, transport::local_connector());
    EXPECT_EQ(r.status, Status::inconclusive);
    EXPECT_THAT(r.message, HasSubstr("sets no ADDR attribute"));
}

TEST_F(SpfRejectAddress, ProxiedVantagesAreInconclusiveWithoutIp) {
    for (auto kind : {VantageKind::socks5, VantageKind::ssh}) {
        auto r = run(vantage(kind, "p"), transport::local_connector());
        EXPECT_EQ(r.status, Status::inconclusive);
        EXPECT_THAT(r.message, HasSubstr("hides the address the server sees"));
        EXPECT_THAT(r.message, HasSubstr("set spf_reject.ip"));
        EXPECT_EQ(sessions_, 0u);
    }
    auto r =
        run(vantage(VantageKind::socks5, "p"), transport::local_connector(), ", ip: 192.0.2.9");
    EXPECT_EQ(r.properties["spf.ip"], "192.0.2.9");
    EXPECT_EQ(r.properties["spf.ip_source"], "spf_reject.ip");
}

}  // namespace
}  // namespace mailspec
