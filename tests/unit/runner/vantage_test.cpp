// The vantage forms of the suite loader (netns, socks5) and the scheduler's handling of a
// vantage that cannot be used.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "runner/connectors.hpp"
#include "runner/scheduler.hpp"
#include "runner/suite_loader.hpp"
#include "tests/unit/support/temp_file.hpp"
#include "transport/error.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

class VantageLoaderTest : public ::testing::Test {
  protected:
    LoadedSuite load(const std::string& vantages) {
        return load_suite(dir_.write("suite.yaml",
                                     "suite: s\ntargets: { mx: { host: h } }\n"
                                     "vantages:\n" +
                                         vantages + "checks: [{id: b, banner: {}}]\n"));
    }
    std::string only_error(const std::string& vantages) {
        auto r = load(vantages);
        EXPECT_FALSE(r.suite);
        std::string all;
        for (auto& d : r.diagnostics)
            all += std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                   d.message + "\n";
        EXPECT_EQ(r.diagnostics.size(), 1u) << all;
        return all;
    }
    test::TempDir dir_;
};

TEST_F(VantageLoaderTest, Socks5ShortForm) {
    auto r = load(
        "  p: { socks5: \"127.0.0.1:1081\" }\n  q: { socks5: \"[::1]:9050\" }\n"
        "  n: { socks5: proxy.example }\n");
    ASSERT_TRUE(r.suite);
    const auto& p = r.suite->vantages.at("p");
    EXPECT_EQ(p.kind, VantageKind::socks5);
    EXPECT_EQ(p.proxy_host, "127.0.0.1");
    EXPECT_EQ(p.proxy_port, 1081);
    EXPECT_FALSE(p.password);
    EXPECT_EQ(r.suite->vantages.at("q").proxy_host, "::1");
    EXPECT_EQ(r.suite->vantages.at("q").proxy_port, 9050);
    EXPECT_EQ(r.suite->vantages.at("n").proxy_port, 1080);  // the SOCKS default
}

TEST_F(VantageLoaderTest, Socks5WithCredentialsAndSource) {
    auto r = load(
        "  p: { socks5: { proxy: \"127.0.0.1:1080\", user: alice, password_env: PW, "
        "bind: 127.0.0.2 } }\n");
    ASSERT_TRUE(r.suite);
    const auto& p = r.suite->vantages.at("p");
    EXPECT_EQ(p.user, "alice");
    ASSERT_TRUE(p.password);
    EXPECT_EQ(p.password->source, SecretRef::Source::env);
    EXPECT_EQ(p.password->name, "PW");
    EXPECT_EQ(p.address, "127.0.0.2");
}

TEST_F(VantageLoaderTest, Socks5Mistakes) {
    EXPECT_THAT(only_error("  p: { socks5: \"::1:1080\" }\n"),
                HasSubstr("4:16: vantage 'p': socks5 needs the proxy as HOST:PORT"));
    EXPECT_THAT(only_error("  p: { socks5: \"h:99999\" }\n"), HasSubstr("needs the proxy as"));
    EXPECT_THAT(only_error("  p: { socks5: { proxy: \"h:1\", user: alice } }\n"),
                HasSubstr("user needs password_env"));
    EXPECT_THAT(only_error("  p: { socks5: { proxy: \"h:1\", user: a, password: x } }\n"),
                HasSubstr("inline passwords are refused"));
    EXPECT_THAT(only_error("  p: { socks5: { proxy: \"h:1\", usr: a } }\n"), HasSubstr("usr"));
    EXPECT_THAT(only_error("  p: { socks5: { user: a, password_env: P } }\n"), HasSubstr("proxy"));
}

TEST_F(VantageLoaderTest, EximBhForms) {
    auto r = load(
        "  a: { exim_bh: 192.0.2.7 }\n"
        "  b: { exim_bh: { address: \"2001:db8::7\", command: [../lab/exim-bh, -v] } }\n"
        "  c: { exim_bh: { address: 198.51.100.1, command: [exim4, -C, /etc/x.conf] } }\n");
    ASSERT_TRUE(r.suite);
    const auto& a = r.suite->vantages.at("a");
    EXPECT_EQ(a.kind, VantageKind::exim_bh);
    EXPECT_EQ(a.address, "192.0.2.7");
    EXPECT_EQ(a.exim_command, std::vector<std::string>{"exim"});  // the documented default
    const auto& b = r.suite->vantages.at("b");
    EXPECT_EQ(b.address, "2001:db8::7");
    ASSERT_EQ(b.exim_command.size(), 2u);
    // A program named by a path is relative to the suite file; a bare name is looked up in PATH.
    EXPECT_EQ(b.exim_command[0], (dir_.path() / "../lab/exim-bh").lexically_normal().string());
    EXPECT_EQ(b.exim_command[1], "-v");
    EXPECT_EQ(r.suite->vantages.at("c").exim_command,
              (std::vector<std::string>{"exim4", "-C", "/etc/x.conf"}));
}

