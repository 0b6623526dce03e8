#include "protocol/dns/ip_address.hpp"

#include <gtest/gtest.h>

namespace mailspec::dns {
namespace {

struct TextCase {
    const char* in;
    const char* canonical;  // nullptr: must not parse
};
class IpAddressText : public ::testing::TestWithParam<TextCase> {};
TEST_P(IpAddressText, ParsesAndFormats) {
    auto ip = IpAddress::parse(GetParam().in);
    if (!GetParam().canonical) {
        EXPECT_FALSE(ip.has_value()) << GetParam().in;
        return;
    }
    ASSERT_TRUE(ip.has_value()) << GetParam().in;
    EXPECT_EQ(ip->to_string(), GetParam().canonical);
}
INSTANTIATE_TEST_SUITE_P(
    Forms, IpAddressText,
    ::testing::Values(
        TextCase{"192.0.2.1", "192.0.2.1"}, TextCase{"0.0.0.0", "0.0.0.0"},
        TextCase{"255.255.255.255", "255.255.255.255"},
        TextCase{"2001:db8::cb01", "2001:db8::cb01"},
        TextCase{"2001:DB8:0:0:0:0:0:CB01", "2001:db8::cb01"}, TextCase{"::", "::"},
        TextCase{"::1", "::1"}, TextCase{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
        TextCase{"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
        TextCase{"::ffff:192.0.2.1", "::ffff:192.0.2.1"},
        TextCase{"64:ff9b::192.0.2.33", "64:ff9b::c000:221"}, TextCase{"256.0.0.1", nullptr},
        TextCase{"1.2.3", nullptr}, TextCase{"01.2.3.4", nullptr}, TextCase{"1.2.3.4.", nullptr},
        TextCase{"", nullptr}, TextCase{"1::2::3", nullptr}, TextCase{"12345::", nullptr},
        TextCase{"1:2:3:4:5:6:7", nullptr}, TextCase{"1:2:3:4:5:6:7:8:9", nullptr},
        TextCase{"g::1", nullptr}, TextCase{"1:2:3:4:5:6:7::8", nullptr}));

TEST(IpAddress, ReverseNames) {
    EXPECT_EQ(IpAddress::parse("192.0.2.1")->reverse_name(), "1.2.0.192.in-addr.arpa");
    EXPECT_EQ(IpAddress::parse("2001:db8::cb01")->reverse_name(),
              "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

TEST(IpAddress, PrefixMatching) {
    auto ip = *IpAddress::parse("192.0.2.130");
    EXPECT_TRUE(ip.in_network(*IpAddress::parse("192.0.2.0"), 24));
    EXPECT_TRUE(ip.in_network(*IpAddress::parse("192.0.2.128"), 25));
    EXPECT_FALSE(ip.in_network(*IpAddress::parse("192.0.2.0"), 25));
    EXPECT_TRUE(ip.in_network(*IpAddress::parse("10.0.0.0"), 0));
    EXPECT_FALSE(ip.in_network(*IpAddress::parse("2001:db8::"), 0));  // family differs
}

TEST(IpAddress, MappedAddressesUnmap) {
    auto ip = *IpAddress::parse("::ffff:192.0.2.1");
    EXPECT_TRUE(ip.is_v4_mapped());
    EXPECT_EQ(ip.unmapped(), *IpAddress::parse("192.0.2.1"));
    EXPECT_FALSE(IpAddress::parse("2001:db8::1")->is_v4_mapped());
}

}  // namespace
}  // namespace mailspec::dns
