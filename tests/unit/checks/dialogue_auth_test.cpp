// The `auth` step of the scripted `smtp` dialogue against the loopback fake server
// (tests/unit/support/fake_smtp_server.hpp): accepted and rejected credentials, the secret
// never in the evidence, no credential on a plaintext channel unless the step says so.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocol/base64.hpp"
#include "runner/suite_loader.hpp"
#include "tests/unit/support/fake_smtp_check_test.hpp"

namespace mailspec {
namespace {

using test::FakeSmtpBehaviour;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

class DialogueAuth : public test::FakeSmtpCheckTest {
  protected:
    Result run(FakeSmtpBehaviour b, const std::string& steps) {
        return run_check_yaml(std::move(b), "smtp:\n" + steps);
    }
    std::string steps(const std::string& auth, bool starttls = true) {
        return std::string("      - ehlo: probe.example.net\n") +
               (starttls ? "      - starttls: {}\n      - ehlo: probe.example.net\n" : "") +
               "      - auth: " + auth +
               "\n      - mail_from: alice@example.org\n"
               "      - rcpt_to: someone@example.net\n      - quit: {}\n";
    }
};

TEST_F(DialogueAuth, AcceptedAfterStarttlsAndNeverShown) {
    for (std::string mech : {"PLAIN", "LOGIN"}) {
        auto r = run(with_tls(), steps("{ mechanism: " + mech +
                                       ", user: alice, password_file: " + password_file_ + " }"));
        EXPECT_EQ(r.status, Status::pass) << mech << ": " << r.message;
        EXPECT_TRUE(received("AUTH " + mech));
        EXPECT_TRUE(received("RCPT TO:<someone@example.net>"));  // relayed after AUTH
        const auto all = test::everything(r);
        EXPECT_THAT(all, Not(HasSubstr(kPassword)));
        EXPECT_THAT(all, Not(HasSubstr(base64::encode(std::string("\0alice\0", 7) + kPassword))));
        EXPECT_THAT(all, Not(HasSubstr(base64::encode(kPassword))));
        EXPECT_THAT(plaintext_, Not(HasSubstr("AUTH")));
    }
}

TEST_F(DialogueAuth, PasswordFromTheEnvironment) {
    ::setenv("MAILSPEC_TEST_DIALOGUE_PW", kPassword, 1);
    auto r =
        run(with_tls(),
            steps("{ mechanism: plain, user: alice, password_env: MAILSPEC_TEST_DIALOGUE_PW }"));
    ::unsetenv("MAILSPEC_TEST_DIALOGUE_PW");
    EXPECT_EQ(r.status, Status::pass) << r.message;
}

TEST_F(DialogueAuth, WrongPasswordFailsAtTheAuthStep) {
    auto wrong = dir_.write("wrong", "battery staple");
    auto r =
        run(with_tls(), steps("{ mechanism: PLAIN, user: alice, password_file: " + wrong + " }"));
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("step 4 (AUTH PLAIN as alice)"));
    EXPECT_THAT(r.message, HasSubstr("535 5.7.8"));
    EXPECT_FALSE(received("MAIL"));  // no later step runs
}

TEST_F(DialogueAuth, ExpectedRejectionPasses) {
    auto wrong = dir_.write("wrong", "battery staple");
    const std::string s =
        "      - ehlo: x.example\n      - starttls: {}\n      - ehlo: x.example\n"
        "      - auth: { mechanism: PLAIN, user: alice, password_file: " +
        wrong + " }\n        expect: { code: 535, enhanced: 5.7.8 }\n";
    auto r = run(with_tls(), s);
    EXPECT_EQ(r.status, Status::pass) << r.message;
}

TEST_F(DialogueAuth, PlaintextChannelIsRefusedBeforeAnythingIsSent) {
    auto b = with_tls();
    b.auth_before_tls = true;
    auto r = run(
        b,
        steps("{ mechanism: PLAIN, user: alice, password_file: " + password_file_ + " }", false));
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("plaintext"));
    EXPECT_FALSE(received("AUTH"));
    EXPECT_THAT(plaintext_,
                Not(HasSubstr(base64::encode(std::string("\0alice\0", 7) + kPassword))));
}

TEST_F(DialogueAuth, PlaintextWhenTheStepAllowsIt) {
    auto b = with_tls();
    b.auth_before_tls = true;
    auto r = run(b, steps("{ mechanism: PLAIN, user: alice, password_file: " + password_file_ +
                              ", plaintext: true }",
                          false));
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_TRUE(received("AUTH PLAIN"));
}

TEST_F(DialogueAuth, MissingSecretIsAnErrorWithoutAuth) {
    auto r = run(with_tls(), steps("{ mechanism: PLAIN, user: alice, password_file: " +
                                   dir_.path().string() + "/nope }"));
    EXPECT_EQ(r.status, Status::error);
    EXPECT_THAT(r.message, HasSubstr("cannot read the password"));
    EXPECT_FALSE(received("AUTH"));
}

std::vector<std::string> parse_errors(const test::TempDir& dir, const std::string& auth) {
    auto path = dir.write("p.yaml",
                          "suite: t\ntargets:\n  mx: { host: 127.0.0.1, port: 2525 }\n"
                          "checks:\n  - id: c\n    target: mx\n    smtp:\n      - auth: " +
                              auth + "\n");
    std::vector<std::string> out;
    for (const auto& d : load_suite(path).diagnostics)
        out.push_back(d.str());
    return out;
}

TEST_F(DialogueAuth, ParseErrors) {
    EXPECT_TRUE(parse_errors(dir_, "{ mechanism: PLAIN, user: a, password_env: X }").empty());
    EXPECT_THAT(parse_errors(dir_, "{ mechanism: NTLM, user: a, password_env: X }"),
                Contains(HasSubstr("not supported")));
    EXPECT_THAT(parse_errors(dir_, "{ mechanism: PLAIN, user: a }"),
                Contains(HasSubstr("needs password_env or password_file")));
    EXPECT_THAT(parse_errors(dir_, "{ mechanism: PLAIN, user: a, password: hunter2 }"),
                Contains(HasSubstr("inline passwords are refused")));
    EXPECT_THAT(parse_errors(dir_, "{ mechanism: PLAIN, password_env: X }"),
                Contains(HasSubstr("needs user")));
    EXPECT_THAT(parse_errors(dir_, "{ user: a, password_env: X }"),
                Contains(HasSubstr("mechanism")));
}

}  // namespace
}  // namespace mailspec
