#include "protocol/dns/message.hpp"

#include <gtest/gtest.h>

#include "tests/unit/protocol/dns/wire_builder.hpp"

namespace mailspec::dns {
namespace {

using test::WireBuilder;

Answer parse(const WireBuilder& b, RrType t) {
    return parse_response(b.bytes(), t);
}

TEST(DnsMessage, RcodesAreKeptDistinct) {
    EXPECT_EQ(parse(WireBuilder::response("x.example", 1, 3), RrType::a).status, Status::nxdomain);
    EXPECT_EQ(parse(WireBuilder::response("x.example", 1, 2), RrType::a).status, Status::servfail);
    EXPECT_EQ(parse(WireBuilder::response("x.example", 1, 5), RrType::a).status, Status::refused);
    EXPECT_EQ(parse(WireBuilder::response("x.example", 1, 4), RrType::a).status, Status::error);
    EXPECT_EQ(parse(WireBuilder::response("x.example", 1, 0), RrType::a).status, Status::nodata);
}

TEST(DnsMessage, DecodesARecords) {
    auto b = WireBuilder::response("x.example", 1, 0);
    b.answer(1, {192, 0, 2, 1}).answer(1, {192, 0, 2, 2});
    auto a = parse(b, RrType::a);
    ASSERT_EQ(a.status, Status::ok);
    ASSERT_EQ(a.addresses.size(), 2u);
    EXPECT_EQ(a.addresses[1].to_string(), "192.0.2.2");
}

TEST(DnsMessage, DecodesAaaaRecords) {
    auto b = WireBuilder::response("x.example", 28, 0);
    b.answer(28, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xcb, 0x01});
    auto a = parse(b, RrType::aaaa);
    ASSERT_EQ(a.addresses.size(), 1u);
    EXPECT_EQ(a.addresses[0].to_string(), "2001:db8::cb01");
}

TEST(DnsMessage, JoinsTxtStringsWithoutSpaces) {
    auto b = WireBuilder::response("x.example", 16, 0);
    b.answer(16, WireBuilder::txt({"v=spf1 ip4:192.0.2.0/24", " -all"}));
    b.answer(16, WireBuilder::txt({"other"}));
    auto a = parse(b, RrType::txt);
    ASSERT_EQ(a.texts.size(), 2u);
    EXPECT_EQ(a.texts[0], "v=spf1 ip4:192.0.2.0/24 -all");
    EXPECT_EQ(a.texts[1], "other");
}

TEST(DnsMessage, DecodesMxWithCompressedNames) {
    auto b = WireBuilder::response("example.com", 15, 0);
    b.answer(15, {0, 10, 2, 'm', 'x', 0xC0, 0x0C});  // "mx" + pointer to example.com
    auto a = parse(b, RrType::mx);
    ASSERT_EQ(a.mx.size(), 1u);
    EXPECT_EQ(a.mx[0].preference, 10);
    EXPECT_EQ(a.mx[0].exchange, "mx.example.com");
}

TEST(DnsMessage, DecodesPtr) {
    auto b = WireBuilder::response("1.2.0.192.in-addr.arpa", 12, 0);
    b.answer(12, WireBuilder::encode_name("mail.example.com"));
    auto a = parse(b, RrType::ptr);
    ASSERT_EQ(a.names.size(), 1u);
    EXPECT_EQ(a.names[0], "mail.example.com");
}

TEST(DnsMessage, DecodesTlsa) {
    auto b = WireBuilder::response("_25._tcp.mx.example.com", 52, 0);
    b.answer(52, {3, 1, 1, 0xab, 0xcd});
    auto a = parse(b, RrType::tlsa);
    ASSERT_EQ(a.tlsa.size(), 1u);
    EXPECT_EQ(a.tlsa[0].usage, 3);
    EXPECT_EQ(a.tlsa[0].data, (std::vector<std::uint8_t>{0xab, 0xcd}));
    EXPECT_EQ(a.record_strings()[0], "3 1 1 abcd");
}

TEST(DnsMessage, SkipsCnameAndKeepsTarget) {
    auto b = WireBuilder::response("alias.example", 1, 0);
    b.answer(5, WireBuilder::encode_name("real.example"));
    b.answer_named("real.example", 1, {192, 0, 2, 9});
    auto a = parse(b, RrType::a);
    ASSERT_EQ(a.addresses.size(), 1u);
    EXPECT_EQ(a.addresses[0].to_string(), "192.0.2.9");
}

TEST(DnsMessage, CnameWithoutTargetRecordIsNodata) {
    auto b = WireBuilder::response("alias.example", 1, 0);
    b.answer(5, WireBuilder::encode_name("real.example"));
    EXPECT_EQ(parse(b, RrType::a).status, Status::nodata);
}

TEST(DnsMessage, MalformedMessagesAreErrorsNotCrashes) {
    EXPECT_EQ(parse_response(std::vector<std::uint8_t>{1, 2, 3}, RrType::a).status, Status::error);
    auto b = WireBuilder::response("x.example", 1, 0);
    b.answer(1, {192, 0, 2});  // short A rdata
    EXPECT_EQ(parse(b, RrType::a).status, Status::error);
    auto bytes = WireBuilder::response("x.example", 1, 0).answer(1, {1, 2, 3, 4}).bytes();
    bytes.resize(bytes.size() - 2);  // truncated
    EXPECT_EQ(parse_response(bytes, RrType::a).status, Status::error);
    auto query = bytes;
    query[2] = 0x01;  // QR clear: a query, not a response
    EXPECT_EQ(parse_response(query, RrType::a).status, Status::error);
}

TEST(DnsMessage, CompressionLoopIsRejected) {
    std::vector<std::uint8_t> m{0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1};
    EXPECT_EQ(parse_response(m, RrType::a).status, Status::error);
}

TEST(DnsName, ValidatesLabelShapes) {
    EXPECT_TRUE(is_valid_domain_name("example.com"));
    EXPECT_TRUE(is_valid_domain_name("example.com."));
    EXPECT_TRUE(is_valid_domain_name("_spf.example.com"));
    EXPECT_FALSE(is_valid_domain_name(""));
    EXPECT_FALSE(is_valid_domain_name("a..b"));
    EXPECT_FALSE(is_valid_domain_name(".a.b"));
    EXPECT_FALSE(is_valid_domain_name(std::string(64, 'a') + ".com"));
    std::string long_name;
    for (int i = 0; i < 64; ++i)
        long_name += "abc.";
    long_name += "com";  // 259 octets
    EXPECT_FALSE(is_valid_domain_name(long_name));
}

}  // namespace
}  // namespace mailspec::dns
