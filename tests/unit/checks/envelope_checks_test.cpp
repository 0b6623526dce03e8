// Parsers of recipient, sender, vrfy, spf_reject, error_limit and smtp (good specs and located
// errors), and the pure verdicts: judge_envelope, judge_vrfy, queue_id_of, dialogue_message.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/dialogue.hpp"
#include "checks/envelope.hpp"
#include "checks/error_limit.hpp"
#include "checks/kinds.hpp"
#include "checks/recipient.hpp"
#include "checks/sender.hpp"
#include "checks/spf_reject.hpp"
#include "checks/vrfy.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

struct Parsed {
    std::shared_ptr<const Check> check;
    Diagnostics diags;
    std::string errors() const {
        std::string s;
        for (const auto& d : diags)
            s += d.str() + "\n";
        return s;
    }
};

Parsed parse(ParseFn fn, const std::string& yaml) {
    Parsed p;
    SpecReader reader("suite.yaml", p.diags);
    CheckSpec spec;
    spec.id = "c";
    spec.helo = "probe.mailspec.test";
    ParseContext ctx{reader, spec};
    auto doc = yaml::parse(yaml).doc;
    p.check = fn(doc->root(), ctx);
    return p;
}

template <typename T>
const T& as(const Parsed& p) {
    auto* c = dynamic_cast<const T*>(p.check.get());
    EXPECT_NE(c, nullptr) << p.errors();
    return *c;
}

TEST(EnvelopeChecksParse, RecipientDefaultsToNullSender) {
    auto p =
        parse(parse_recipient, "{ rcpt: nobody@lab.test, expect: { code: 550, enhanced: 5.1.1 } }");
    ASSERT_TRUE(p.diags.empty()) << p.errors();
    const auto& c = as<RecipientCheck>(p);
    EXPECT_EQ(c.probe.sender, "");
    EXPECT_EQ(c.probe.rcpt, "nobody@lab.test");
    EXPECT_FALSE(c.probe.expect.accepted);
    EXPECT_EQ(c.probe.expect.refusal.describe(), "550 5.1.1");
    EXPECT_TRUE(c.probe.mail_refusal_untested);

    auto q = parse(parse_recipient, "{ rcpt: <alice@lab.test>, sender: \"<>\", expect: accepted }");
    ASSERT_TRUE(q.diags.empty()) << q.errors();
    EXPECT_TRUE(as<RecipientCheck>(q).probe.expect.accepted);
    EXPECT_EQ(as<RecipientCheck>(q).probe.rcpt, "alice@lab.test");
}

TEST(EnvelopeChecksParse, LocatedErrors) {
    auto p = parse(parse_recipient, "{ rcpt: nobody }");
    EXPECT_THAT(p.errors(), HasSubstr("expect"));
    EXPECT_THAT(p.errors(), HasSubstr("rcpt must be an address"));
    EXPECT_THAT(p.errors(), HasSubstr("suite.yaml:1:"));

    auto s = parse(parse_sender, "{ sender: a@b.example, rcpt: alice@lab.test, expect: refused }");
    EXPECT_FALSE(s.diags.empty());

    auto v = parse(parse_vrfy, "{ address: alice@lab.test, command: RCPT }");
    EXPECT_THAT(v.errors(), HasSubstr("command"));

    auto f = parse(parse_spf_reject,
                   "{ sender: probe@spf-fail.lab.test, rcpt: alice@lab.test, ip: 300.1.1.1 }");
    EXPECT_THAT(f.errors(), HasSubstr("not an IPv4 or IPv6 address"));

    auto e = parse(parse_error_limit, "{ commands: 0 }");
    EXPECT_THAT(e.errors(), HasSubstr("commands"));

    auto d = parse(parse_dialogue, "[ { ehlo: x, mail_from: a@b } ]");
    EXPECT_THAT(d.errors(), HasSubstr("step 1: needs exactly one of"));
    auto d2 = parse(parse_dialogue, "[ { ehlo: x }, { connect: {} } ]");
    EXPECT_THAT(d2.errors(), HasSubstr("connect may only be the first step"));
    auto d3 = parse(parse_dialogue, "[ { rset: now } ]");
    EXPECT_THAT(d3.errors(), HasSubstr("takes no value"));
    auto d4 = parse(parse_dialogue, "{ ehlo: x }");
    EXPECT_THAT(d4.errors(), HasSubstr("expected a list of steps"));
}

