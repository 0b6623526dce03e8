// The client against the hand-written hostile server (tests/hostile/): every attack must end in
// a precise StepError within its timeout, with the client's buffers bounded by its limits.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "tests/hostile/hostile_server.hpp"
#include "tests/unit/support/hostile_attack.hpp"
#include "transport/smtp_client.hpp"

namespace mailspec::transport {
namespace {

namespace asio = boost::asio;
namespace hostile = testing::hostile;
using testing::LoopbackServer;

struct Outcome : testing::AttackOutcome {
    explicit Outcome(testing::AttackOutcome base) : AttackOutcome(std::move(base)) {}
    std::vector<std::string> findings;
    std::size_t peak_buffered = 0;
    std::size_t bound = 0;
};

SmtpClientOptions short_timeouts() {
    return testing::short_timeouts<SmtpClientOptions>(2s);
}

// Greeting, EHLO and STARTTLS against `script`; collects the error.
Outcome attack(LoopbackServer::Script script, SmtpClientOptions opts = short_timeouts()) {
    asio::io_context io;
    LoopbackServer server(io, std::move(script));
    SmtpClient client(io.get_executor(), opts);
    Outcome out(testing::run_attack(io, server, client, client.transcript(),
                                    [&]() -> asio::awaitable<void> {
                                        co_await client.open({server.host(), server.port()});
                                        co_await client.ehlo("probe.mailspec.test");
                                        co_await client.starttls();
                                    }));
    out.peak_buffered = client.peak_buffered_bytes();
    out.bound = opts.read_chunk + opts.limits.max_bytes + opts.limits.max_line;
    for (const auto& f : client.findings())
        out.findings.push_back(f.text);
    return out;
}

TEST(SmtpHostile, OneMebibyteLine) {
    auto out = attack(hostile::huge_line());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::limit);
    EXPECT_EQ(std::string(out.error->what()), "greeting: line exceeds 512 octets");
    EXPECT_LE(out.peak_buffered, out.bound);
    EXPECT_FALSE(out.open_after);
    EXPECT_NE(out.transcript.find("== greeting: line exceeds 512 octets"), std::string::npos);
}

TEST(SmtpHostile, HundredThousandContinuationLines) {
    auto out = attack(hostile::endless_continuation());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::limit);
    EXPECT_EQ(std::string(out.error->what()), "greeting: reply exceeds 1000 lines");
    EXPECT_LE(out.peak_buffered, out.bound);
}

TEST(SmtpHostile, ReplyBytesLimit) {
    auto opts = short_timeouts();
    opts.limits.max_bytes = 4096;
    auto out = attack(hostile::endless_continuation(), opts);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(std::string(out.error->what()), "greeting: reply exceeds 4096 octets");
    EXPECT_LE(out.peak_buffered, out.bound);
}

TEST(SmtpHostile, NeverAnswers) {
    auto opts = short_timeouts();
    opts.timeouts.greeting = 300ms;
    auto out = attack(hostile::never_answers(), opts);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::timeout);
    EXPECT_EQ(std::string(out.error->what()), "greeting: timed out after 300ms");
    EXPECT_NE(out.transcript.find("== greeting: timed out after 300ms"), std::string::npos);
}

TEST(SmtpHostile, WholeCheckDeadline) {
    auto opts = short_timeouts();
    opts.timeouts.greeting = 30s;
    opts.timeouts.total = 400ms;
    auto out = attack(hostile::never_answers(), opts);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(std::string(out.error->what()), "greeting: check deadline of 400ms reached");
}

TEST(SmtpHostile, TrickledReplyStillTimesOut) {
    auto opts = short_timeouts();
    opts.timeouts.reply = 300ms;
    auto out = attack(hostile::trickle(), opts);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(std::string(out.error->what()), "reply to EHLO: timed out after 300ms");
    EXPECT_NE(out.transcript.find("<- 250-X\n"), std::string::npos) << "partial reply is shown";
}

TEST(SmtpHostile, ClosesMidReply) {
    auto out = attack(hostile::closes_mid_reply());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::closed);
    EXPECT_EQ(std::string(out.error->what()),
              "greeting: connection closed by the server in the middle of a reply");
    EXPECT_NE(out.transcript.find("<- 220-second line\n"), std::string::npos) << out.transcript;
}

TEST(SmtpHostile, TlsGarbageAfterReady) {
    auto out = attack(hostile::tls_garbage());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::tls);
    EXPECT_EQ(out.error->step(), "TLS handshake");
    EXPECT_EQ(out.error->reason(), "handshake failed: wrong version number") << out.transcript;
    EXPECT_FALSE(out.open_after);
}

TEST(SmtpHostile, TlsSilenceAfterReady) {
    auto opts = short_timeouts();
    opts.timeouts.tls_handshake = 300ms;
    auto out = attack(hostile::tls_silence(), opts);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(std::string(out.error->what()), "TLS handshake: timed out after 300ms");
}

TEST(SmtpHostile, ResetMidReply) {
    auto out = attack(hostile::reset_mid_reply());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::closed);
    EXPECT_EQ(std::string(out.error->what()),
              "reply to EHLO: connection reset by the server in the middle of a reply");
    EXPECT_NE(out.transcript.find("<- 250-fake.test\n"), std::string::npos) << out.transcript;
}

TEST(SmtpHostile, TlsAbortAfterClientHello) {
    auto out = attack(hostile::tls_abort());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::closed) << out.error->what();
    EXPECT_EQ(out.error->step(), "TLS handshake");
    EXPECT_FALSE(out.open_after);
}

TEST(SmtpHostile, SlowGreetingTimesOut) {
    auto opts = short_timeouts();
    opts.timeouts.greeting = 300ms;
    auto out = attack(hostile::slow_greeting(), opts);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(std::string(out.error->what()), "greeting: timed out after 300ms");
}

TEST(SmtpHostile, SilenceAfterGreeting) {
    auto opts = short_timeouts();
    opts.timeouts.reply = 300ms;
    auto out = attack(hostile::silent_after_greeting(), opts);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(std::string(out.error->what()), "reply to EHLO: timed out after 300ms");
}

// Lenient, not silent: bare LFs and NUL octets are accepted but each is a finding.
TEST(SmtpHostile, BareLfRepliesAreFindings) {
    auto out = attack(hostile::bare_lf());
    ASSERT_FALSE(out.findings.empty());
    EXPECT_EQ(out.findings[0], "greeting: reply line 1 ends in a bare LF");
}

TEST(SmtpHostile, NulAndInvalidUtf8AreFindings) {
    auto out = attack(hostile::nul_and_bad_utf8());
    ASSERT_FALSE(out.findings.empty());
    EXPECT_NE(out.findings[0].find("greeting: reply line 1 holds a control octet"),
              std::string::npos)
        << out.findings[0];
}

}  // namespace
}  // namespace mailspec::transport
