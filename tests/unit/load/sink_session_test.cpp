#include "transport/load/sink_session.hpp"

#include <gtest/gtest.h>

namespace mailspec::load {
namespace {

SinkSession session(bool tls = false) {
    SinkSession::Options o;
    o.hostname = "sink.test";
    o.offer_starttls = tls;
    return SinkSession(o);
}

// Feeds `in` in one chunk and returns the replies.
std::string feed(SinkSession& s, std::string_view in) {
    std::string out;
    EXPECT_EQ(s.feed(in, out), in.size());
    return out;
}

TEST(SinkSession, GreetsAndOffersPipeliningButNotStarttlsWithoutACertificate) {
    auto s = session();
    EXPECT_EQ(s.greeting(), "220 sink.test ESMTP mailspec sink\r\n");
    auto out = feed(s, "EHLO client\r\n");
    EXPECT_NE(out.find("250-PIPELINING\r\n"), std::string::npos);
    EXPECT_EQ(out.find("STARTTLS"), std::string::npos);
    EXPECT_TRUE(out.ends_with("250 ENHANCEDSTATUSCODES\r\n"));
}

TEST(SinkSession, PipelinedBatchGetsAllRepliesInOrder) {
    auto s = session();
    feed(s, "EHLO c\r\n");
    auto out = feed(s, "MAIL FROM:<a@b>\r\nRCPT TO:<x@y>\r\nRCPT TO:<z@y>\r\nDATA\r\n");
    EXPECT_EQ(out,
              "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
              "354 End data with <CR><LF>.<CR><LF>\r\n");
    out = feed(s, "Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n");
    EXPECT_EQ(out, "250 2.0.0 Ok: discarded\r\n221 2.0.0 Bye\r\n");
    EXPECT_TRUE(s.closed());
    EXPECT_EQ(s.counts().messages, 1u);
    EXPECT_EQ(s.counts().recipients, 2u);
    EXPECT_EQ(s.counts().bytes, std::string("Subject: x\r\n\r\nbody\r\n").size());
}

TEST(SinkSession, EndOfDataSplitAcrossChunksAndDotStuffedLines) {
    auto s = session();
    feed(s, "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\n");
    const std::string body = "..leading dot\r\n.x\r\nend\r\n.\r\n";
    std::string out;
    for (char ch : body) {  // one octet at a time: every split point
        EXPECT_TRUE(out.empty());
        s.feed(std::string_view(&ch, 1), out);
    }
    EXPECT_EQ(out, "250 2.0.0 Ok: discarded\r\n");
    EXPECT_EQ(s.counts().messages, 1u);
    // A dot that does not stand alone on its line does not end the message.
    feed(s, "MAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\n");
    out = feed(s, "a\r\n.b\r\nc.\r\n");
    EXPECT_TRUE(out.empty());
    out = feed(s, "\r\n.\r\n");
    EXPECT_EQ(out, "250 2.0.0 Ok: discarded\r\n");
    EXPECT_EQ(s.counts().messages, 2u);
}

TEST(SinkSession, EmptyMessageEndsAtOnce) {
    auto s = session();
    feed(s, "HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\n");
    EXPECT_EQ(feed(s, ".\r\n"), "250 2.0.0 Ok: discarded\r\n");
    EXPECT_EQ(s.counts().bytes, 0u);
}

TEST(SinkSession, EnforcesCommandOrder) {
    auto s = session();
    EXPECT_EQ(feed(s, "MAIL FROM:<a@b>\r\n"), "503 5.5.1 Error: send HELO/EHLO first\r\n");
    feed(s, "EHLO c\r\n");
    EXPECT_EQ(feed(s, "RCPT TO:<a@b>\r\n"), "503 5.5.1 Error: need MAIL command\r\n");
    EXPECT_EQ(feed(s, "MAIL FROM:<a@b>\r\n"), "250 2.1.0 Ok\r\n");
    EXPECT_EQ(feed(s, "DATA\r\n"), "503 5.5.1 Error: need RCPT command\r\n");
    EXPECT_EQ(feed(s, "RSET\r\n"), "250 2.0.0 Ok\r\n");
    EXPECT_EQ(feed(s, "MAIL FROM:<a@b>\r\n"), "250 2.1.0 Ok\r\n");
    EXPECT_EQ(feed(s, "BDAT 10\r\n"), "502 5.5.2 Error: command not recognized\r\n");
    EXPECT_EQ(s.counts().messages, 0u);
}

TEST(SinkSession, OverlongLineIsRefusedAndTheSessionGoesOn) {
    auto s = session();
    std::string out;
    s.feed(std::string(3000, 'A'), out);
    s.feed(std::string(3000, 'A'), out);
    EXPECT_TRUE(out.empty());
    s.feed("\r\nNOOP\r\n", out);
    EXPECT_EQ(out, "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n");
}

TEST(SinkSession, StarttlsStopsConsumingUntilTheHandshake) {
    auto s = session(true);
    auto out = feed(s, "EHLO c\r\n");
    EXPECT_NE(out.find("250-STARTTLS\r\n"), std::string::npos);
    out.clear();
    // Commands pipelined after STARTTLS must not be answered in the clear (CVE-2011-0411).
    const std::string in = "STARTTLS\r\nMAIL FROM:<injected@x>\r\n";
    EXPECT_EQ(s.feed(in, out), std::string("STARTTLS\r\n").size());
    EXPECT_EQ(out, "220 2.0.0 Ready to start TLS\r\n");
    EXPECT_TRUE(s.starttls_pending());
    s.tls_started();
    EXPECT_EQ(s.counts().tls, 1u);
    out = feed(s, "MAIL FROM:<a@b>\r\n");
    EXPECT_EQ(out, "503 5.5.1 Error: send HELO/EHLO first\r\n");  // state reset by TLS
    out = feed(s, "EHLO c\r\n");
    EXPECT_EQ(out.find("STARTTLS"), std::string::npos);
    EXPECT_EQ(feed(s, "STARTTLS\r\n"), "502 5.5.1 Error: command not implemented\r\n");
}

}  // namespace
}  // namespace mailspec::load
