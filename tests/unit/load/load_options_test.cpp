#include "transport/load/load_options.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace mailspec::load {
namespace {

bool mentions(const std::vector<std::string>& why, const std::string& text) {
    return std::any_of(why.begin(), why.end(),
                       [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

LoadOptions usable() {
    LoadOptions o;
    o.messages = 10;
    return o;
}

TEST(LoadOptions, DefaultsWithAMessageCountAreUsable) {
    EXPECT_TRUE(validate(usable()).empty());
}

TEST(LoadOptions, NeedsExactlyOneOfMessagesAndDuration) {
    LoadOptions o;
    EXPECT_TRUE(mentions(validate(o), "give --messages or --duration"));
    o = usable();
    o.duration = std::chrono::seconds(5);
    EXPECT_TRUE(mentions(validate(o), "not both"));
    o.messages.reset();
    EXPECT_TRUE(validate(o).empty());
}

TEST(LoadOptions, RejectsZeroCounts) {
    auto o = usable();
    o.sessions = 0;
    o.per_connection = 0;
    o.recipients = 0;
    o.messages = 0;
    auto why = validate(o);
    EXPECT_TRUE(mentions(why, "--sessions"));
    EXPECT_TRUE(mentions(why, "--per-connection"));
    EXPECT_TRUE(mentions(why, "--recipients"));
    EXPECT_TRUE(mentions(why, "--messages must be at least 1"));
}

TEST(LoadOptions, ZeroThreadsIsRejected) {
    auto o = usable();
    o.threads = 0;
    EXPECT_TRUE(mentions(validate(o), "--threads"));
}

TEST(LoadOptions, SplitSharesSessionsAndMessagesOutEvenly) {
    auto o = usable();
    o.sessions = 21;
    o.messages = 1001;
    o.threads = 4;
    o.starttls = true;
    auto parts = split(o);
    ASSERT_EQ(parts.size(), 4u);
    std::size_t sessions = 0;
    std::uint64_t messages = 0;
    for (const auto& p : parts) {
        sessions += p.sessions;
        messages += *p.messages;
        EXPECT_EQ(p.threads, 1u);
        EXPECT_TRUE(p.starttls);  // everything else is kept
    }
    EXPECT_EQ(sessions, 21u);
    EXPECT_EQ(messages, 1001u);
    EXPECT_EQ(parts[0].sessions, 6u);
    EXPECT_EQ(parts[3].sessions, 5u);
    EXPECT_EQ(*parts[0].messages, 251u);
    EXPECT_EQ(*parts[3].messages, 250u);
}

TEST(LoadOptions, SplitNeverMakesAnEmptyPart) {
    auto o = usable();
    o.threads = 8;
    o.sessions = 3;  // fewer sessions than threads
    EXPECT_EQ(split(o).size(), 3u);
    o.sessions = 20;
    o.messages = 2;  // fewer messages than threads
    auto parts = split(o);
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(*parts[0].messages + *parts[1].messages, 2u);
    o.messages.reset();
    o.duration = std::chrono::seconds(5);  // a timed run: every part runs the whole time
    parts = split(o);
    ASSERT_EQ(parts.size(), 8u);
    for (const auto& p : parts)
        EXPECT_EQ(p.duration, std::chrono::milliseconds(5000));
}

TEST(LoadOptions, TlsOptionsNeedStarttls) {
    auto o = usable();
    o.insecure = true;
    EXPECT_TRUE(mentions(validate(o), "need --starttls or --tls-on-connect"));
    o.starttls = true;
    EXPECT_TRUE(validate(o).empty());
    o.tls_on_connect = true;
    EXPECT_TRUE(mentions(validate(o), "--starttls and --tls-on-connect exclude each other"));
    o.starttls = false;
    EXPECT_TRUE(validate(o).empty());
    o.ca_file = "ca.pem";
    EXPECT_TRUE(mentions(validate(o), "exclude each other"));
}

TEST(LoadOptions, AuthNeedsAPasswordFromOutsideTheCommandLine) {
    auto o = usable();
    o.auth_user = "alice";
    EXPECT_TRUE(mentions(validate(o), "--password-env or --password-file"));
    o.password = "secret";
    EXPECT_TRUE(validate(o).empty());
}

TEST(LoadOptions, RejectsAddressesThatWouldBreakTheCommands) {
    auto o = usable();
    o.from = "a@b\r\nRCPT TO:<x@y>";
    EXPECT_TRUE(mentions(validate(o), "must not contain"));
    o = usable();
    o.to = "nobody";
    EXPECT_TRUE(mentions(validate(o), "--to needs an @"));
}

TEST(LoadOptions, PrivateAddressesAreLoopbackRfc1918AndUniqueLocal) {
    for (const char* a :
         {"127.0.0.1", "127.0.0.11", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
          "100.64.0.1", "169.254.1.1", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1"})
        EXPECT_TRUE(is_private_address(a)) << a;
    for (const char* a : {"8.8.8.8", "172.32.0.1", "192.0.2.1", "2001:db8::1", "::ffff:8.8.8.8", "",
                          "mail.example.org", "999.1.1.1"})
        EXPECT_FALSE(is_private_address(a)) << a;
}

TEST(LoadOptions, MessageHasTheRequestedSizeAndNoLineStartsWithADot) {
    for (std::size_t size : {0, 100, 1024, 1025, 1026, 10000}) {
        auto o = usable();
        o.size = size;
        auto m = make_message(o);
        if (size >= 200) {
            EXPECT_EQ(m.size(), size);
        }
        EXPECT_EQ(m.substr(m.size() - 2), "\r\n");
        EXPECT_EQ(m.find("\n."), std::string::npos);
        EXPECT_EQ(m.find("\r\n\r\n") != std::string::npos, true);  // headers, then body
    }
}

TEST(LoadOptions, SeveralRecipientsGetNumberedAddresses) {
    auto o = usable();
    EXPECT_EQ(recipient(o, 0), "sink@mailspec.test");
    o.recipients = 3;
    EXPECT_EQ(recipient(o, 0), "sink+1@mailspec.test");
    EXPECT_EQ(recipient(o, 2), "sink+3@mailspec.test");
}

}  // namespace
}  // namespace mailspec::load
