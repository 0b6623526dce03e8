// The same check, judged right on every MTA's wording: qmail's trailing "(#5.7.1)" codes,
// Exim's replies without enhanced codes, Postfix's RFC 3463 ones. The scripted server replays
// the real servers' reply texts (sagredo qmail-smtpd, Exim 4.96 ACL messages, Postfix 3.7).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/envelope.hpp"
#include "tests/unit/support/scripted_smtp_check.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

class Dialects : public test::ScriptedSmtpCheckTest {};

// Answers MAIL FROM with `mail` and everything else with 250.
test::Answer at_mail(std::string mail) {
    return [mail](const std::string& l) { return l.starts_with("MAIL") ? mail : std::string(); };
}

const char* kAuthRequired = "auth_required: {}";

TEST_F(Dialects, AuthRequiredPassesOnPostfixQmailAndExim) {
    auto r =
        run_one("220 mx ESMTP\r\n", at_mail("530 5.7.0 Must issue AUTH first\r\n"), kAuthRequired);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_TRUE(r.findings.empty());

    // qmail: 530 with a trailing 5.7.1 (and a trailing blank): right, with a notice.
    r = run_one("220 qmail ESMTP\r\n", at_mail("530 Authorization required (#5.7.1) \r\n"),
                kAuthRequired);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    bool noticed = false;
    for (const auto& f : r.findings)
        noticed = noticed || (f.kind == "auth_required_code" && f.severity == Severity::notice);
    EXPECT_TRUE(noticed);

    // Exim ACL: "550 Authentication required", no enhanced code.
    r = run_one("220 exim ESMTP Exim 4.96\r\n", at_mail("550 Authentication required\r\n"),
                kAuthRequired);
    EXPECT_EQ(r.status, Status::pass) << r.message;
}

TEST_F(Dialects, AuthRequiredStillFailsOtherRefusals) {
    // A refusal for another reason proves nothing about AUTH.
    auto r = run_one("220 mx ESMTP\r\n",
                     at_mail("553 5.1.8 <a@b>: Sender address rejected: Domain not found\r\n"),
                     kAuthRequired);
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("530 (or 5xx naming authentication), 5.7.x if sent"));
    r = run_one("220 exim ESMTP\r\n", at_mail("550 Sender verify failed\r\n"), kAuthRequired);
    EXPECT_EQ(r.status, Status::fail);
    // 530 with a code of another class is not an authentication refusal either.
    r = run_one("220 mx ESMTP\r\n", at_mail("530 5.1.1 odd\r\n"), kAuthRequired);
    EXPECT_EQ(r.status, Status::fail);
    // An explicit expectation is exact.
    r = run_one("220 qmail ESMTP\r\n", at_mail("530 Authorization required (#5.7.1)\r\n"),
                "auth_required: { expect: { code: 530, enhanced: 5.7.0 } }");
    EXPECT_EQ(r.status, Status::fail);
}

TEST_F(Dialects, EnhancedOptionalLetsACodelessReplyMatch) {
    const std::string check =
        "recipient: { rcpt: nobody@lab.test, expect: { code: 550, enhanced: 5.1.1, "
        "enhanced_optional: true } }";
    auto rcpt = [](std::string reply) {
        return
            [reply](const std::string& l) { return l.starts_with("RCPT") ? reply : std::string(); };
    };
    EXPECT_EQ(run_one("220 exim\r\n", rcpt("550 Unrouteable address\r\n"), check).status,
              Status::pass);
    EXPECT_EQ(
        run_one("220 pf\r\n", rcpt("550 5.1.1 <nobody@lab.test>: User unknown\r\n"), check).status,
        Status::pass);
    // A code that is sent must still be the right one.
    EXPECT_EQ(
        run_one("220 pf\r\n", rcpt("550 5.7.1 <nobody@lab.test>: Relay denied\r\n"), check).status,
        Status::fail);
    // Without enhanced_optional a codeless reply does not match.
    EXPECT_EQ(
        run_one("220 exim\r\n", rcpt("550 Unrouteable address\r\n"),
                "recipient: { rcpt: nobody@lab.test, expect: { code: 550, enhanced: 5.1.1 } }")
            .status,
        Status::fail);
}

// A server that refuses every recipient must not pass "unknown recipient refused".
TEST_F(Dialects, RecipientControlMustBeAccepted) {
    const std::string check =
        "recipient: { rcpt: nobody@lab.test, control: alice@lab.test, expect: 550 }";
    auto everyone_refused = [](const std::string& l) {
        return l.starts_with("RCPT") ? std::string("550 relay not permitted\r\n") : std::string();
    };
    auto r = run_one("220 exim\r\n", everyone_refused, check);
    EXPECT_EQ(r.status, Status::inconclusive) << r.message;
    EXPECT_THAT(r.message, HasSubstr("refused the control recipient <alice@lab.test> too"));
    auto verifies = [](const std::string& l) {
        if (l == "RCPT TO:<alice@lab.test>") return std::string("250 Accepted\r\n");
        return l.starts_with("RCPT") ? std::string("550 Unrouteable address\r\n") : std::string();
    };
    r = run_one("220 exim\r\n", verifies, check);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    EXPECT_EQ(r.properties.at("envelope.control"), "<alice@lab.test>");
    // The control goes first, in the same transaction; never DATA.
    ASSERT_GE(lines_.size(), 4u);
    EXPECT_EQ(lines_[2], "RCPT TO:<alice@lab.test>");
    EXPECT_EQ(lines_[3], "RCPT TO:<nobody@lab.test>");
    EXPECT_FALSE(sent("DATA"));
}

