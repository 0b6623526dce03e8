// The POP3 and IMAP clients against hand-written hostile servers (tests/hostile/
// mailbox_scripts.hpp): every attack ends in a precise StepError within the timeout, and the
// client is closed afterwards.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "tests/hostile/mailbox_scripts.hpp"
#include "tests/unit/support/hostile_attack.hpp"
#include "transport/imap_client.hpp"
#include "transport/pop3_client.hpp"

namespace mailspec::transport {
namespace {

namespace asio = boost::asio;
namespace hostile = testing::hostile;
using testing::LoopbackServer;

using testing::AttackOutcome;

MailboxClientOptions short_timeouts() {
    return testing::short_timeouts<MailboxClientOptions>(1s);
}

// The greeting and CAPA/CAPABILITY against `script`; collects the error.
template <typename Client, typename Limits>
AttackOutcome attack(LoopbackServer::Script script, Limits limits,
                     MailboxClientOptions opts = short_timeouts()) {
    asio::io_context io;
    LoopbackServer server(io, std::move(script));
    Client client(io.get_executor(), opts, nullptr, limits);
    return testing::run_attack(io, server, client, client.connection().transcript(),
                               [&]() -> asio::awaitable<void> {
                                   co_await client.open({server.host(), server.port()});
                                   if constexpr (std::is_same_v<Client, Pop3Client>) {
                                       client.session().capa();
                                       co_await client.run("CAPA");
                                   } else {
                                       client.session().capability();
                                       co_await client.run("CAPABILITY");
                                   }
                               });
}

TEST(MailboxHostile, Pop3NeverEndingMultiLineResponseHitsTheSizeLimit) {
    auto out = attack<Pop3Client>(hostile::pop3_endless_multiline(), probe_pop3_limits());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::limit);
    EXPECT_EQ(std::string(out.error->what()), "reply to CAPA: protocol error: response_too_large");
    EXPECT_FALSE(out.open_after);
}

TEST(MailboxHostile, Pop3NeverEndingMultiLineResponseTrickledEndsAtTheDeadline) {
    // With limits too large to be reached, only the deadline ends it.
    pop3::Limits huge;
    auto out = attack<Pop3Client>(
        [](testing::ServerConn& c) -> asio::awaitable<void> {
            co_await c.send("+OK ready\r\n");
            co_await c.read_line();
            co_await c.send("+OK list follows\r\n");
            asio::steady_timer t(c.socket.get_executor());
            for (;;) {
                co_await c.send("SOMETHING\r\n");
                t.expires_after(std::chrono::milliseconds(10));
                co_await t.async_wait(asio::use_awaitable);
            }
        },
        huge);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::timeout);
    EXPECT_EQ(std::string(out.error->what()), "reply to CAPA: timed out after 1s");
}

TEST(MailboxHostile, ImapEndlessLiteralEndsAtTheDeadline) {
    auto limits = probe_imap_limits();
    limits.max_literal = 32 * 1024 * 1024;
    limits.max_response_bytes = 64 * 1024 * 1024;
    auto out = attack<ImapClient>(hostile::imap_endless_literal(), limits);
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::timeout);
    EXPECT_EQ(std::string(out.error->what()), "reply to CAPABILITY: timed out after 1s");
    EXPECT_FALSE(out.open_after);
}

TEST(MailboxHostile, ImapLiteralOverTheLimitFailsAtItsAnnouncement) {
    auto out = attack<ImapClient>(hostile::imap_endless_literal(999'999'999), probe_imap_limits());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::limit);
    EXPECT_EQ(std::string(out.error->what()),
              "reply to CAPABILITY: protocol error: literal_too_large");
}

TEST(MailboxHostile, Pop3GarbageGreetingIsAProtocolError) {
    auto out = attack<Pop3Client>(hostile::garbage_greeting(), probe_pop3_limits());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::protocol);
    EXPECT_EQ(std::string(out.error->what()), "greeting: protocol error: bad_status");
}

TEST(MailboxHostile, ImapGarbageGreetingIsAProtocolError) {
    auto out = attack<ImapClient>(hostile::garbage_greeting(), probe_imap_limits());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::protocol);
    EXPECT_EQ(std::string(out.error->what()), "greeting: protocol error: malformed");
}

TEST(MailboxHostile, SilentServerTimesOutAtTheGreeting) {
    auto out = attack<ImapClient>(hostile::never_answers(), probe_imap_limits());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::timeout);
    EXPECT_EQ(std::string(out.error->what()), "greeting: timed out after 1s");
}

TEST(MailboxHostile, StallAfterGreetingTimesOutTheCommand) {
    auto out =
        attack<Pop3Client>(hostile::greets_then_stalls("+OK ready\r\n"), probe_pop3_limits());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::timeout);
    EXPECT_EQ(std::string(out.error->what()), "reply to CAPA: timed out after 1s");
    EXPECT_NE(out.transcript.find("-> CAPA"), std::string::npos);
}

TEST(MailboxHostile, CloseBeforeTheGreetingIsClosed) {
    auto out = attack<Pop3Client>(
        [](testing::ServerConn& c) -> asio::awaitable<void> {
            c.close();
            co_return;
        },
        probe_pop3_limits());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::closed);
}

TEST(MailboxHostile, CloseInTheMiddleOfAResponseIsClosedMidResponse) {
    auto out = attack<ImapClient>(
        [](testing::ServerConn& c) -> asio::awaitable<void> {
            co_await c.send("* OK ready\r\n");
            co_await c.read_line();
            co_await c.send("* CAPABILITY IMAP4rev1 STARTT");
            c.close();
        },
        probe_imap_limits());
    ASSERT_TRUE(out.error);
    EXPECT_EQ(out.error->kind(), StepError::Kind::closed);
    EXPECT_EQ(std::string(out.error->what()),
              "reply to CAPABILITY: connection closed in the middle of a response");
}

}  // namespace
}  // namespace mailspec::transport
