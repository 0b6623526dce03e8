#include "protocol/socks5.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mailspec::socks5 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int c : b)
        s += static_cast<char>(c);
    return s;
}

Endpoint mail_example() {
    return {Address::domain("mail.example"), 25};
}

// What a client sends, in order, for mail.example:25.
const std::string greeting_no_auth = bytes({5, 1, 0});
const std::string greeting_auth = bytes({5, 2, 0, 2});
const std::string auth_request = bytes({1, 5}) + "alice" + bytes({6}) + "s3cret";
const std::string connect_request = bytes({5, 1, 0, 3, 12}) + "mail.example" + bytes({0, 25});

// Proxy answers.
const std::string choose_none = bytes({5, 0});
const std::string choose_userpass = bytes({5, 2});
const std::string auth_ok = bytes({1, 0});
const std::string reply_v4 = bytes({5, 0, 0, 1, 192, 0, 2, 7, 0x10, 0x92});  // 192.0.2.7:4242
const std::string smtp_greeting = "220 mail.example ESMTP\r\n";

struct Outcome {
    std::string sent;  // everything the client wrote, start() included
    std::string leftover;
    Step::State state = Step::State::need_more;
};

// Feeds the chunks in order; stops at a failure. After the reply the codec passes bytes
// through as leftover, as the transport would before handing the stream over.
Outcome run(Client& c, const std::vector<std::string>& chunks) {
    Outcome o;
    Step s = c.start();
    o.sent += s.send;
    for (const auto& chunk : chunks) {
        if (s.state == Step::State::failed) break;
        s = c.feed(chunk);
        o.sent += s.send;
        o.leftover += s.leftover;
    }
    o.state = s.state;
    return o;
}

// Every way of cutting `server` in two, plus one byte at a time, gives `expect`.
void for_every_split(const std::function<Client()>& make, const std::string& server,
                     const std::function<void(const Client&, const Outcome&)>& check) {
    for (std::size_t cut = 0; cut <= server.size(); ++cut) {
        Client c = make();
        SCOPED_TRACE("split at " + std::to_string(cut));
        check(c, run(c, {server.substr(0, cut), server.substr(cut)}));
    }
    std::vector<std::string> single;
    for (char ch : server)
        single.emplace_back(1, ch);
    Client c = make();
    SCOPED_TRACE("byte by byte");
    check(c, run(c, single));
}

TEST(Socks5, NoAuthConnectByDomainAtEverySplit) {
    for_every_split([] { return Client(mail_example()); }, choose_none + reply_v4 + smtp_greeting,
                    [](const Client& c, const Outcome& o) {
                        EXPECT_EQ(o.state, Step::State::connected);
                        EXPECT_EQ(o.sent, greeting_no_auth + connect_request);
                        EXPECT_EQ(o.leftover, smtp_greeting);
                        EXPECT_EQ(c.bound().to_string(), "192.0.2.7:4242");
                        EXPECT_EQ(c.reply_code(), 0);
                        EXPECT_FALSE(c.authenticated());
                    });
}

TEST(Socks5, UsernamePasswordAtEverySplit) {
    auto make = [] { return Client(mail_example(), UserPass{"alice", "s3cret"}); };
    for_every_split(make, choose_userpass + auth_ok + reply_v4,
                    [](const Client& c, const Outcome& o) {
                        EXPECT_EQ(o.state, Step::State::connected);
                        EXPECT_EQ(o.sent, greeting_auth + auth_request + connect_request);
                        EXPECT_EQ(o.leftover, "");
                        EXPECT_TRUE(c.authenticated());
                    });
}

TEST(Socks5, ProxyMayWaiveAuthenticationEvenWhenOffered) {
    Client c(mail_example(), UserPass{"alice", "s3cret"});
    auto o = run(c, {choose_none + reply_v4});
    EXPECT_EQ(o.state, Step::State::connected);
    EXPECT_EQ(o.sent, greeting_auth + connect_request);
    EXPECT_FALSE(c.authenticated());
}

TEST(Socks5, SendsOneMessageAtATimeWhenTheProxyDoes) {
    Client c(mail_example(), UserPass{"alice", "s3cret"});
    EXPECT_EQ(c.start().send, greeting_auth);
    Step s = c.feed(choose_userpass);
    EXPECT_EQ(s.state, Step::State::need_more);
    EXPECT_EQ(s.send, auth_request);
    s = c.feed(auth_ok);
    EXPECT_EQ(s.send, connect_request);
    s = c.feed(reply_v4);
    EXPECT_EQ(s.state, Step::State::connected);
    EXPECT_EQ(s.send, "");
    // After the reply the codec is transparent.
    s = c.feed("220 hi\r\n");
    EXPECT_EQ(s.state, Step::State::connected);
    EXPECT_EQ(s.leftover, "220 hi\r\n");
}

