// Delivery lines of one message in the three MTAs' logs, as Postfix 3.7 (maillog_file),
// Exim 4.96 (mainlog) and qmail-send 1.03 (multilog, TAI64N stamps) write them; each log also
// holds another message's lines, which must not be picked up.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/maillog_parse.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

const char* kPostfixLog =
    "Dec  3 17:12:01 mail postfix/smtpd[1234]: 4dLq1T3Xz6z9sWl: client=unknown[127.0.0.20]\n"
    "Dec  3 17:12:01 mail postfix/cleanup[1235]: 4dLq1T3Xz6z9sWl: "
    "message-id=<mailspec.1@probe.mailspec.test>\n"
    "Dec  3 17:12:01 mail postfix/qmgr[999]: 4dLq1T3Xz6z9sWl: from=<alice@lab.test>, size=612, "
    "nrcpt=2 (queue active)\n"
    "Dec  3 17:12:01 mail postfix/smtp[1236]: 4dLq1T3Xz6z9sWl: to=<bob@example.net>, "
    "relay=127.0.0.11[127.0.0.11]:25, delay=0.12, delays=0.05/0.01/0.03/0.03, dsn=2.0.0, "
    "status=sent (250 2.0.0 Ok: queued as 4dLq1T4Yz7z9sWm)\n"
    "Dec  3 17:12:02 mail postfix/smtp[1236]: 4dLq1T3Xz6z9sWl: to=<carol@example.org>, "
    "relay=none, delay=1.2, delays=0.05/0.01/1.1/0, dsn=4.4.1, status=deferred (connect to "
    "127.0.0.11[127.0.0.11]:25: Connection refused)\n"
    "Dec  3 17:12:03 mail postfix/smtp[1237]: 4dLq9Z9Zz9z9sWx: to=<erin@example.net>, "
    "relay=127.0.0.11[127.0.0.11]:25, delay=0.2, dsn=5.1.1, status=bounced (host "
    "127.0.0.11[127.0.0.11] said: 550 5.1.1 unknown user (in reply to RCPT TO command))\n"
    "Dec  3 17:12:04 mail postfix/cleanup[1240]: 4dLqAAAAz9z9sWy: reject: header Subject: "
    "GTUBE from unknown[127.0.0.30]; from=<a@b.example> to=<alice@lab.test> proto=ESMTP "
    "helo=<probe>: 5.7.1 spam\n"
    "Dec  3 17:12:05 mail postfix/qmgr[999]: 4dLq1T3Xz6z9sWl: removed\n";

TEST(PostfixMaillog, ReadsEachRecipientsStatusRelayAndDelay) {
    auto d = postfix_log_deliveries(kPostfixLog, "4dLq1T3Xz6z9sWl");
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].recipient, "bob@example.net");
    EXPECT_EQ(d[0].status, LogStatus::sent);
    EXPECT_EQ(d[0].relay, "127.0.0.11[127.0.0.11]:25");
    ASSERT_TRUE(d[0].delay);
    EXPECT_DOUBLE_EQ(*d[0].delay, 0.12);
    EXPECT_THAT(d[0].detail, HasSubstr("250 2.0.0 Ok: queued as"));
    EXPECT_EQ(d[1].status, LogStatus::deferred);
    EXPECT_EQ(d[1].relay, "none");
    EXPECT_THAT(d[1].detail, HasSubstr("Connection refused"));
    auto bounced = postfix_log_deliveries(kPostfixLog, "4dLq9Z9Zz9z9sWx");
    ASSERT_EQ(bounced.size(), 1u);
    EXPECT_EQ(bounced[0].status, LogStatus::bounced);
    auto rejected = postfix_log_deliveries(kPostfixLog, "4dLqAAAAz9z9sWy");
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].status, LogStatus::rejected);
    EXPECT_THAT(rejected[0].detail, HasSubstr("5.7.1 spam"));
    EXPECT_TRUE(postfix_log_deliveries(kPostfixLog, "4dLqNOTTHERE").empty());
}

