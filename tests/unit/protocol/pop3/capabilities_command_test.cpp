#include <gtest/gtest.h>

#include <stdexcept>

#include "protocol/pop3/capabilities.hpp"
#include "protocol/pop3/command.hpp"

namespace mailspec::pop3 {
namespace {

TEST(Pop3Capa, ParsesNamesArgumentsAndImplementation) {
    Capabilities c({"TOP", "USER", "SASL PLAIN LOGIN CRAM-MD5", "UIDL", "PIPELINING", "STLS",
                    "IMPLEMENTATION Dovecot (Debian)", "EXPIRE NEVER"});
    EXPECT_TRUE(c.has("stls"));
    EXPECT_TRUE(c.has("USER"));
    EXPECT_FALSE(c.has("APOP"));
    EXPECT_FALSE(c.has("IMPL"));
    EXPECT_TRUE(c.has_sasl("cram-md5"));
    EXPECT_FALSE(c.has_sasl("SCRAM-SHA-1"));
    EXPECT_EQ(c.args("SASL"), (std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"}));
    EXPECT_EQ(c.implementation(), "Dovecot (Debian)");
    EXPECT_EQ(c.args("EXPIRE"), (std::vector<std::string>{"NEVER"}));
}

TEST(Pop3Greeting, ApopTimestamp) {
    EXPECT_EQ(apop_timestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>"),
              "<1896.697170952@dbc.mtview.ca.us>");
    EXPECT_FALSE(apop_timestamp("Dovecot ready."));
    EXPECT_FALSE(apop_timestamp("<no-at-sign>"));
    EXPECT_FALSE(apop_timestamp("<a b@c>"));
}

TEST(Pop3Listings, StatListUidl) {
    auto m = parse_stat("2 320");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->messages, 2u);
    EXPECT_EQ(m->octets, 320u);
    EXPECT_FALSE(parse_stat("two 320"));
    EXPECT_FALSE(parse_stat("2"));
    EXPECT_FALSE(parse_stat("2 -1"));
    EXPECT_EQ(parse_scan_listing("1 503")->octets, 503u);
    auto u = parse_unique_id("1 whqtswO00WBw418f9t5JxYwZ");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->uid, "whqtswO00WBw418f9t5JxYwZ");
    EXPECT_FALSE(parse_unique_id("1"));
}

TEST(Pop3Command, Serialises) {
    EXPECT_EQ(command::capa(), "CAPA\r\n");
    EXPECT_EQ(command::user("a@b"), "USER a@b\r\n");
    EXPECT_EQ(command::list(), "LIST\r\n");
    EXPECT_EQ(command::list(4), "LIST 4\r\n");
    EXPECT_EQ(command::uidl(2), "UIDL 2\r\n");
    EXPECT_EQ(command::top(1, 0), "TOP 1 0\r\n");
    EXPECT_EQ(command::dele(7), "DELE 7\r\n");
    EXPECT_EQ(command::auth("PLAIN", "="), "AUTH PLAIN =\r\n");
    EXPECT_EQ(command::auth("LOGIN", std::nullopt), "AUTH LOGIN\r\n");
    EXPECT_EQ(command::apop("mrose", "c4c9"), "APOP mrose c4c9\r\n");
}

TEST(Pop3Command, RefusesLineBreaksInArguments) {
    EXPECT_THROW(command::pass("x\r\nDELE 1"), std::invalid_argument);
    EXPECT_THROW(command::user(std::string("a\0b", 3)), std::invalid_argument);
}

TEST(Pop3Command, ApopDigestIsLowerHex) {
    auto fake_md5 = [](std::string_view in) {
        EXPECT_EQ(in, "<1.2@h>secret");
        return std::string("\x00\x01\xab\xff", 4);
    };
    EXPECT_EQ(apop_digest("<1.2@h>", "secret", fake_md5), "0001abff");
}

}  // namespace
}  // namespace mailspec::pop3