TEST(Socks5, ConnectRequestForIpv4AndIpv6Targets) {
    Client v4(Endpoint{Address::ipv4({127, 0, 0, 1}), 587});
    EXPECT_EQ(run(v4, {choose_none}).sent,
              greeting_no_auth + bytes({5, 1, 0, 1, 127, 0, 0, 1, 2, 0x4B}));

    std::array<std::uint8_t, 16> loop6{};
    loop6[15] = 1;
    Client v6(Endpoint{Address::ipv6(loop6), 465});
    std::string expect = bytes({5, 1, 0, 4}) + std::string(15, '\0') + bytes({1, 1, 0xD1});
    EXPECT_EQ(run(v6, {choose_none}).sent, greeting_no_auth + expect);
}

TEST(Socks5, BoundAddressOfEveryType) {
    std::string v6 =
        bytes({5, 0, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 25});
    std::string name = bytes({5, 0, 0, 3, 5}) + "proxy" + bytes({0x01, 0xBB});
    for (auto [reply, text] : {std::pair{v6, "[2001:db8::1]:25"}, std::pair{name, "proxy:443"}}) {
        for_every_split([] { return Client(mail_example()); }, choose_none + reply,
                        [text = std::string(text)](const Client& c, const Outcome& o) {
                            EXPECT_EQ(o.state, Step::State::connected);
                            EXPECT_EQ(c.bound().to_string(), text);
                        });
    }
}

