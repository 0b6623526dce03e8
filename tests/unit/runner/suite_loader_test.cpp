#include "runner/suite_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

constexpr const char* kGood = R"(suite: demo
description: A small suite.
targets:
  mx: { host: 127.0.0.1, port: 25 }
  smtps: { host: 127.0.0.1, port: 465, tls: implicit }
vantages:
  inside: { bind: 127.0.0.1 }
  outside: { bind: 127.0.0.2 }
defaults: { timeout: 5s, helo: probe.test, from: [outside] }
checks:
  - id: banner-ok
    target: mx
    from: [inside, outside]
    banner: { code: 220, matches: "ESMTP", within: 2s }
  - id: caps
    target: mx
    tags: [tls]
    capabilities: { has: [STARTTLS], lacks: [AUTH], after_tls: { has: ["AUTH PLAIN"] } }
)";

class LoaderTest : public ::testing::Test {
  protected:
    LoadedSuite load(const std::string& yaml, LoadOptions opts = {}) {
        path_ = dir_.write("suite.yaml", yaml);
        return load_suite(path_, opts);
    }
    // The single diagnostic of a load, as "line:column: message".
    std::string only_error(const std::string& yaml) {
        auto r = load(yaml);
        EXPECT_FALSE(r.suite);
        if (r.diagnostics.size() != 1) {
            std::string all;
            for (auto& d : r.diagnostics)
                all += d.str() + "\n";
            ADD_FAILURE() << "expected one diagnostic, got " << r.diagnostics.size() << ":\n"
                          << all;
            return all;
        }
        auto& d = r.diagnostics[0];
        EXPECT_EQ(d.where.file, path_);
        return std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
               d.message;
    }
    test::TempDir dir_;
    std::string path_;
};

TEST_F(LoaderTest, LoadsATypedSuite) {
    auto r = load(kGood);
    ASSERT_TRUE(r.suite) << (r.diagnostics.empty() ? "" : r.diagnostics[0].str());
    const Suite& s = *r.suite;
    EXPECT_EQ(s.name, "demo");
    EXPECT_EQ(s.targets.at("smtps").tls, TlsMode::implicit);
    EXPECT_EQ(s.targets.at("smtps").port, 465);
    EXPECT_EQ(s.vantages.at("outside").address, "127.0.0.2");
    EXPECT_EQ(s.defaults.timeout, Millis(5000));
    ASSERT_EQ(s.checks.size(), 2u);
    EXPECT_EQ(s.checks[0].from, (std::vector<std::string>{"inside", "outside"}));
    EXPECT_EQ(s.checks[1].from, (std::vector<std::string>{"outside"}));  // from defaults
    EXPECT_EQ(s.checks[1].kind, "capabilities");
    EXPECT_EQ(s.checks[1].helo, "probe.test");
    EXPECT_EQ(s.checks[1].tags, (std::vector<std::string>{"tls"}));
    EXPECT_NE(s.checks[1].check, nullptr);
}

TEST_F(LoaderTest, ChecksWithoutVantagesRunFromLocal) {
    auto r = load("suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - id: b\n    banner: {}\n");
    ASSERT_TRUE(r.suite);
    EXPECT_EQ(r.suite->checks[0].target, "mx");  // the only target is the default
    EXPECT_EQ(r.suite->checks[0].from, (std::vector<std::string>{"local"}));
    EXPECT_EQ(r.suite->targets.at("mx").port, 25);
}

TEST_F(LoaderTest, ExpandsEnvironmentVariables) {
    LoadOptions opts;
    opts.env = [](const std::string& n) -> std::optional<std::string> {
        if (n == "MX_HOST") return "192.0.2.1";
        return std::nullopt;
    };
    auto r = load(
        "suite: s\ntargets:\n  mx: { host: \"${MX_HOST}\", port: \"${MX_PORT:-2525}\" }\n"
        "checks:\n  - id: b\n    banner: {}\n",
        opts);
    ASSERT_TRUE(r.suite);
    EXPECT_EQ(r.suite->targets.at("mx").host, "192.0.2.1");
    EXPECT_EQ(r.suite->targets.at("mx").port, 2525);
}

TEST_F(LoaderTest, VantagesFromOptionsOverrideTheSuite) {
    LoadOptions opts;
    Vantage outside;
    outside.name = "outside";
    outside.kind = VantageKind::bind;
    outside.address = "127.0.0.9";
    opts.vantages["outside"] = outside;
    auto r = load(kGood, opts);
    ASSERT_TRUE(r.suite);
    EXPECT_EQ(r.suite->vantages.at("outside").address, "127.0.0.9");
}

// --- malformed inputs: each names line:column and the key -------------------------------

TEST_F(LoaderTest, SyntaxErrorIsLocated) {
    EXPECT_THAT(only_error("suite: s\ntargets: { mx: { host: h }\nchecks: []\n"),
                HasSubstr("YAML syntax error"));
}

