// The c-ares resolver against two hand-written loopback DNS fakes. A real server cannot be made
// to swallow queries or to answer SERVFAIL/REFUSED on demand, so these fakes exist:
//  - Swallower: a bound UDP socket that reads and drops every query (a dead server).
//  - Responder: answers by the first label of the question: "nx" NXDOMAIN, "nodata" NODATA,
//    "servfail" SERVFAIL, "refused" REFUSED, "a" one A record, "txt" a two-string SPF TXT,
//    "mx" one MX record.
#include "transport/dns/cares_resolver.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <optional>

#include "protocol/spf/check.hpp"
#include "tests/unit/protocol/dns/wire_builder.hpp"

namespace mailspec::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

class FakeDnsServer {
  public:
    FakeDnsServer(asio::io_context& io, bool answer)
        : socket_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), answer_(answer) {
        receive();
    }
    std::string address() const {
        return "127.0.0.1:" + std::to_string(socket_.local_endpoint().port());
    }
    unsigned received = 0;
    std::vector<std::uint8_t> last_query;  // as the resolver sent it

  private:
    void receive() {
        socket_.async_receive_from(asio::buffer(buf_), peer_,
                                   [this](boost::system::error_code ec, std::size_t n) {
                                       if (ec) return;
                                       ++received;
                                       if (answer_) reply({buf_.begin(), buf_.begin() + n});
                                       receive();
                                   });
    }

    void reply(const std::vector<std::uint8_t>& q) {
        std::string first;
        if (q.size() > 13) first.assign(q.begin() + 13, q.begin() + 13 + q[12]);
        int rcode = first == "nx" ? 3 : first == "servfail" ? 2 : first == "refused" ? 5 : 0;
        last_query = q;
        auto r = test::WireBuilder::response_to(q, rcode);
        if (first == "a") r.answer(1, {192, 0, 2, 1});
        if (first == "txt") r.answer(16, test::WireBuilder::txt({"v=spf1 ip4:192.0.2.1", " -all"}));
        if (first == "mx") r.answer(15, test::WireBuilder::mx(10, "a.example.test"));
        auto bytes = std::make_shared<std::vector<std::uint8_t>>(r.bytes());
        // "ad": a validating resolver's secure answer (AD, RFC 4035 §3.2.3) with a TLSA record.
        if (first == "ad") {
            r.answer(52, {3, 1, 1, 0xab, 0xcd});
            *bytes = r.bytes();
            (*bytes)[3] |= 0x20;
        }
        socket_.async_send_to(asio::buffer(*bytes), peer_,
                              [bytes](boost::system::error_code, std::size_t) {});
    }

    udp::socket socket_;
    bool answer_;
    std::array<std::uint8_t, 1500> buf_{};
    udp::endpoint peer_;
};

class CaresResolverTest : public ::testing::Test {
  protected:
    dns::Answer ask(FakeDnsServer& server, const std::string& name, dns::RrType type,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
        CaresResolver resolver(io.get_executor(), {server.address(), timeout, 2});
        std::optional<dns::Answer> got;
        resolver.resolve({name, type}, [&](dns::Answer a) { got = std::move(a); });
        run_until([&] { return got.has_value(); });
        EXPECT_TRUE(got.has_value()) << "no answer for " << name;
        return got.value_or(dns::Answer::with_status(dns::Status::error, "no answer"));
    }
    // Runs the loop until `done` (the fake servers keep it busy forever). The 30 s cap is a
    // safety net only: the resolver's own deadline must end every query well before it.
    template <class Pred>
    void run_until(Pred done) {
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (!done() && std::chrono::steady_clock::now() < end)
            io.run_one_for(std::chrono::milliseconds(100));
    }
    asio::io_context io;
};

TEST_F(CaresResolverTest, SilentServerGivesTimeout) {
    FakeDnsServer dead(io, false);
    auto a = ask(dead, "example.test", dns::RrType::a, std::chrono::milliseconds(300));
    EXPECT_EQ(a.status, dns::Status::timeout);
    EXPECT_GE(dead.received, 1u);  // it was asked, and retried at most `attempts` times
    EXPECT_LE(dead.received, 2u);
}

TEST_F(CaresResolverTest, NxdomainNodataServfailRefusedStayDistinct) {
    FakeDnsServer fake(io, true);
    EXPECT_EQ(ask(fake, "nx.example.test", dns::RrType::a).status, dns::Status::nxdomain);
    EXPECT_EQ(ask(fake, "nodata.example.test", dns::RrType::a).status, dns::Status::nodata);
    EXPECT_EQ(ask(fake, "servfail.example.test", dns::RrType::a).status, dns::Status::servfail);
    EXPECT_EQ(ask(fake, "refused.example.test", dns::RrType::a).status, dns::Status::refused);
}

TEST_F(CaresResolverTest, DecodesAnswers) {
    FakeDnsServer fake(io, true);
    auto a = ask(fake, "a.example.test", dns::RrType::a);
    ASSERT_EQ(a.status, dns::Status::ok);
    EXPECT_EQ(a.addresses.at(0).to_string(), "192.0.2.1");
    auto t = ask(fake, "txt.example.test", dns::RrType::txt);
    ASSERT_EQ(t.texts.size(), 1u);
    EXPECT_EQ(t.texts[0], "v=spf1 ip4:192.0.2.1 -all");
    auto m = ask(fake, "mx.example.test", dns::RrType::mx);
    ASSERT_EQ(m.mx.size(), 1u);
    EXPECT_EQ(m.mx[0].exchange, "a.example.test");
}

