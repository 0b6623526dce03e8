#include "transport/cares_host_resolver.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <map>

#include "transport/error.hpp"

namespace mailspec::transport {
namespace {

// Answers from a map, at once; unknown questions are never answered (a dead server).
class MapResolver final : public dns::Resolver {
  public:
    std::map<dns::Question, dns::Answer> zone;
    void resolve(const dns::Question& q, Handler done) override {
        if (auto it = zone.find(q); it != zone.end()) done(it->second);
    }
};

dns::Answer addresses(std::vector<std::string> ips) {
    dns::Answer a;
    for (auto& ip : ips)
        a.addresses.push_back(*dns::IpAddress::parse(ip));
    return a;
}

std::vector<std::string> resolve(MapResolver& zone, const std::string& host, std::string& error,
                                 std::chrono::milliseconds wait = std::chrono::milliseconds(200)) {
    boost::asio::io_context io;
    CaresHostResolver r(std::shared_ptr<dns::Resolver>(&zone, [](auto*) {}));
    std::vector<std::string> out;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
            try {
                for (auto& ep :
                     co_await r.resolve(host, 25, std::chrono::steady_clock::now() + wait))
                    out.push_back(ep.address().to_string() + ":" + std::to_string(ep.port()));
            } catch (const StepError& e) {
                error = e.what();
            }
        },
        boost::asio::detached);
    io.run();
    return out;
}

TEST(CaresHostResolver, BothFamiliesIpv6First) {
    MapResolver z;
    z.zone[{"mx.example", dns::RrType::a}] = addresses({"192.0.2.1", "192.0.2.2"});
    z.zone[{"mx.example", dns::RrType::aaaa}] = addresses({"2001:db8::1"});
    std::string err;
    EXPECT_THAT(resolve(z, "mx.example", err),
                ::testing::ElementsAre("2001:db8::1:25", "192.0.2.1:25", "192.0.2.2:25"));
    EXPECT_EQ(err, "");
}

TEST(CaresHostResolver, SaysWhyThereIsNoAddress) {
    MapResolver z;
    z.zone[{"gone.example", dns::RrType::a}] = dns::Answer::with_status(dns::Status::nxdomain);
    z.zone[{"gone.example", dns::RrType::aaaa}] = dns::Answer::with_status(dns::Status::nxdomain);
    z.zone[{"broken.example", dns::RrType::a}] =
        dns::Answer::with_status(dns::Status::servfail, "SERVFAIL");
    z.zone[{"broken.example", dns::RrType::aaaa}] = dns::Answer::with_status(dns::Status::nodata);
    std::string err;
    EXPECT_TRUE(resolve(z, "gone.example", err).empty());
    EXPECT_EQ(err, "resolve: gone.example: no such domain (NXDOMAIN)");
    EXPECT_TRUE(resolve(z, "broken.example", err).empty());
    EXPECT_EQ(err, "resolve: broken.example: DNS failure (SERVFAIL)");
}

TEST(CaresHostResolver, ADeadServerEndsAtTheDeadline) {
    MapResolver z;  // answers nothing
    std::string err;
    EXPECT_TRUE(resolve(z, "mx.example", err, std::chrono::milliseconds(20)).empty());
    EXPECT_EQ(err, "resolve: timed out resolving mx.example");
}

}  // namespace
}  // namespace mailspec::transport
