// Parsing of the auth_required, auth, starttls and tls check kinds: good YAML gives the typed
// spec, each mistake one located error.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/auth.hpp"
#include "checks/auth_required.hpp"
#include "checks/implicit_tls.hpp"
#include "checks/starttls.hpp"
#include "runner/suite_loader.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

class TlsAuthParse : public ::testing::Test {
  protected:
    // A suite with one check whose kind key is at line 7, column 5.
    LoadedSuite load(const std::string& check) {
        const std::string yaml =
            "suite: p\ntargets:\n  mx: { host: 127.0.0.1 }\nchecks:\n  - id: c\n    target: mx\n"
            "    " +
            check + "\n";
        return load_suite(dir_.write("suite.yaml", yaml));
    }
    template <typename T>
    const T& typed(const std::string& check) {
        loaded_ = load(check);
        for (const auto& d : loaded_.diagnostics)
            ADD_FAILURE() << d.str();
        static const T empty{};
        if (!loaded_.suite) return empty;
        const T* c = dynamic_cast<const T*>(loaded_.suite->checks.at(0).check.get());
        EXPECT_NE(c, nullptr);
        return c ? *c : empty;
    }
    // "line:column: message" of the single diagnostic.
    std::string error(const std::string& check) {
        auto r = load(check);
        EXPECT_FALSE(r.suite);
        if (r.diagnostics.size() != 1) {
            std::string all;
            for (const auto& d : r.diagnostics)
                all += d.str() + "\n";
            ADD_FAILURE() << "expected one diagnostic:\n" << all;
            return all;
        }
        const auto& d = r.diagnostics[0];
        return std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
               d.message;
    }
    test::TempDir dir_;
    LoadedSuite loaded_;
};

TEST_F(TlsAuthParse, AuthRequiredDefaultsAndSettings) {
    const auto& d = typed<AuthRequiredCheck>("auth_required:");
    EXPECT_FALSE(d.starttls);
    EXPECT_EQ(d.expect.codes, std::vector<std::string>{"530"});
    EXPECT_EQ(d.expect.enhanced, "5.7.x");
    EXPECT_TRUE(d.expect.enhanced_optional);
    EXPECT_TRUE(d.by_text.matches.has_value());
    const auto& c = typed<AuthRequiredCheck>(
        "auth_required: { starttls: true, sender: a@b.example, rcpt: c@d.example, "
        "expect: { code: 5xx, enhanced: 5.7.x } }");
    EXPECT_TRUE(c.starttls);
    EXPECT_EQ(c.sender, "a@b.example");
    EXPECT_EQ(c.rcpt, "c@d.example");
    EXPECT_EQ(c.expect.codes, std::vector<std::string>{"5xx"});
    EXPECT_EQ(c.expect.enhanced, "5.7.x");
}

TEST_F(TlsAuthParse, AuthRequiredMistakes) {
    EXPECT_THAT(error("auth_required: { starttls: maybe }"), HasSubstr("7:32: "));
    EXPECT_THAT(error("auth_required: { sendr: a@b.example }"),
                HasSubstr("7:22: unknown key 'sendr'"));
}

TEST_F(TlsAuthParse, AuthSpec) {
    const auto& c = typed<AuthCheck>(
        "auth: { mechanism: scram-sha-256, user: alice, password_env: ALICE_PW, "
        "before_tls: refused, relay_after_auth: allowed, rcpt: x@example.net }");
    EXPECT_EQ(c.mechanism, "SCRAM-SHA-256");
    EXPECT_EQ(c.user, "alice");
    ASSERT_TRUE(c.secret);
    EXPECT_EQ(c.secret->name, "ALICE_PW");
    EXPECT_EQ(c.expect_accepted, true);
    EXPECT_TRUE(c.before_tls_refused);
    EXPECT_EQ(c.relay, AuthCheck::Relay::allowed);
    EXPECT_FALSE(c.starttls);  // default decided at run time from the target

    const auto& only = typed<AuthCheck>("auth: { before_tls: refused }");
    EXPECT_FALSE(only.expect_accepted);
    EXPECT_EQ(only.mechanism, "any");

    const auto& rejected =
        typed<AuthCheck>("auth: { user: bob, password_file: bob.pw, expect: rejected }");
    EXPECT_EQ(rejected.expect_accepted, false);
    EXPECT_THAT(rejected.secret->name, HasSubstr("bob.pw"));
}

