// The SMTP engine against the real lab Postfix (with Dovecot SASL). These run only when
// MAILSPEC_LAB=1, which tests/integration/test_engine_lab.sh sets after `lab/up`; in a plain
// unit run they are skipped with that reason.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "protocol/sasl/factory.hpp"
#include "transport/connector.hpp"
#include "transport/openssl_crypto.hpp"
#include "transport/smtp_client.hpp"

namespace mailspec::transport {
namespace {

const std::string kLab = std::string(MAILSPEC_SOURCE_DIR) + "/lab/run";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class LabEngine : public ::testing::Test {
  protected:
    void SetUp() override {
        if (std::getenv("MAILSPEC_LAB") == nullptr)
            GTEST_SKIP() << "needs the lab: run tests/integration/test_engine_lab.sh";
    }
    SmtpClientOptions options(bool implicit = false) {
        SmtpClientOptions o;
        o.tls.ca_file = kLab + "/tls/ca.pem";
        o.tls.server_name = "mail.lab.test";
        o.implicit_tls = implicit;
        o.timeouts.total = std::chrono::seconds(20);
        return o;
    }
    // Runs `body` against a client connected from the outside vantage address.
    void with_client(SmtpClientOptions o,
                     std::function<boost::asio::awaitable<void>(SmtpClient&)> body) {
        boost::asio::io_context io;
        SmtpClient c(io.get_executor(), std::move(o), bind_connector("127.0.0.30"));
        std::string error;
        boost::asio::co_spawn(
            io,
            [&]() -> boost::asio::awaitable<void> {
                try {
                    co_await body(c);
                } catch (const std::exception& e) {
                    error = e.what();
                }
            },
            boost::asio::detached);
        io.run();
        EXPECT_EQ(error, "");
    }
    sasl::Credentials alice(std::string password = read_file(kLab + "/secrets/alice.password")) {
        return {"alice", std::move(password), "", ""};
    }
    // AUTH with `mechanism` on 587 after STARTTLS; returns the final reply.
    smtp::Reply authenticate(const std::string& mechanism, sasl::Credentials creds) {
        smtp::Reply final;
        with_client(options(), [&](SmtpClient& c) -> boost::asio::awaitable<void> {
            Endpoint ep("127.0.0.10", 587);
            co_await c.open(ep);
            co_await c.ehlo("probe.mailspec.test");
            auto tls = co_await c.starttls();
            EXPECT_EQ(tls.code, 220);
            auto caps = co_await c.ehlo("probe.mailspec.test");
            EXPECT_TRUE(caps.capabilities && caps.capabilities->offers_auth(mechanism));
            OpenSslCrypto crypto;
            auto made = sasl::make_mechanism(mechanism, creds, crypto);
            auto* mech = std::get_if<std::unique_ptr<sasl::Mechanism>>(&made);
            EXPECT_NE(mech, nullptr);
            if (mech == nullptr) co_return;
            auto result = co_await c.auth(**mech);
            final = result.reply;
            co_await c.quit();
        });
        return final;
    }
};

TEST_F(LabEngine, EhloKeywordsOnTheMx) {
    with_client(options(), [](SmtpClient& c) -> boost::asio::awaitable<void> {
        Endpoint ep("127.0.0.10", 25);
        auto greeting = co_await c.open(ep);
        EXPECT_EQ(greeting.code, 220);
        auto e = co_await c.ehlo("probe.mailspec.test");
        EXPECT_TRUE(e.capabilities->has("STARTTLS"));
        EXPECT_TRUE(e.capabilities->has("PIPELINING"));
        EXPECT_EQ(e.capabilities->size(), 10240000u);
        EXPECT_FALSE(e.capabilities->has("AUTH"));  // smtpd_tls_auth_only
        co_await c.quit();
    });
}

TEST_F(LabEngine, StartTlsOn25And587VerifiesTheLabCertificate) {
    for (std::uint16_t port : {25, 587}) {
        with_client(options(), [port](SmtpClient& c) -> boost::asio::awaitable<void> {
            Endpoint ep("127.0.0.10", port);
            co_await c.open(ep);
            co_await c.ehlo("probe.mailspec.test");
            auto r = co_await c.starttls();
            EXPECT_EQ(r.code, 220);
            EXPECT_TRUE(c.tls_info() && c.tls_info()->verified) << port;
            EXPECT_EQ(c.tls_info()->subject.find("mail.lab.test") != std::string::npos, true);
            auto e = co_await c.ehlo("probe.mailspec.test");
            EXPECT_EQ(e.capabilities->has("AUTH"), port == 587);
            co_await c.quit();
        });
    }
}

TEST_F(LabEngine, ImplicitTlsOn465) {
    with_client(options(true), [](SmtpClient& c) -> boost::asio::awaitable<void> {
        Endpoint ep("127.0.0.10", 465);
        auto greeting = co_await c.open(ep);
        EXPECT_EQ(greeting.code, 220);
        EXPECT_TRUE(c.tls_active());
        EXPECT_TRUE(c.tls_info()->verified);
        co_await c.quit();
    });
}

TEST_F(LabEngine, AuthPlainAndLoginSucceedThroughDovecot) {
    EXPECT_EQ(authenticate("PLAIN", alice()).code, 235);
    EXPECT_EQ(authenticate("LOGIN", alice()).code, 235);
}

TEST_F(LabEngine, ABadPasswordGets535_5_7_8) {
    auto r = authenticate("PLAIN", alice("not the password"));
    EXPECT_EQ(r.code, 535);
    ASSERT_TRUE(r.enhanced);
    EXPECT_EQ(r.enhanced->to_string(), "5.7.8");
}

TEST_F(LabEngine, PipelinedBatch) {
    with_client(options(), [](SmtpClient& c) -> boost::asio::awaitable<void> {
        Endpoint ep("127.0.0.10", 25);
        co_await c.open(ep);
        co_await c.ehlo("probe.mailspec.test");
        std::vector<std::string> batch{smtp::cmd::mail_from("probe@spf-pass.lab.test"),
                                       smtp::cmd::rcpt_to("alice@lab.test"),
                                       smtp::cmd::rcpt_to("nobody@lab.test"), smtp::cmd::rset()};
        auto b = co_await c.pipeline(batch);
        EXPECT_TRUE(b.pipelined);
        EXPECT_EQ(b.replies.size(), 4u);
        if (b.replies.size() != 4u) co_return;
        EXPECT_EQ(b.replies[0].code, 250);
        EXPECT_EQ(b.replies[1].code, 250);
        EXPECT_EQ(b.replies[2].code, 550);  // unknown user: recipient verification
        EXPECT_EQ(b.replies[3].code, 250);
        co_await c.quit();
    });
}

}  // namespace
}  // namespace mailspec::transport