TEST(Socks5, Ipv6TextFollowsRfc5952) {
    auto text = [](std::array<std::uint8_t, 16> a) { return Address::ipv6(a).to_string(); };
    EXPECT_EQ(text({}), "::");
    EXPECT_EQ(text({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), "::1");
    EXPECT_EQ(text({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}),
              "2001:db8:0:1::1");  // longest zero run
    EXPECT_EQ(text({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}),
              "2001:db8::1:0:0:1");  // first of equal runs
    EXPECT_EQ(text({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}),
              "2001:db8:0:1:1:1:1:1");  // a single zero group is not compressed
    EXPECT_EQ(text({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}), "::ffff:192.0.2.1");
    EXPECT_EQ(Address::domain(std::string("a\nb")).to_string(), "a\\x0Ab");
}

TEST(Socks5, WrongVersionInEveryReply) {
    {
        Client c(mail_example());
        EXPECT_EQ(run(c, {bytes({4, 0})}).state, Step::State::failed);
        EXPECT_EQ(c.error(), Error::bad_version);
        EXPECT_THAT(c.reason(), HasSubstr("version 0x04"));
    }
    {
        Client c(mail_example());
        run(c, {"HTTP/1.1 400 Bad Request\r\n"});
        EXPECT_EQ(c.error(), Error::bad_version);
        EXPECT_THAT(c.reason(), HasSubstr("HTTP proxy"));
    }
    {
        Client c(mail_example(), UserPass{"alice", "s3cret"});
        run(c, {choose_userpass + bytes({2, 0})});
        EXPECT_EQ(c.error(), Error::auth_bad_version);
    }
    {
        Client c(mail_example());
        run(c, {choose_none + bytes({4, 0, 0, 1, 1, 2, 3, 4, 0, 1})});
        EXPECT_EQ(c.error(), Error::bad_version);
        EXPECT_THAT(c.reason(), HasSubstr("CONNECT"));
    }
}

TEST(Socks5, SocksVersionInTheAuthReplyIsTolerated) {
    Client c(mail_example(), UserPass{"alice", "s3cret"});
    EXPECT_EQ(run(c, {choose_userpass + bytes({5, 0}) + reply_v4}).state, Step::State::connected);
}

TEST(Socks5, NoAcceptableMethod) {
    Client c(mail_example());
    EXPECT_EQ(run(c, {bytes({5, 0xFF})}).state, Step::State::failed);
    EXPECT_EQ(c.error(), Error::no_acceptable_method);
    EXPECT_THAT(c.reason(), HasSubstr("username and password"));

    Client a(mail_example(), UserPass{"alice", "s3cret"});
    run(a, {bytes({5, 0xFF})});
    EXPECT_EQ(a.error(), Error::no_acceptable_method);
    EXPECT_THAT(a.reason(), HasSubstr("none of the offered methods"));
}

TEST(Socks5, MethodThatWasNotOffered) {
    Client c(mail_example());
    run(c, {choose_userpass});  // username/password chosen, but no credentials were offered
    EXPECT_EQ(c.error(), Error::unexpected_method);
    EXPECT_THAT(c.reason(), HasSubstr("username/password, which was not offered"));
    Client g(mail_example());
    run(g, {bytes({5, 1})});
    EXPECT_THAT(g.reason(), HasSubstr("GSSAPI"));
}

TEST(Socks5, AuthenticationFailureNamesTheUserNotThePassword) {
    for_every_split(
        [] {
            return Client(mail_example(), UserPass{"alice", "s3cret"});
        },
        choose_userpass + bytes({1, 1}),
        [](const Client& c, const Outcome& o) {
            EXPECT_EQ(o.state, Step::State::failed);
            EXPECT_EQ(c.error(), Error::auth_failed);
            EXPECT_THAT(c.reason(), HasSubstr("\"alice\""));
            EXPECT_THAT(c.reason(), Not(HasSubstr("s3cret")));
            // Never a CONNECT after a refusal. (A failed step sends nothing, so when the
            // refusal arrives with the method choice the request queued before is dropped.)
            EXPECT_THAT(o.sent, Not(HasSubstr(connect_request)));
        });
}

TEST(Socks5, EveryReplyCodeHasItsReason) {
    const std::pair<int, std::string_view> codes[] = {
        {1, "general SOCKS server failure"}, {2, "connection not allowed by ruleset"},
        {3, "network unreachable"},          {4, "host unreachable"},
        {5, "connection refused"},           {6, "TTL expired"},
        {7, "command not supported"},        {8, "address type not supported"},
        {9, "unassigned reply code"},        {0xFF, "unassigned reply code"},
    };
    EXPECT_EQ(reply_text(0), "succeeded");
    for (auto [rep, text] : codes) {
        EXPECT_EQ(reply_text(static_cast<std::uint8_t>(rep)), text);
        // The refusal is final from the REP byte on; the proxy often sends nothing more.
        Client c(mail_example());
        auto o = run(c, {choose_none + bytes({5, rep})});
        EXPECT_EQ(o.state, Step::State::failed) << rep;
        EXPECT_EQ(c.error(), Error::connect_failed);
        EXPECT_EQ(c.reply_code(), rep);
        EXPECT_THAT(c.reason(), HasSubstr("mail.example:25: " + std::string(text)));
    }
}

TEST(Socks5, UnknownBoundAddressTypeIsMalformed) {
    Client c(mail_example());
    run(c, {choose_none + bytes({5, 0, 0, 2, 1, 2, 3, 4, 0, 1})});
    EXPECT_EQ(c.error(), Error::bad_reply);
    EXPECT_THAT(c.reason(), HasSubstr("address type 0x02"));
}

TEST(Socks5, TruncatedRepliesFailWhenTheProxyCloses) {
    const std::string server = choose_userpass + auth_ok + reply_v4;
    for (std::size_t cut = 0; cut < server.size(); ++cut) {
        Client c(mail_example(), UserPass{"alice", "s3cret"});
        auto o = run(c, {server.substr(0, cut)});
        ASSERT_EQ(o.state, Step::State::need_more) << cut;
        Step s = c.closed();
        EXPECT_EQ(s.state, Step::State::failed);
        EXPECT_EQ(c.error(), Error::closed);
        std::string_view during = cut < 2   ? "method selection"
                                  : cut < 4 ? "username/password"
                                            : "CONNECT";
        EXPECT_THAT(c.reason(), HasSubstr(std::string(during))) << cut;
    }
    Client c(mail_example());
    run(c, {choose_none + reply_v4});
    EXPECT_EQ(c.closed().state, Step::State::connected);  // EOF after success is the tunnel's
}

TEST(Socks5, InvalidRequestsFailBeforeSendingAnything) {
    auto reason = [](Client c) {
        Step s = c.start();
        EXPECT_EQ(s.state, Step::State::failed);
        EXPECT_EQ(s.send, "");
        EXPECT_EQ(c.error(), Error::invalid_request);
        return c.reason();
    };
    EXPECT_THAT(reason(Client({Address::domain(""), 25})), HasSubstr("1 to 255"));
    EXPECT_THAT(reason(Client({Address::domain(std::string(256, 'a')), 25})),
                HasSubstr("1 to 255"));
    EXPECT_THAT(reason(Client({Address::domain("x"), 0})), HasSubstr("port is 0"));
    EXPECT_THAT(reason(Client(mail_example(), UserPass{"", "p"})), HasSubstr("RFC 1929"));
    EXPECT_THAT(reason(Client(mail_example(), UserPass{"u", std::string(256, 'p')})),
                HasSubstr("RFC 1929"));
    EXPECT_THAT(reason(Client({Address{Address::Type::ipv4, "abc"}, 25})), HasSubstr("length"));
}

TEST(Socks5, FailureIsSticky) {
    Client c(mail_example());
    run(c, {bytes({5, 0xFF})});
    EXPECT_EQ(c.feed(reply_v4).state, Step::State::failed);
    EXPECT_EQ(c.error(), Error::no_acceptable_method);
}

}  // namespace
}  // namespace mailspec::socks5