TEST_F(Dialects, SenderControlIsAWholeTransactionFirst) {
    const std::string check =
        "sender: { sender: probe@no-mx.lab.test, rcpt: postmaster@lab.test, "
        "control: probe@nospf.lab.test, expect: 550 }";
    auto refuses_no_mx = [](const std::string& l) {
        return l.starts_with("MAIL FROM:<probe@no-mx") ? std::string("550 Sender verify failed\r\n")
                                                       : std::string();
    };
    auto r = run_one("220 exim\r\n", refuses_no_mx, check);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    ASSERT_GE(lines_.size(), 5u);
    EXPECT_EQ(lines_[1], "MAIL FROM:<probe@nospf.lab.test>");
    EXPECT_EQ(lines_[2], "RCPT TO:<postmaster@lab.test>");
    EXPECT_EQ(lines_[3], "RSET");
    EXPECT_EQ(lines_[4], "MAIL FROM:<probe@no-mx.lab.test>");
    auto refuses_all = [](const std::string& l) {
        return l.starts_with("MAIL") ? std::string("550 go away\r\n") : std::string();
    };
    r = run_one("220 exim\r\n", refuses_all, check);
    EXPECT_EQ(r.status, Status::inconclusive) << r.message;
    EXPECT_THAT(r.message, HasSubstr("control sender <probe@nospf.lab.test>"));
}

TEST_F(Dialects, SpfRejectAcceptsACodelessRefusalButNotAnotherCode) {
    // judge_envelope with the spf_reject default: 5xx, 5.7.x if sent.
    EnvelopeProbe p;
    p.sender = "probe@spf-fail.lab.test";
    p.rcpt = "postmaster@lab.test";
    p.expect.refusal.codes = {"5xx"};
    p.expect.refusal.enhanced = "5.7.x";
    p.expect.refusal.enhanced_optional = true;
    p.subject = "the SPF-failing sender";
    EnvelopeReplies x;
    x.mail_code = 250;
    x.mail_line = "250 OK";
    x.rcpt_code = 550;
    x.rcpt_line = x.rcpt_text = "550 SPF check failed";
    Result r;
    judge_envelope(p, x, r);
    EXPECT_EQ(r.status, Status::pass);
    x.rcpt_enhanced = "5.1.1";
    judge_envelope(p, x, r);
    EXPECT_EQ(r.status, Status::fail);
}

TEST_F(Dialects, ARecommendedReplyThatDiffersIsANotice) {
    const std::string check =
        "recipient: { rcpt: nobody@lab.test, control: alice@lab.test, "
        "expect: { code: 5xx, recommended: \"550 5.1.1\" } }";
    auto rcpt = [](std::string reply) {
        return [reply](const std::string& l) {
            if (l == "RCPT TO:<alice@lab.test>") return std::string("250 2.1.5 Ok\r\n");
            return l.starts_with("RCPT") ? reply : std::string();
        };
    };
    // OpenSMTPD's odd code: still a refusal at RCPT, with a notice quoting it.
    auto r =
        run_one("220 smtpd\r\n",
                rcpt("524 5.2.4 Mailing list expansion problem: <nobody@lab.test>\r\n"), check);
    EXPECT_EQ(r.status, Status::pass) << r.message;
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].kind, "unusual_reply");
    EXPECT_EQ(r.findings[0].severity, Severity::notice);
    EXPECT_THAT(r.findings[0].text, HasSubstr("524 5.2.4 Mailing list expansion problem"));
    EXPECT_THAT(r.findings[0].text, HasSubstr("where 550 5.1.1 is the usual reply"));
    // The recommended reply itself: no notice.
    r = run_one("220 pf\r\n", rcpt("550 5.1.1 <nobody@lab.test>: User unknown\r\n"), check);
    EXPECT_EQ(r.status, Status::pass);
    for (const auto& f : r.findings)
        EXPECT_NE(f.kind, "unusual_reply");
}

TEST(EnvelopeVerdict, AnAcceptanceThatProvesNothingIsInconclusive) {
    EnvelopeProbe p;
    p.sender = "probe@spf-fail.lab.test";
    p.rcpt = "alice@lab.test";
    p.expect.refusal.codes = {"5xx"};
    p.subject = "the SPF-failing sender";
    p.acceptance_proves_nothing = "accepted from the loopback address 127.0.0.30";
    EnvelopeReplies x;
    x.mail_code = 250;
    x.mail_line = "250 OK";
    x.rcpt_code = 250;
    x.rcpt_line = "250 Accepted";
    Result r;
    judge_envelope(p, x, r);
    EXPECT_EQ(r.status, Status::inconclusive);
    EXPECT_THAT(r.message, HasSubstr("loopback"));
    // A refusal from there still passes.
    x.rcpt_code = 550;
    x.rcpt_line = x.rcpt_text = "550 SPF fail";
    judge_envelope(p, x, r);
    EXPECT_EQ(r.status, Status::pass);
}

}  // namespace
}  // namespace mailspec
