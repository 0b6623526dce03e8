#include "checks/domain_dns.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "checks/check_run.hpp"

namespace mailspec {
namespace {

TEST(DomainDnsServer, CheckBeatsTargetBeatsRunBeatsSystem) {
    EXPECT_EQ(choose_dns_server("127.0.0.61:53", "127.0.0.10:53", "9.9.9.9"), "127.0.0.61:53");
    EXPECT_EQ(choose_dns_server("", "127.0.0.10:53", "9.9.9.9"), "127.0.0.10:53");
    EXPECT_EQ(choose_dns_server("", "", "9.9.9.9"), "9.9.9.9");
    EXPECT_EQ(choose_dns_server("", "", ""), "");  // c-ares reads resolv.conf
}

// The same order as a running check sees it: its target's `dns:` and the run's --dns.
TEST(DomainDnsServer, ARunningCheckUsesItsTargetAndTheRunsServer) {
    boost::asio::io_context io;
    Suite suite;
    suite.dns = "127.0.0.1:5353";  // mailspec run --dns
    CheckSpec spec;
    spec.id = "mx";
    Target target;
    target.name = "domain";
    Vantage vantage;
    auto run_with = [&](const Target& t) {
        return CheckRun(
            CheckRun::Context{suite, spec, t, vantage, nullptr, io.get_executor(), [](Result) {}});
    };
    EXPECT_EQ(dns_server_for(run_with(target), ""), "127.0.0.1:5353");
    target.dns = "127.0.0.10:53";
    EXPECT_EQ(dns_server_for(run_with(target), ""), "127.0.0.10:53");
    EXPECT_EQ(dns_server_for(run_with(target), "127.0.0.61"), "127.0.0.61");
}

}  // namespace
}  // namespace mailspec