TEST_F(CaresResolverTest, SpfOverCaresPasses) {
    FakeDnsServer fake(io, true);
    CaresResolver resolver(io.get_executor(), {fake.address(), std::chrono::seconds(2), 2});
    spf::Request req;
    req.ip = *dns::IpAddress::parse("192.0.2.1");
    req.sender = "user@txt.example.test";
    std::optional<spf::Result> got;
    spf::check_host_async(resolver, req, [&](spf::Result r) { got = std::move(r); });
    run_until([&] { return got.has_value(); });
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->code, spf::Code::pass);
    EXPECT_EQ(got->queries, 1u);
}

TEST_F(CaresResolverTest, SpfAgainstDeadServerIsBoundedTemperror) {
    FakeDnsServer dead(io, false);
    CaresResolver resolver(io.get_executor(), {dead.address(), std::chrono::milliseconds(300), 1});
    spf::Request req;
    req.ip = *dns::IpAddress::parse("192.0.2.1");
    req.sender = "user@example.test";
    std::optional<spf::Result> got;
    spf::check_host_async(resolver, req, [&](spf::Result r) { got = std::move(r); });
    run_until([&] { return got.has_value(); });
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->code, spf::Code::temperror);
    EXPECT_EQ(got->queries, 1u);
}

TEST_F(CaresResolverTest, ConcurrentQueriesAllComplete) {
    FakeDnsServer fake(io, true);
    CaresResolver resolver(io.get_executor(), {fake.address(), std::chrono::seconds(2), 2});
    int done = 0;
    for (int i = 0; i < 20; ++i)
        resolver.resolve({"a.example.test", dns::RrType::a}, [&](dns::Answer a) {
            EXPECT_EQ(a.status, dns::Status::ok);
            ++done;
        });
    run_until([&] { return done == 20; });
    EXPECT_EQ(done, 20);
}

TEST_F(CaresResolverTest, DestroyingTheResolverCompletesPendingQueries) {
    FakeDnsServer dead(io, false);
    std::optional<dns::Answer> got;
    {
        CaresResolver resolver(io.get_executor(), {dead.address(), std::chrono::seconds(10), 1});
        resolver.resolve({"x.example.test", dns::RrType::a}, [&](dns::Answer a) { got = a; });
        io.poll();
    }
    run_until([&] { return got.has_value(); });
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->status, dns::Status::error);
}

TEST(DnsServerOption, NormalizesHostPort) {
    EXPECT_EQ(normalize_dns_server("127.0.0.1:5353"), "127.0.0.1:5353");
    EXPECT_EQ(normalize_dns_server("127.0.0.10"), "127.0.0.10");
    EXPECT_EQ(normalize_dns_server("[::1]:53"), "[::1]:53");
    EXPECT_EQ(normalize_dns_server("::1"), "[::1]");
    EXPECT_FALSE(normalize_dns_server("dns.example:53").has_value());
    EXPECT_FALSE(normalize_dns_server("127.0.0.1:").has_value());
    EXPECT_FALSE(normalize_dns_server("127.0.0.1:70000").has_value());
    EXPECT_FALSE(normalize_dns_server("127.0.0.1:0").has_value());
    EXPECT_FALSE(normalize_dns_server("[::1").has_value());
}

TEST(DnsServerOption, BadServerThrows) {
    asio::io_context io;
    EXPECT_THROW(CaresResolver(io.get_executor(), {"not-an-ip:53"}), std::runtime_error);
}

TEST_F(CaresResolverTest, DnssecQuestionsCarryDoAndCdAndReadAd) {
    FakeDnsServer server(io, true);
    CaresResolver resolver(io.get_executor(),
                           {server.address(), std::chrono::milliseconds(2000), 2});
    std::optional<dns::Answer> got;
    dns::Question q{"ad.example.test", dns::RrType::tlsa, true, true};
    resolver.resolve(q, [&](dns::Answer a) { got = std::move(a); });
    run_until([&] { return got.has_value(); });
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, dns::Status::ok);
    EXPECT_TRUE(got->authentic_data);
    ASSERT_EQ(got->tlsa.size(), 1u);
    EXPECT_EQ(got->tlsa[0].usage, 3);
    const auto& sent = server.last_query;
    ASSERT_GE(sent.size(), 12u + 11u);
    EXPECT_EQ(sent[3] & 0x10, 0x10);  // CD
    EXPECT_EQ(sent[11], 1);           // one additional record: the OPT
    // OPT's TTL field: extended RCODE 0, version 0, flags with DO (0x8000).
    const std::size_t ttl = sent.size() - 11 + 5;
    EXPECT_EQ(sent[ttl + 2], 0x80);
}

TEST_F(CaresResolverTest, PlainQuestionsHaveNoDoBitAndNoAd) {
    FakeDnsServer server(io, true);
    auto a = ask(server, "a.example.test", dns::RrType::a);
    EXPECT_FALSE(a.authentic_data);
    ASSERT_GE(server.last_query.size(), 12u);
    EXPECT_EQ(server.last_query[3] & 0x10, 0);  // no CD
}

}  // namespace
}  // namespace mailspec::transport
