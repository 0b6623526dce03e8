// vrfy asks about a real and a surely unknown mailbox and fails when the two replies tell them
// apart (Postfix with VRFY enabled: 252 for a mailbox, 550 5.1.1 for an unknown one), and
// --strict / `strict: true` turn protocol violations into fails. The scripted server stands in
// for MTAs configured in ways the lab's Postfix is not; its reply texts are the real servers'
// (Postfix 3.7, qmail-smtpd).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "checks/vrfy.hpp"
#include "tests/unit/support/scripted_smtp_check.hpp"

namespace mailspec {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using testing::LoopbackServer;
using testing::ServerConn;
using ::testing::StartsWith;

class Vrfy : public test::ScriptedSmtpCheckTest {};

const std::string kPostfix = "220 mail.lab.test ESMTP Postfix\r\n";

// Postfix with disable_vrfy_command = no: the two replies differ.
std::string postfix_vrfy_enabled(const std::string& l) {
    if (l == "VRFY alice@lab.test") return "252 2.0.0 alice@lab.test\r\n";
    if (l.starts_with("VRFY "))
        return "550 5.1.1 <" + l.substr(5) +
               ">: Recipient address rejected: User unknown in virtual mailbox table\r\n";
    if (l.starts_with("RCPT TO:<alice@")) return "250 2.1.5 Ok\r\n";
    if (l.starts_with("RCPT TO:"))
        return "550 5.1.1 <x>: Recipient address rejected: User unknown in virtual mailbox "
               "table\r\n";
    return "";
}

TEST_F(Vrfy, FailsWhenTheRepliesTellMailboxesApart) {
    auto r = run_one(kPostfix, postfix_vrfy_enabled, "vrfy: { address: alice@lab.test }");
    EXPECT_EQ(r.status, Status::fail) << r.message;
    EXPECT_THAT(r.message, HasSubstr("VRFY tells a real mailbox from an unknown one"));
    EXPECT_THAT(r.message, HasSubstr("252 2.0.0 alice@lab.test"));
    EXPECT_THAT(r.message, HasSubstr("550 5.1.1 <mailspec-probe-"));
    EXPECT_THAT(r.actual, HasSubstr("@lab.test -> 550 5.1.1"));
    // The unknown address is random, in the real address's domain.
    ASSERT_EQ(lines_.size(), 4u);  // EHLO, VRFY, VRFY, QUIT
    EXPECT_EQ(lines_[1], "VRFY alice@lab.test");
    EXPECT_THAT(lines_[2], StartsWith("VRFY mailspec-probe-"));
    EXPECT_THAT(lines_[2], ::testing::EndsWith("@lab.test"));
}

TEST_F(Vrfy, WithoutTheDifferentialThe252WouldHavePassed) {
    auto r = run_one(kPostfix, postfix_vrfy_enabled,
                     "vrfy: { address: alice@lab.test, differential: false }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_FALSE(sent("VRFY mailspec-probe-"));
}

TEST_F(Vrfy, PassesWhenBothAreRefusedAlike) {
    auto r = run_one(
        kPostfix,
        [](const std::string& l) {
            return l.starts_with("VRFY") ? "502 5.5.1 VRFY command is disabled\r\n" : "";
        },
        "vrfy: { address: alice@lab.test }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_THAT(r.message, HasSubstr("alike"));
}

TEST_F(Vrfy, QmailsNonCommittal252ForEveryonePasses) {
    auto r = run_one(
        "220 qmail.test ESMTP\r\n",
        [](const std::string& l) {
            return l.starts_with("VRFY") ? "252 send some mail, i'll try my best\r\n" : "";
        },
        "vrfy: { address: postmaster@qmail.test }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
}

TEST_F(Vrfy, SameCodeDifferentEnhancedCodeFails) {
    auto r = run_one(
        kPostfix,
        [](const std::string& l) {
            if (l == "VRFY alice@lab.test") return std::string("550 5.7.1 no\r\n");
            return l.starts_with("VRFY") ? std::string("550 5.1.1 no\r\n") : std::string();
        },
        "vrfy: { address: alice@lab.test }");
    EXPECT_EQ(r.status, Status::fail) << r.message;
}

TEST_F(Vrfy, AnExplicitUnknownAddressIsUsed) {
    auto r = run_one(kPostfix, postfix_vrfy_enabled,
                     "vrfy: { address: alice@lab.test, unknown: nobody@lab.test }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_TRUE(sent("VRFY nobody@lab.test"));
}

TEST_F(Vrfy, ExpnToo) {
    auto r = run_one(
        kPostfix,
        [](const std::string& l) {
            if (l == "EXPN staff@lab.test") return std::string("250 2.1.5 <a@b>\r\n");
            return l.starts_with("EXPN") ? std::string("550 5.1.1 unknown\r\n") : std::string();
        },
        "vrfy: { address: staff@lab.test, command: EXPN }");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("EXPN disclosed the mailbox"));
}

TEST_F(Vrfy, RcptDifferentialIsItsOwnResultAndStopsAtRcpt) {
    auto rs = run(kPostfix, postfix_vrfy_enabled,
                  "vrfy: { address: alice@lab.test, rcpt_differential: true }");
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_EQ(rs[0].variant, "");
    EXPECT_EQ(rs[1].variant, "rcpt");
    EXPECT_EQ(rs[1].status, Status::fail) << rs[1].message;
    EXPECT_THAT(rs[1].message, HasSubstr("RCPT TO tells a real mailbox from an unknown one"));
    EXPECT_TRUE(sent("MAIL FROM:<>"));
    EXPECT_TRUE(sent("RSET"));
    EXPECT_FALSE(sent("DATA"));
    EXPECT_FALSE(rs[1].transcript.empty());
}

TEST_F(Vrfy, RcptDifferentialPassesWhenAllAreAccepted) {
    auto rs = run(
        kPostfix,
        [](const std::string& l) { return l.starts_with("VRFY") ? "252 2.0.0 ok\r\n" : ""; },
        "vrfy: { address: alice@lab.test, rcpt_differential: true }");
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_EQ(rs[1].status, Status::pass) << rs[1].message;
}

TEST_F(Vrfy, RcptDifferentialErrorsWhenTheSenderIsRefused) {
    auto rs = run(
        kPostfix,
        [](const std::string& l) {
            if (l.starts_with("MAIL")) return std::string("553 5.1.7 bad sender\r\n");
            return l.starts_with("VRFY") ? std::string("252 2.0.0 ok\r\n") : std::string();
        },
        "vrfy: { address: alice@lab.test, rcpt_differential: true }");
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_EQ(rs[1].status, Status::error);
    EXPECT_THAT(rs[1].message, HasSubstr("set 'sender'"));
}

// --- findings and strict ------------------------------------------------------------------

std::string vrfy_refused(const std::string& l) {
    return l.starts_with("VRFY") ? "502 5.5.1 VRFY command is disabled\r\n" : "";
}

TEST_F(Vrfy, ControlOctetsAreFindingsButNotAFailWithoutStrict) {
    const std::string hostile("220 mx \0 \x1b[31m \xff ESMTP\r\n", 24);
    auto r = run_one(hostile, vrfy_refused, "vrfy: { address: alice@lab.test }");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    ASSERT_EQ(r.violations(), 2u);  // control octets; octets neither ASCII nor UTF-8
    EXPECT_EQ(r.findings[0].kind, "bad_octet");
    EXPECT_EQ(r.findings[1].kind, "non_ascii");
}

TEST_F(Vrfy, StrictTurnsAViolationIntoAFail) {
    const std::string hostile("220 mx \0 \x1b[31m \xff ESMTP\r\n", 24);
    auto r = run_one(hostile, vrfy_refused, "vrfy: { address: alice@lab.test }", ", strict: true");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message,
                StartsWith("strict: 2 protocol violations (first: greeting: reply line 1 "
                           "holds a control octet"));
    EXPECT_THAT(r.message, HasSubstr("without strict: pass"));
    EXPECT_THAT(r.expected, StartsWith("no protocol violations (strict)"));
}

TEST_F(Vrfy, StrictOnTheCheckOverridesTheDefaults) {
    const std::string bare_lf = "220 mx ESMTP\n";
    auto r = run_one(bare_lf, vrfy_refused, "strict: false\n    vrfy: { address: a@lab.test }",
                     ", strict: true");
    EXPECT_EQ(r.status, Status::pass);
    EXPECT_EQ(r.findings.at(0).kind, "bare_lf");
    r = run_one(bare_lf, vrfy_refused, "strict: true\n    vrfy: { address: a@lab.test }");
    EXPECT_EQ(r.status, Status::fail);
}

TEST_F(Vrfy, StrictIgnoresNotices) {
    // qmail's trailing code is a dialect: no fail, even with strict.
    auto r = run_one(
        "220 qmail.test ESMTP\r\n",
        [](const std::string& l) {
            return l.starts_with("VRFY") ? "502 unimplemented (#5.5.1)\r\n" : "";
        },
        "vrfy: { address: a@qmail.test }", ", strict: true");
    EXPECT_EQ(r.status, Status::pass) << r.message;
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].severity, Severity::notice);
    EXPECT_EQ(r.findings[0].kind, "enhanced_trailing");
}

TEST_F(Vrfy, StrictFailsAReplyOverTheLimits) {
    auto r = run_one("220 " + std::string(600, 'x') + "\r\n", vrfy_refused,
                     "vrfy: { address: a@lab.test }", ", strict: true");
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("line exceeds 512 octets"));
    EXPECT_THAT(r.message, HasSubstr("without strict: error"));
}

