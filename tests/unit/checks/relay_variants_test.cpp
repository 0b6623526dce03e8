#include "checks/relay_variants.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mailspec {
namespace {

const RelayAddresses kAddr{"probe@example.org", "victim@outside.example", "lab.test", "192.0.2.25"};

RelayVariant variant(std::string_view name) {
    std::string why;
    auto v = make_relay_variant(name, kAddr, why);
    EXPECT_TRUE(why.empty()) << name << ": " << why;
    return v;
}

TEST(RelayVariants, SixteenDistinctTricks) {
    const auto& names = relay_variant_names();
    ASSERT_EQ(names.size(), 16u);
    EXPECT_EQ(names.front(), "plain");
    std::set<std::pair<std::string, std::string>> envelopes;
    for (auto n : names) {
        auto v = variant(n);
        EXPECT_EQ(v.name, n);
        envelopes.insert({v.mail_from, v.rcpt_to});
    }
    EXPECT_EQ(envelopes.size(), 16u);  // no two variants send the same envelope
}

TEST(RelayVariants, AddressForms) {
    EXPECT_EQ(variant("plain").rcpt_to, "victim@outside.example");
    EXPECT_EQ(variant("null-sender").mail_from, "");
    EXPECT_EQ(variant("local-sender").mail_from, "postmaster@lab.test");
    EXPECT_EQ(variant("ip-literal-sender").mail_from, "probe@[192.0.2.25]");
    EXPECT_EQ(variant("percent-ip").rcpt_to, "victim%outside.example@[192.0.2.25]");
    EXPECT_EQ(variant("percent-host").rcpt_to, "victim%outside.example@lab.test");
    EXPECT_EQ(variant("quoted").rcpt_to, "\"victim@outside.example\"");
    EXPECT_EQ(variant("quoted-percent").rcpt_to, "\"victim%outside.example\"");
    EXPECT_EQ(variant("double-at-ip").rcpt_to, "victim@outside.example@[192.0.2.25]");
    EXPECT_EQ(variant("double-at-host").rcpt_to, "victim@outside.example@lab.test");
    EXPECT_EQ(variant("quoted-at-ip").rcpt_to, "\"victim@outside.example\"@[192.0.2.25]");
    EXPECT_EQ(variant("source-route-ip").rcpt_to, "@[192.0.2.25]:victim@outside.example");
    EXPECT_EQ(variant("source-route-host").rcpt_to, "@lab.test:victim@outside.example");
    EXPECT_EQ(variant("bang").rcpt_to, "outside.example!victim");
    EXPECT_EQ(variant("bang-at-ip").rcpt_to, "outside.example!victim@[192.0.2.25]");
    EXPECT_EQ(variant("bang-at-host").rcpt_to, "outside.example!victim@lab.test");
}

TEST(RelayVariants, IpLiteralsNeedAnAddress) {
    RelayAddresses a = kAddr;
    a.ip.clear();
    std::string why;
    make_relay_variant("percent-ip", a, why);
    EXPECT_NE(why.find("set relay.ip"), std::string::npos);
    why.clear();
    make_relay_variant("percent-host", a, why);
    EXPECT_TRUE(why.empty());
}

TEST(RelayVariants, UnknownName) {
    std::string why;
    make_relay_variant("percent", kAddr, why);
    EXPECT_NE(why.find("unknown relay variant"), std::string::npos);
}

}  // namespace
}  // namespace mailspec