const char* kEximLog =
    "2026-12-03 17:12:01 1axbV0-0003LX-Q2 <= alice@example.com H=(probe) [127.0.0.20] P=esmtp "
    "S=612 id=mailspec.1@probe.mailspec.test\n"
    "2026-12-03 17:12:01 1axbV0-0003LX-Q2 => bob@example.net R=dnslookup T=remote_smtp "
    "H=sink.lab.test [127.0.0.11] C=\"250 2.0.0 Ok: queued as 4dLq\"\n"
    "2026-12-03 17:12:01 1axbV0-0003LX-Q2 == carol@example.org R=dnslookup T=remote_smtp "
    "defer (111): Connection refused\n"
    "2026-12-03 17:12:01 1axbV0-0003LX-Q2 ** dave@example.org R=dnslookup T=remote_smtp "
    "H=sink.lab.test [127.0.0.11]: SMTP error from remote mail server after RCPT "
    "TO:<dave@example.org>: 550 5.1.1 unknown user\n"
    "2026-12-03 17:12:02 1axbV9-0003MM-Zz => other@example.net R=dnslookup T=remote_smtp "
    "H=sink.lab.test [127.0.0.11]\n"
    "2026-12-03 17:12:02 1axbV0-0003LX-Q2 Completed\n";

TEST(EximMainlog, ReadsDeliveredDeferredAndFailedRecipients) {
    auto d = exim_log_deliveries(kEximLog, "1axbV0-0003LX-Q2");
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].status, LogStatus::sent);
    EXPECT_EQ(d[0].recipient, "bob@example.net");
    EXPECT_EQ(d[0].relay, "sink.lab.test");
    EXPECT_EQ(d[0].detail, "250 2.0.0 Ok: queued as 4dLq");
    EXPECT_EQ(d[1].status, LogStatus::deferred);
    EXPECT_THAT(d[1].detail, HasSubstr("Connection refused"));
    EXPECT_EQ(d[2].status, LogStatus::bounced);
    EXPECT_EQ(d[2].recipient, "dave@example.org");
    EXPECT_THAT(d[2].detail, HasSubstr("550 5.1.1 unknown user"));
}

const char* kQmailLog =
    "@400000006930a1f20a1b2c3d new msg 1049153\n"
    "@400000006930a1f20a1b2c3e info msg 1049153: bytes 1843 from <alice@example.com> qp 12345 "
    "uid 89\n"
    "@400000006930a1f20a1b2c3f starting delivery 7: msg 1049153 to remote bob@example.org\n"
    "@400000006930a1f20a1b2c40 starting delivery 8: msg 1049153 to remote carol@example.net\n"
    "@400000006930a1f20a1b2c41 starting delivery 9: msg 1049160 to remote x@example.net\n"
    "@400000006930a1f30a1b2c42 delivery 7: success: "
    "127.0.0.11_accepted_message./Remote_host_said:_250_2.0.0_Ok:_queued_as_4dLq/\n"
    "@400000006930a1f30a1b2c43 delivery 8: deferral: "
    "Connected_to_127.0.0.11_but_connection_died._(#4.4.2)/\n"
    "@400000006930a1f30a1b2c44 delivery 9: failure: "
    "127.0.0.11_does_not_like_recipient./Remote_host_said:_550_5.1.1_unknown/"
    "Giving_up_on_127.0.0.11./\n"
    "@400000006930a1f30a1b2c45 end msg 1049153\n";

TEST(QmailSendLog, FollowsDeliveriesOfAMessageFoundByMsgOrQp) {
    for (const char* id : {"1049153", "qp 12345"}) {
        auto d = qmail_log_deliveries(kQmailLog, id);
        ASSERT_EQ(d.size(), 2u) << id;
        EXPECT_EQ(d[0].queue_id, "1049153");
        EXPECT_EQ(d[0].recipient, "bob@example.org");
        EXPECT_EQ(d[0].status, LogStatus::sent);
        EXPECT_EQ(d[0].relay, "127.0.0.11");
        EXPECT_THAT(d[0].detail, HasSubstr("Remote host said: 250 2.0.0"));
        EXPECT_EQ(d[1].status, LogStatus::deferred);
        EXPECT_EQ(d[1].recipient, "carol@example.net");
    }
    auto other = qmail_log_deliveries(kQmailLog, "1049160");
    ASSERT_EQ(other.size(), 1u);
    EXPECT_EQ(other[0].status, LogStatus::bounced);
    EXPECT_TRUE(qmail_log_deliveries(kQmailLog, "qp 99999").empty());
}

}  // namespace
}  // namespace mailspec