// --- the pure verdict ---------------------------------------------------------------------

TEST(JudgeDifferential, Rules) {
    const ProbeReply p252{252, "2.0.0", "252 2.0.0 alice@lab.test"};
    const ProbeReply u550{550, "5.1.1", "550 5.1.1 <u@lab.test>: User unknown"};
    const ProbeReply d502{502, "5.5.1", "502 5.5.1 VRFY command is disabled"};
    const ProbeReply t450{450, "4.7.1", "450 4.7.1 try later"};
    const ProbeReply ok250{250, "2.1.5", "250 2.1.5 Ok"};
    EXPECT_EQ(judge_differential("VRFY", "a", p252, "u", u550).status, Status::fail);
    EXPECT_EQ(judge_differential("VRFY", "a", p252, "u", p252).status, Status::pass);
    EXPECT_EQ(judge_differential("VRFY", "a", d502, "u", d502).status, Status::pass);
    EXPECT_EQ(judge_differential("VRFY", "a", u550, "u", u550).status, Status::pass);
    EXPECT_EQ(judge_differential("VRFY", "a", t450, "u", d502).status, Status::inconclusive);
    EXPECT_EQ(judge_differential("VRFY", "a", d502, "u", t450).status, Status::inconclusive);
    // A confirmed mailbox is disclosed even when unknown ones get 250 too.
    EXPECT_EQ(judge_differential("VRFY", "a", ok250, "u", ok250).status, Status::fail);
    // RCPT: 250 for both is fine; 250 vs 550 tells them apart.
    EXPECT_EQ(judge_differential("RCPT TO", "a", ok250, "u", ok250).status, Status::pass);
    EXPECT_EQ(judge_differential("RCPT TO", "a", ok250, "u", u550).status, Status::fail);
}

TEST(JudgeDifferential, RandomUnknownAddress) {
    auto a = random_unknown_address("alice@lab.test");
    EXPECT_THAT(a, StartsWith("mailspec-probe-"));
    EXPECT_THAT(a, ::testing::EndsWith("@lab.test"));
    EXPECT_EQ(a.size(), std::string("mailspec-probe-123456789abc@lab.test").size());
    EXPECT_NE(a, random_unknown_address("alice@lab.test"));
    EXPECT_EQ(random_unknown_address("postmaster").find('@'), std::string::npos);
}

}  // namespace
}  // namespace mailspec