TEST_F(TlsAuthParse, AuthMistakes) {
    EXPECT_THAT(error("auth: { user: a, password: hunter2 }"),
                ::testing::AllOf(HasSubstr("7:32: "), HasSubstr("inline passwords are refused")));
    EXPECT_THAT(error("auth: { mechanism: NTLM, user: a, password_env: P }"),
                ::testing::AllOf(HasSubstr("7:24: "), HasSubstr("\"NTLM\" is not supported")));
    EXPECT_THAT(error("auth: { user: a }"), HasSubstr("needs password_env or password_file"));
    EXPECT_THAT(error("auth: { user: a, password_env: P, relay_after_auth: allowed }"),
                HasSubstr("relay_after_auth needs rcpt"));
    EXPECT_THAT(error("auth: { user: a, password_env: P, expect: maybe }"), HasSubstr("7:47: "));
    EXPECT_THAT(error("auth: { before_tls: refused, starttls: false }"),
                HasSubstr("would send the credential over the refused plaintext channel"));
}

TEST_F(TlsAuthParse, StarttlsSpec) {
    const auto& bare = typed<StartTlsCheck>("starttls:");
    EXPECT_TRUE(bare.tls.verify);
    EXPECT_FALSE(bare.injection);
    const auto& c = typed<StartTlsCheck>(
        "starttls: { verify: false, name: mx.example.org, min_version: TLSv1.2, days_left: 14, "
        "after_tls: { has: [AUTH], lacks: [STARTTLS] }, injection: rejected }");
    EXPECT_FALSE(c.tls.verify);
    EXPECT_EQ(c.tls.name, "mx.example.org");
    EXPECT_EQ(c.tls.min_version, transport::TlsVersion::tls1_2);
    EXPECT_EQ(c.tls.days_left, 14);
    ASSERT_TRUE(c.after_tls);
    EXPECT_EQ(c.after_tls->has, std::vector<std::string>{"AUTH"});
    EXPECT_EQ(c.after_tls->lacks, std::vector<std::string>{"STARTTLS"});
    EXPECT_TRUE(c.injection);
}

TEST_F(TlsAuthParse, StarttlsMistakes) {
    EXPECT_THAT(error("starttls: { min_version: SSLv3 }"),
                ::testing::AllOf(HasSubstr("7:30: "), HasSubstr("\"SSLv3\" is not a TLS version")));
    EXPECT_THAT(error("starttls: { min_version: TLSv1 }"), HasSubstr("asserts nothing"));
    EXPECT_THAT(error("starttls: { days_left: -1 }"), HasSubstr("7:28: "));
    EXPECT_THAT(error("starttls: { injection: allowed }"), HasSubstr("7:28: "));
    EXPECT_THAT(error("starttls: { after_tls: { hass: [AUTH] } }"), HasSubstr("hass"));
}

TEST_F(TlsAuthParse, TlsSpecAndMistakes) {
    const auto& c = typed<ImplicitTlsCheck>("tls: { min_version: TLSv1.3, ehlo: { has: [AUTH] } }");
    EXPECT_EQ(c.tls.min_version, transport::TlsVersion::tls1_3);
    ASSERT_TRUE(c.ehlo);
    EXPECT_THAT(error("tls: { injection: rejected }"), HasSubstr("injection"));
    EXPECT_THAT(error("tls: { verify: sometimes }"), HasSubstr("7:20: "));
}

}  // namespace
}  // namespace mailspec