TEST_F(VantageLoaderTest, EximBhThroughAnSshVantageTakesItsLogin) {
    auto r = load(
        "  probe: { ssh: { destination: root@mx.example, port: 2222, identity_file: keys/k,\n"
        "                  ssh_options: [StrictHostKeyChecking=no] } }\n"
        "  bh: { exim_bh: { address: 192.0.2.7, ssh: probe, command: [/usr/sbin/exim4] } }\n"
        "  rel: { exim_bh: { address: 192.0.2.7, ssh: probe, command: [bin/exim] } }\n");
    ASSERT_TRUE(r.suite);
    const auto& bh = r.suite->vantages.at("bh");
    EXPECT_EQ(bh.kind, VantageKind::exim_bh);
    EXPECT_EQ(bh.ssh_destination, "root@mx.example");
    EXPECT_EQ(bh.ssh_port, 2222);
    EXPECT_EQ(bh.ssh_identity_file, (dir_.path() / "keys/k").lexically_normal().string());
    EXPECT_EQ(bh.ssh_options, std::vector<std::string>{"StrictHostKeyChecking=no"});
    EXPECT_EQ(bh.exim_command, std::vector<std::string>{"/usr/sbin/exim4"});
    // A program path through ssh is the ssh host's, not relative to the suite file.
    EXPECT_EQ(r.suite->vantages.at("rel").exim_command, std::vector<std::string>{"bin/exim"});
    EXPECT_THAT(only_error("  o: { bind: 127.0.0.2 }\n"
                           "  p: { exim_bh: { address: 192.0.2.7, ssh: o } }\n"),
                HasSubstr("vantage 'p': exim_bh ssh names no ssh vantage ('o')"));
    EXPECT_THAT(only_error("  p: { exim_bh: { address: 192.0.2.7, ssh: nowhere } }\n"),
                HasSubstr("exim_bh ssh names no ssh vantage ('nowhere')"));
}

TEST_F(VantageLoaderTest, EximBhMistakes) {
    EXPECT_THAT(only_error("  p: { exim_bh: outside.example }\n"),
                HasSubstr("exim_bh: address must be an IP address"));
    EXPECT_THAT(only_error("  p: { exim_bh: { command: [exim] } }\n"), HasSubstr("address"));
    EXPECT_THAT(only_error("  p: { exim_bh: { address: 192.0.2.7, command: [] } }\n"),
                HasSubstr("command needs at least the program"));
    EXPECT_THAT(only_error("  p: { exim_bh: { address: 192.0.2.7, cmd: [exim] } }\n"),
                HasSubstr("cmd"));
    EXPECT_THAT(only_error("  p: { exim_bh: 192.0.2.7, bind: 127.0.0.2 }\n"),
                HasSubstr("more than one kind"));
}

TEST_F(VantageLoaderTest, NetnsForms) {
    auto r = load("  a: { netns: inside }\n  b: { netns: { name: other, bind: 198.18.0.2 } }\n");
    ASSERT_TRUE(r.suite);
    EXPECT_EQ(r.suite->vantages.at("a").kind, VantageKind::netns);
    EXPECT_EQ(r.suite->vantages.at("a").netns, "inside");
    EXPECT_EQ(r.suite->vantages.at("b").netns, "other");
    EXPECT_EQ(r.suite->vantages.at("b").address, "198.18.0.2");
}

TEST_F(VantageLoaderTest, NetnsMistakes) {
    EXPECT_THAT(only_error("  a: { netns: ../etc }\n"),
                HasSubstr("4:15: vantage 'a': netns needs a namespace name"));
    EXPECT_THAT(only_error("  a: { netns: { name: x, bind: nowhere } }\n"),
                HasSubstr("bind needs an IPv4 or IPv6 address"));
    EXPECT_THAT(only_error("  a: { netns: { bind: 127.0.0.1 } }\n"), HasSubstr("name"));
}