TEST_F(LoaderTest, TabIndentationIsExplained) {
    EXPECT_THAT(only_error("suite: s\ntargets:\n\tmx: { host: h }\n"), HasSubstr("tab"));
}

TEST_F(LoaderTest, EmptyFile) {
    EXPECT_THAT(only_error(""), HasSubstr("file is empty"));
}

TEST_F(LoaderTest, BinaryFile) {
    EXPECT_THAT(only_error(std::string("suite: s\0\x01\x02", 11)), HasSubstr("NUL"));
}

TEST_F(LoaderTest, HugeFile) {
    LoadOptions opts;
    opts.max_file_bytes = 64;
    auto r = load(std::string(100, '#'), opts);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_THAT(r.diagnostics[0].message, HasSubstr("larger than"));
}

TEST_F(LoaderTest, TopLevelMustBeAMapping) {
    EXPECT_EQ(only_error("- just\n- a list\n"),
              "1:1: the suite must be a mapping of keys to values, not a list");
}

TEST_F(LoaderTest, UnknownTopLevelKeySuggestsTheRightOne) {
    EXPECT_EQ(
        only_error(
            "suite: s\ntarget: {}\ntargets: { mx: { host: h } }\nchecks: [{id: b, banner: {}}]\n"),
        "2:1: unknown key 'target' in the suite (did you mean 'targets'?)");
}

TEST_F(LoaderTest, MissingRequiredKeys) {
    auto r = load("description: nothing else\n");
    ASSERT_EQ(r.diagnostics.size(), 3u);  // suite, targets, checks
    EXPECT_THAT(r.diagnostics[0].message, HasSubstr("needs the key 'suite'"));
    EXPECT_THAT(r.diagnostics[1].message, HasSubstr("needs the key 'targets'"));
    EXPECT_THAT(r.diagnostics[2].message, HasSubstr("needs the key 'checks'"));
}

TEST_F(LoaderTest, WrongTypeForPort) {
    EXPECT_EQ(
        only_error(
            "suite: s\ntargets:\n  mx: { host: h, port: smtp }\nchecks: [{id: b, banner: {}}]\n"),
        "3:24: 'port' must be a whole number from 1 to 65535, not 'smtp'");
}

TEST_F(LoaderTest, PortOutOfRange) {
    EXPECT_THAT(
        only_error(
            "suite: s\ntargets:\n  mx: { host: h, port: 70000 }\nchecks: [{id: b, banner: {}}]\n"),
        HasSubstr("3:24: 'port' must be a whole number"));
}

TEST_F(LoaderTest, BadDuration) {
    EXPECT_EQ(only_error("suite: s\ntargets: { mx: { host: h } }\ndefaults: { timeout: 10 }\n"
                         "checks: [{id: b, banner: {}}]\n"),
              "3:22: 'timeout' must be a duration with a unit (500ms, 10s, 2m), not '10'");
}

TEST_F(LoaderTest, UnknownCheckKindIsNamed) {
    EXPECT_THAT(
        only_error("suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - id: b\n    baner: {}\n"),
        HasSubstr("5:5: unknown key 'baner' in check 'b' (did you mean 'banner'?)"));
}

TEST_F(LoaderTest, CheckWithoutKind) {
    auto r = load("suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - id: b\n    target: mx\n");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].where.line, 4);
    EXPECT_THAT(r.diagnostics[0].message,
                HasSubstr("names no check kind (one of: banner, capabilities"));
}

TEST_F(LoaderTest, TwoKindsInOneCheck) {
    EXPECT_THAT(only_error("suite: s\ntargets: { mx: { host: h } }\nchecks:\n"
                           "  - { id: b, banner: {}, capabilities: { has: [X] } }\n"),
                HasSubstr("names two check kinds"));
}

TEST_F(LoaderTest, UnknownTarget) {
    EXPECT_EQ(only_error("suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - { id: b, target: "
                         "mxx, banner: {} }\n"),
              "4:22: unknown target 'mxx'");
}

TEST_F(LoaderTest, TargetRequiredWhenSeveral) {
    EXPECT_THAT(only_error("suite: s\ntargets: { a: { host: h }, b: { host: h } }\nchecks:\n  - { "
                           "id: c, banner: {} }\n"),
                HasSubstr("needs 'target' (the suite has 2 targets)"));
}

TEST_F(LoaderTest, UnknownVantage) {
    EXPECT_THAT(
        only_error("suite: s\ntargets: { mx: { host: h } }\nvantages: { in: { bind: 127.0.0.1 } }\n"
                   "checks:\n  - { id: b, from: [out], banner: {} }\n"),
        HasSubstr("5:5: check 'b': unknown vantage 'out' (defined: in)"));
}

TEST_F(LoaderTest, BindNeedsAnAddress) {
    EXPECT_THAT(
        only_error("suite: s\ntargets: { mx: { host: h } }\nvantages: { in: { bind: localhost } }\n"
                   "checks: [{id: b, banner: {}}]\n"),
        HasSubstr("3:25: vantage 'in': bind needs an IPv4 or IPv6 address"));
}