TEST(EnvelopeChecksParse, SenderVrfySpfErrorLimit) {
    auto s = parse(parse_sender,
                   "{ sender: probe@no-mx.lab.test, rcpt: alice@lab.test, expect: { code: 550, "
                   "enhanced: 5.1.8 } }");
    ASSERT_TRUE(s.diags.empty()) << s.errors();
    EXPECT_FALSE(as<SenderCheck>(s).probe.mail_refusal_untested);

    auto v = parse(parse_vrfy, "{ address: alice@lab.test, command: EXPN }");
    ASSERT_TRUE(v.diags.empty()) << v.errors();
    EXPECT_TRUE(as<VrfyCheck>(v).expn);

    auto f =
        parse(parse_spf_reject,
              "{ sender: probe@spf-fail.lab.test, rcpt: alice@lab.test, dns: \"127.0.0.10:53\" }");
    ASSERT_TRUE(f.diags.empty()) << f.errors();
    EXPECT_EQ(as<SpfRejectCheck>(f).probe.expect.refusal.describe(), "5xx 5.7.x (if sent)");
    EXPECT_EQ(as<SpfRejectCheck>(f).dns, "127.0.0.10:53");

    auto e = parse(parse_error_limit, "{ commands: 12, expect: disconnect, slowdown: 2s }");
    ASSERT_TRUE(e.diags.empty()) << e.errors();
    EXPECT_EQ(as<ErrorLimitCheck>(e).commands, 12u);
    EXPECT_EQ(as<ErrorLimitCheck>(e).expect, ErrorLimitCheck::Expect::disconnect);
    EXPECT_EQ(as<ErrorLimitCheck>(e).slowdown, std::chrono::milliseconds(2000));
    auto e0 = parse(parse_error_limit, "~");
    ASSERT_TRUE(e0.diags.empty()) << e0.errors();
    EXPECT_EQ(as<ErrorLimitCheck>(e0).expect, ErrorLimitCheck::Expect::either);
}

TEST(EnvelopeChecksParse, DialogueSteps) {
    auto p = parse(parse_dialogue, R"([
      { ehlo: probe.test },
      { starttls: { verify: false } },
      { mail_from: "<probe@spf-pass.lab.test>" },
      { rcpt_to: nobody@lab.test, expect: { code: 550, enhanced: 5.1.1 } },
      { data: { headers: { Subject: hi }, body: "line 1\nline 2" }, expect: 250 },
      { quit: {} } ])");
    ASSERT_TRUE(p.diags.empty()) << p.errors();
    const auto& c = as<DialogueCheck>(p);
    ASSERT_EQ(c.steps.size(), 6u);
    EXPECT_FALSE(c.tls_verify);
    EXPECT_EQ(c.steps[2].describe(), "MAIL FROM:<probe@spf-pass.lab.test>");
    EXPECT_EQ(c.steps[3].expect->describe(), "550 5.1.1");
    EXPECT_FALSE(c.steps[0].expect.has_value());
    EXPECT_EQ(dialogue_message(c.steps[4]), "Subject: hi\r\n\r\nline 1\r\nline 2\r\n");
    EXPECT_EQ(c.steps[5].describe(), "QUIT");
}

TEST(DialogueQueueId, FromPostfixAndOthers) {
    EXPECT_EQ(queue_id_of("2.0.0 Ok: queued as 4Fh2Xk0Q1zz9"), "4Fh2Xk0Q1zz9");
    EXPECT_EQ(queue_id_of("Message accepted for delivery"), "");
}

EnvelopeProbe probe(bool untested, const std::string& code, const std::string& enhanced) {
    EnvelopeProbe p;
    p.sender = "";
    p.rcpt = "nobody@lab.test";
    p.expect.refusal.codes = {code};
    p.expect.refusal.enhanced = enhanced;
    p.mail_refusal_untested = untested;
    p.subject = "the recipient";
    return p;
}

