// Runs the sans-I/O SMTP operations by hand: no socket, replies made from strings.
#include "protocol/smtp/operation.hpp"

#include <gtest/gtest.h>

#include "protocol/base64.hpp"

namespace mailspec::smtp {
namespace {

using Kind = Action::Kind;

Reply reply_of(const std::string& bytes) {
    ReplyParser p;
    p.feed(bytes);
    EXPECT_TRUE(p.done()) << bytes;
    return p.take();
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += x + "|";
    return s;
}

// Test-only mechanisms (the real ones live in protocol/sasl).
class FakePlain : public sasl::Mechanism {
  public:
    std::string_view name() const override { return "PLAIN"; }
    std::optional<std::string> initial_response() override {
        return std::string("\0user\0s3cret", 12);
    }
    sasl::StepResult respond(std::string_view) override {
        return sasl::Failure{"unexpected challenge"};
    }
    std::optional<sasl::Failure> finish(std::string_view) override { return std::nullopt; }
};

class FakeLogin : public sasl::Mechanism {
  public:
    std::string_view name() const override { return "LOGIN"; }
    std::optional<std::string> initial_response() override { return std::nullopt; }
    sasl::StepResult respond(std::string_view challenge) override {
        if (challenge == "Username:") return std::string("user");
        if (challenge == "Password:") return std::string("s3cret");
        return sasl::Failure{"unexpected challenge"};
    }
    std::optional<sasl::Failure> finish(std::string_view) override {
        if (distrust) return sasl::Failure{"server signature does not verify"};
        return std::nullopt;
    }
    bool distrust = false;
};

TEST(SmtpOperation, GreetingReadsOneReply) {
    Greeting op;
    Action a = op.start();
    EXPECT_EQ(a.kind, Kind::read_reply);
    EXPECT_EQ(a.step, "greeting");
    EXPECT_EQ(a.wait, Action::Wait::greeting);
    EXPECT_EQ(op.on_reply(reply_of("220 mx ESMTP Postfix\r\n")).kind, Kind::done);
    EXPECT_EQ(op.reply().code, 220);
}

TEST(SmtpOperation, EhloParsesCapabilities) {
    Ehlo op("probe.mailspec.test");
    Action a = op.start();
    ASSERT_EQ(a.kind, Kind::write);
    EXPECT_EQ(a.bytes, "EHLO probe.mailspec.test\r\n");
    a = op.on_written();
    EXPECT_EQ(a.kind, Kind::read_reply);
    EXPECT_EQ(a.step, "reply to EHLO");
    EXPECT_EQ(op.on_reply(reply_of("250-mx\r\n250 STARTTLS\r\n")).kind, Kind::done);
    ASSERT_TRUE(op.capabilities());
    EXPECT_TRUE(op.capabilities()->has("STARTTLS"));
}

TEST(SmtpOperation, EhloRejectedHasNoCapabilities) {
    Ehlo op("x");
    op.start();
    op.on_written();
    op.on_reply(reply_of("502 5.5.2 Error: command not recognized\r\n"));
    EXPECT_FALSE(op.capabilities());
    EXPECT_EQ(op.reply().code, 502);
}

TEST(SmtpOperation, LockStepExchange) {
    Exchange op({cmd::mail_from("a@b"), cmd::rcpt_to("c@d")}, false);
    Action a = op.start();
    EXPECT_EQ(a.bytes, "MAIL FROM:<a@b>\r\n");
    EXPECT_EQ(a.step, "MAIL FROM");
    EXPECT_EQ(op.on_written().step, "reply to MAIL FROM");
    a = op.on_reply(reply_of("250 2.1.0 Ok\r\n"));
    EXPECT_EQ(a.kind, Kind::write);
    EXPECT_EQ(a.bytes, "RCPT TO:<c@d>\r\n");
    EXPECT_EQ(op.on_written().step, "reply to RCPT TO");
    EXPECT_EQ(op.on_reply(reply_of("554 5.7.1 Relay access denied\r\n")).kind, Kind::done);
    ASSERT_EQ(op.replies().size(), 2u);
    EXPECT_EQ(op.replies()[1].code, 554);
}

TEST(SmtpOperation, PipelinedExchangeWritesOnce) {
    Exchange op({cmd::mail_from("a@b"), cmd::rcpt_to("c@d"), cmd::data()}, true);
    EXPECT_TRUE(op.pipelined());
    Action a = op.start();
    ASSERT_EQ(a.kind, Kind::write);
    EXPECT_EQ(a.bytes, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
    EXPECT_EQ(op.on_written().step, "reply to MAIL FROM");
    EXPECT_EQ(op.on_reply(reply_of("250 2.1.0 Ok\r\n")).step, "reply to RCPT TO");
    EXPECT_EQ(op.on_reply(reply_of("250 2.1.5 Ok\r\n")).step, "reply to DATA");
    EXPECT_EQ(op.on_reply(reply_of("354 go ahead\r\n")).kind, Kind::done);
    EXPECT_EQ(op.replies().size(), 3u);
}

TEST(SmtpOperation, StartTlsUpgradesOnlyOn220) {
    StartTls ok;
    EXPECT_EQ(ok.start().bytes, "STARTTLS\r\n");
    ok.on_written();
    EXPECT_EQ(ok.on_reply(reply_of("220 2.0.0 Ready to start TLS\r\n")).kind, Kind::start_tls);
    EXPECT_EQ(ok.on_tls().kind, Kind::done);
    EXPECT_TRUE(ok.upgraded());

    StartTls refused;
    refused.start();
    refused.on_written();
    EXPECT_EQ(refused.on_reply(reply_of("454 4.7.0 TLS not available\r\n")).kind, Kind::done);
    EXPECT_FALSE(refused.upgraded());
}

TEST(SmtpOperation, AuthPlainInitialResponseIsRedacted) {
    FakePlain mech;
    Auth op(mech);
    Action a = op.start();
    ASSERT_EQ(a.kind, Kind::write);
    const std::string b64 = base64::encode(std::string("\0user\0s3cret", 12));
    EXPECT_EQ(a.bytes, "AUTH PLAIN " + b64 + "\r\n");
    EXPECT_EQ(a.shown, std::vector<std::string>{"AUTH PLAIN <redacted>"});
    op.on_written();
    EXPECT_EQ(op.on_reply(reply_of("235 2.7.0 Authentication successful\r\n")).kind, Kind::done);
    EXPECT_TRUE(op.accepted());
    EXPECT_FALSE(op.failure());
}

TEST(SmtpOperation, AuthPlainWithoutInitialResponse) {
    FakePlain mech;
    Auth op(mech, /*initial_response=*/false);
    Action a = op.start();
    EXPECT_EQ(a.bytes, "AUTH PLAIN\r\n");
    op.on_written();
    a = op.on_reply(reply_of("334 \r\n"));
    ASSERT_EQ(a.kind, Kind::write);
    EXPECT_EQ(a.bytes, base64::encode(std::string("\0user\0s3cret", 12)) + "\r\n");
    EXPECT_EQ(a.shown, std::vector<std::string>{"<redacted>"});
}

TEST(SmtpOperation, AuthLoginChallenges) {
    FakeLogin mech;
    Auth op(mech);
    EXPECT_EQ(op.start().bytes, "AUTH LOGIN\r\n");
    op.on_written();
    Action a = op.on_reply(reply_of("334 VXNlcm5hbWU6\r\n"));
    EXPECT_EQ(a.bytes, base64::encode("user") + "\r\n");
    EXPECT_EQ(joined(a.shown), "<redacted>|");
    op.on_written();
    a = op.on_reply(reply_of("334 UGFzc3dvcmQ6\r\n"));
    EXPECT_EQ(a.bytes, base64::encode("s3cret") + "\r\n");
    EXPECT_EQ(joined(a.shown), "<redacted>|");
    op.on_written();
    op.on_reply(reply_of("535 5.7.8 Error: authentication failed: authentication failure\r\n"));
    EXPECT_FALSE(op.accepted());
    EXPECT_EQ(op.reply().enhanced->to_string(), "5.7.8");
    EXPECT_EQ(op.challenges(), 2u);
}

TEST(SmtpOperation, AuthCancelsOnBadChallenge) {
    FakeLogin mech;
    Auth op(mech);
    op.start();
    op.on_written();
    Action a = op.on_reply(reply_of("334 not base64!\r\n"));
    EXPECT_EQ(a.bytes, "*\r\n");
    ASSERT_TRUE(op.failure());
    EXPECT_NE(op.failure()->find("challenge is not base64"), std::string::npos);
    op.on_written();
    EXPECT_EQ(op.on_reply(reply_of("501 5.7.0 Authentication aborted\r\n")).kind, Kind::done);
    EXPECT_FALSE(op.accepted());
}

TEST(SmtpOperation, AuthAcceptedButServerDistrusted) {
    FakeLogin mech;
    mech.distrust = true;
    Auth op(mech);
    op.start();
    op.on_written();
    op.on_reply(reply_of("235 2.7.0 ok\r\n"));
    EXPECT_FALSE(op.accepted());
    EXPECT_EQ(*op.failure(), "server signature does not verify");
}

TEST(SmtpOperation, AuthStopsAfterTooManyChallenges) {
    FakeLogin mech;
    Auth op(mech);
    op.start();
    op.on_written();
    Action a;
    for (int i = 0; i < 17; ++i) {
        a = op.on_reply(reply_of("334 VXNlcm5hbWU6\r\n"));
        op.on_written();
    }
    EXPECT_EQ(a.bytes, "*\r\n");
    EXPECT_EQ(op.on_reply(reply_of("334 VXNlcm5hbWU6\r\n")).kind, Kind::done);
    EXPECT_FALSE(op.accepted());
}

TEST(SmtpOperation, DataSendsStuffedMessageAndDot) {
    Data op("Subject: t\r\n\r\n.line\r\n", false);
    EXPECT_EQ(op.start().bytes, "DATA\r\n");
    EXPECT_EQ(op.on_written().step, "reply to DATA");
    Action a = op.on_reply(reply_of("354 End data with <CR><LF>.<CR><LF>\r\n"));
    ASSERT_EQ(a.kind, Kind::write);
    EXPECT_EQ(a.bytes, "Subject: t\r\n\r\n..line\r\n.\r\n");
    a = op.on_written();
    EXPECT_EQ(a.step, "reply to end of data");
    EXPECT_EQ(a.wait, Action::Wait::end_of_data);
    EXPECT_EQ(op.on_reply(reply_of("250 2.0.0 Ok: queued as 699ACBA2D7\r\n")).kind, Kind::done);
    ASSERT_TRUE(op.final_reply());
    EXPECT_EQ(op.final_reply()->code, 250);
}

TEST(SmtpOperation, DataAbandonedBeforeTheDot) {
    Data op("Subject: t\r\n\r\nx\r\n", true);
    op.start();
    op.on_written();
    Action a = op.on_reply(reply_of("354 go ahead\r\n"));
    EXPECT_EQ(a.bytes, "Subject: t\r\n\r\nx\r\n") << "no final dot";
    EXPECT_NE(a.note.find("final dot withheld"), std::string::npos);
    EXPECT_EQ(op.on_written().kind, Kind::close);
    EXPECT_TRUE(op.abandoned());
    EXPECT_FALSE(op.final_reply());
}

TEST(SmtpOperation, DataRejected) {
    Data op("x", false);
    op.start();
    op.on_written();
    EXPECT_EQ(op.on_reply(reply_of("554 5.5.1 Error: no valid recipients\r\n")).kind, Kind::done);
    EXPECT_EQ(op.data_reply().code, 554);
}

TEST(SmtpOperation, LongBodyIsSummarised) {
    std::string body;
    for (int i = 0; i < 100; ++i)
        body += "line " + std::to_string(i) + "\r\n";
    Data op(body, false, 10);
    op.start();
    op.on_written();
    Action a = op.on_reply(reply_of("354 go\r\n"));
    EXPECT_EQ(a.shown.size(), 10u);
    EXPECT_EQ(a.note, "91 more lines sent, not shown");  // 100 lines + the dot
}

TEST(SmtpOperation, BdatSendsChunkWithCommand) {
    Bdat op("hello", true);
    Action a = op.start();
    EXPECT_EQ(a.bytes, "BDAT 5 LAST\r\nhello");
    EXPECT_EQ(op.on_written().step, "reply to BDAT");
}

TEST(SmtpOperation, QuitCloses) {
    Quit op;
    EXPECT_EQ(op.start().bytes, "QUIT\r\n");
    op.on_written();
    EXPECT_EQ(op.on_reply(reply_of("221 2.0.0 Bye\r\n")).kind, Kind::close);
}

}  // namespace
}  // namespace mailspec::smtp