TEST_F(LoaderTest, DuplicateKeys) {
    EXPECT_THAT(
        only_error(
            "suite: s\ntargets:\n  mx: { host: h, host: i }\nchecks: [{id: b, banner: {}}]\n"),
        HasSubstr("3:18: duplicate key 'host' in target 'mx'"));
}

TEST_F(LoaderTest, DuplicateCheckIds) {
    EXPECT_THAT(
        only_error("suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - { id: b, banner: {} }\n"
                   "  - { id: b, banner: {} }\n"),
        HasSubstr("5:5: duplicate check id 'b' (first at"));
}

TEST_F(LoaderTest, BadCheckId) {
    EXPECT_THAT(
        only_error(
            "suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - { id: \"a b\", banner: {} }\n"),
        HasSubstr("id may hold only letters"));
}

TEST_F(LoaderTest, UndefinedVariable) {
    LoadOptions opts;
    opts.env = [](const std::string&) { return std::optional<std::string>(); };
    auto r = load(
        "suite: s\ntargets:\n  mx: { host: \"${NOPE}\" }\nchecks: [{id: b, banner: {}}]\n", opts);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].where.line, 3);
    EXPECT_THAT(r.diagnostics[0].message, HasSubstr("environment variable NOPE is not set"));
}

TEST_F(LoaderTest, BadReplyCode) {
    EXPECT_THAT(only_error("suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - { id: b, banner: "
                           "{ code: 2200 } }\n"),
                HasSubstr("code must be a reply code like 550 or 5xx, not '2200'"));
}

TEST_F(LoaderTest, BadRegex) {
    EXPECT_THAT(only_error("suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - { id: b, banner: "
                           "{ matches: \"(\" } }\n"),
                HasSubstr("matches is not a valid regular expression"));
}

TEST_F(LoaderTest, ChecksMustBeAList) {
    EXPECT_THAT(only_error("suite: s\ntargets: { mx: { host: h } }\nchecks: { id: b }\n"),
                HasSubstr("3:9: 'checks' must be a non-empty list"));
}

TEST_F(LoaderTest, CapabilitiesThatAssertNothing) {
    EXPECT_THAT(
        only_error(
            "suite: s\ntargets: { mx: { host: h } }\nchecks:\n  - { id: b, capabilities: {} }\n"),
        HasSubstr("asserts nothing"));
}

TEST_F(LoaderTest, SshDestinationCannotBeAnOption) {
    EXPECT_THAT(only_error("suite: s\ntargets: { mx: { host: h } }\nvantages: { p: { ssh: "
                           "-oProxyCommand=x } }\n"
                           "checks: [{id: b, banner: {}}]\n"),
                HasSubstr("needs a destination as [user@]host"));
}

TEST_F(LoaderTest, ReportsEveryErrorNotJustTheFirst) {
    auto r = load(
        "suite: s\ntargets:\n  mx: { host: h, port: x }\ndefaults: { timeout: soon }\n"
        "checks:\n  - { id: b, banner: { code: 999 } }\n");
    ASSERT_EQ(r.diagnostics.size(), 3u);
    EXPECT_EQ(r.diagnostics[0].where.line, 3);
    EXPECT_EQ(r.diagnostics[1].where.line, 4);
    EXPECT_EQ(r.diagnostics[2].where.line, 6);
}

TEST_F(LoaderTest, VantagesFile) {
    auto path = dir_.write(
        "v.yaml", "vantages:\n  inside: { bind: 127.0.0.20 }\n  outside: { bind: \"::1\" }\n");
    Diagnostics d;
    auto v = load_vantages_file(path, d);
    EXPECT_TRUE(d.empty());
    EXPECT_EQ(v.at("outside").address, "::1");
}

}  // namespace
}  // namespace mailspec

namespace mailspec {
namespace {

TEST_F(LoaderTest, TargetDnsServerIsLoaded) {
    auto r = load(R"(suite: s
targets:
  domain: { host: 127.0.0.10, dns: "127.0.0.61:53" }
checks:
  - id: b
    banner: { code: 220 }
)");
    ASSERT_TRUE(r.suite);
    EXPECT_EQ(r.suite->targets.at("domain").dns, "127.0.0.61:53");
    EXPECT_EQ(r.suite->dns, "");  // only `mailspec run --dns` sets the run's server
}

TEST_F(LoaderTest, TargetDnsServerMustBeAnAddress) {
    EXPECT_THAT(only_error(R"(suite: s
targets:
  domain: { host: 127.0.0.10, dns: "ns.example.org:53" }
checks:
  - id: b
    banner: { code: 220 }
)"),
                HasSubstr(": target 'domain': dns 'ns.example.org:53' is not IP[:PORT]"));
}

}  // namespace
}  // namespace mailspec