EnvelopeReplies replies(int mail, std::string mail_line, std::optional<int> rcpt,
                        std::string rcpt_line) {
    EnvelopeReplies x;
    x.mail_code = mail;
    x.mail_line = mail_line;
    x.mail_text = mail_line.size() > 4 ? mail_line.substr(4) : "";
    x.mail_enhanced = x.mail_text.substr(0, x.mail_text.find(' '));
    x.rcpt_code = rcpt;
    x.rcpt_line = rcpt_line;
    x.rcpt_text = rcpt_line.size() > 4 ? rcpt_line.substr(4) : "";
    x.rcpt_enhanced = x.rcpt_text.substr(0, x.rcpt_text.find(' '));
    return x;
}

TEST(JudgeEnvelope, Verdicts) {
    Result r;
    judge_envelope(probe(true, "550", "5.1.1"),
                   replies(250, "250 2.1.0 Ok", 550,
                           "550 5.1.1 <nobody@lab.test>: Recipient address rejected"),
                   r);
    EXPECT_EQ(r.status, Status::pass) << r.message;

    judge_envelope(probe(true, "550", "5.1.1"), replies(250, "250 2.1.0 Ok", 250, "250 2.1.5 Ok"),
                   r);
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("expected the recipient to be refused with 550 5.1.1"));
    EXPECT_THAT(r.message, HasSubstr("250 2.1.5 Ok"));
    EXPECT_EQ(r.expected, "refused with 550 5.1.1");
    EXPECT_THAT(r.actual, HasSubstr("RCPT TO:<nobody@lab.test> -> 250 2.1.5 Ok"));

    // Wrong refusal code: fail naming both.
    judge_envelope(probe(true, "550", "5.1.1"),
                   replies(250, "250 2.1.0 Ok", 554, "554 5.7.1 Relay access denied"), r);
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message,
                HasSubstr("expected 550 5.1.1, but RCPT TO:<nobody@lab.test> answered 554 5.7.1"));

    // MAIL refused: recipient untested -> error; sender check -> judged.
    judge_envelope(probe(true, "550", "5.1.1"),
                   replies(553, "553 5.1.7 bad sender", std::nullopt, ""), r);
    EXPECT_EQ(r.status, Status::error);
    judge_envelope(probe(false, "553", "5.1.7"),
                   replies(553, "553 5.1.7 bad sender", std::nullopt, ""), r);
    EXPECT_EQ(r.status, Status::pass);

    // Temporary refusals are inconclusive.
    judge_envelope(probe(false, "550", "5.1.8"),
                   replies(250, "250 2.1.0 Ok", 450, "450 4.1.8 Domain not found"), r);
    EXPECT_EQ(r.status, Status::inconclusive);
    judge_envelope(probe(false, "550", ""), replies(421, "421 4.7.0 too busy", std::nullopt, ""),
                   r);
    EXPECT_EQ(r.status, Status::inconclusive);

    // expect: accepted
    auto acc = probe(true, "", "");
    acc.expect.accepted = true;
    judge_envelope(acc, replies(250, "250 2.1.0 Ok", 250, "250 2.1.5 Ok"), r);
    EXPECT_EQ(r.status, Status::pass);
    judge_envelope(acc, replies(250, "250 2.1.0 Ok", 550, "550 5.1.1 no"), r);
    EXPECT_EQ(r.status, Status::fail);
    EXPECT_THAT(r.message, HasSubstr("expected the recipient to be accepted"));
}

TEST(JudgeVrfy, DisclosureFails) {
    EXPECT_EQ(judge_vrfy("VRFY", 502, "502 5.5.1 VRFY command is disabled").status, Status::pass);
    EXPECT_EQ(judge_vrfy("VRFY", 252, "252 2.0.0 alice@lab.test").status, Status::pass);
    EXPECT_EQ(judge_vrfy("VRFY", 550, "550 5.1.1 no").status, Status::pass);
    auto v = judge_vrfy("EXPN", 250, "250 2.1.5 <alice@lab.test>");
    EXPECT_EQ(v.status, Status::fail);
    EXPECT_THAT(v.message, HasSubstr("EXPN disclosed the mailbox: 250 2.1.5 <alice@lab.test>"));
    EXPECT_EQ(judge_vrfy("VRFY", 421, "421 busy").status, Status::inconclusive);
}

}  // namespace
}  // namespace mailspec