// An xclient vantage connects as its `via` vantage does and carries the XCLIENT attributes.
TEST_F(VantageLoaderTest, XclientTakesOverItsViaVantage) {
    auto r = load(
        "  inside: { bind: 127.0.0.20 }\n"
        "  outsider: { xclient: { addr: 192.0.2.1, name: \"[UNAVAILABLE]\", helo: "
        "outside.example, via: inside } }\n"
        "  plain: { xclient: { addr: 192.0.2.2 } }\n");
    ASSERT_TRUE(r.suite);
    const auto& o = r.suite->vantages.at("outsider");
    EXPECT_EQ(o.name, "outsider");
    EXPECT_EQ(o.kind, VantageKind::bind);
    EXPECT_EQ(o.address, "127.0.0.20");
    using Attrs = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(
        o.xclient,
        (Attrs{{"ADDR", "192.0.2.1"}, {"NAME", "[UNAVAILABLE]"}, {"HELO", "outside.example"}}));
    EXPECT_EQ(r.suite->vantages.at("plain").kind, VantageKind::local);
    EXPECT_EQ(r.suite->vantages.at("plain").xclient, (Attrs{{"ADDR", "192.0.2.2"}}));
    EXPECT_TRUE(r.suite->vantages.at("inside").xclient.empty());
}

TEST_F(VantageLoaderTest, XclientMistakes) {
    EXPECT_THAT(only_error("  x: { xclient: { addr: 192.0.2.1, via: nowhere } }\n"),
                HasSubstr("4:6: vantage 'x': xclient via unknown vantage 'nowhere'"));
    EXPECT_THAT(only_error("  x: { xclient: { addr: 192.0.2.1 } }\n"
                           "  y: { xclient: { addr: 192.0.2.2, via: x } }\n"),
                HasSubstr("which is an xclient vantage too"));
    EXPECT_THAT(only_error("  x: { xclient: { via: local } }\n"),
                HasSubstr("needs at least one attribute"));
    EXPECT_THAT(only_error("  x: { xclient: { adr: 192.0.2.1, name: n } }\n"),
                HasSubstr("did you mean 'addr'"));
}

TEST(VantageConnectorTest, MissingNamespaceIsUnusableWithAClearReason) {
    Vantage v;
    v.name = "inside";
    v.kind = VantageKind::netns;
    v.netns = "mailspec-no-such-namespace";
    try {
        make_connector(v);
        FAIL() << "a missing namespace must not give a connector";
    } catch (const transport::StepError& e) {
        EXPECT_THAT(e.what(),
                    HasSubstr("network namespace 'mailspec-no-such-namespace' does not exist"));
    }
}

TEST(VantageConnectorTest, UnreadableSocksPasswordIsUnusable) {
    Vantage v;
    v.name = "p";
    v.kind = VantageKind::socks5;
    v.proxy_host = "127.0.0.1";
    v.user = "alice";
    v.password = SecretRef{SecretRef::Source::env, "MAILSPEC_TEST_SURELY_UNSET", {}};
    EXPECT_THROW(
        {
            try {
                make_connector(v);
            } catch (const std::exception& e) {
                EXPECT_THAT(e.what(), HasSubstr("MAILSPEC_TEST_SURELY_UNSET is not set"));
                throw;
            }
        },
        std::runtime_error);
}

class Collect : public Reporter {
  public:
    void result(const Result& r) override { results.push_back(r); }
    std::vector<Result> results;
};

// A vantage whose connector cannot be made fails each of its checks with that one reason; the
// connector is asked for once per vantage, and checks from other vantages still run.
TEST(VantageSchedulerTest, UnusableVantageFailsItsChecksOnceEach) {
    test::TempDir dir;
    auto loaded = load_suite(dir.write("s.yaml", R"(suite: s
targets: { mx: { host: 127.0.0.1, port: 1 } }
vantages: { broken: { netns: gone }, fine: { bind: 127.0.0.1 } }
defaults: { from: [broken, fine] }
checks:
  - { id: one, banner: {} }
  - { id: two, banner: {} }
)"));
    ASSERT_TRUE(loaded.suite);
    std::map<std::string, int> asked;
    SchedulerOptions o;
    o.connector_for = [&](const Vantage& v) -> std::shared_ptr<transport::Connector> {
        ++asked[v.name];
        if (v.kind == VantageKind::netns) throw std::runtime_error("namespace gone is missing");
        return transport::bind_connector(v.address);
    };
    boost::asio::io_context io;
    Collect c;
    Scheduler sched(io, c, o);
    auto summary = sched.run({*loaded.suite});
    EXPECT_EQ(asked["broken"], 1);
    EXPECT_EQ(asked["fine"], 1);
    ASSERT_EQ(c.results.size(), 4u);
    int broken = 0;
    for (const auto& r : c.results) {
        EXPECT_EQ(r.status, Status::error);
        if (r.vantage == "broken") {
            ++broken;
            EXPECT_EQ(r.message, "vantage 'broken' cannot be used: namespace gone is missing");
        } else {
            EXPECT_EQ(r.vantage, "fine");
            EXPECT_THAT(r.message, HasSubstr("connect"));  // really tried: port 1 is closed
        }
    }
    EXPECT_EQ(broken, 2);
    EXPECT_EQ(summary.counts[Status::error], 4u);
}

}  // namespace
}  // namespace mailspec
