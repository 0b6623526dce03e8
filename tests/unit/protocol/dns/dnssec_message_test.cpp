// The AD bit and TLSA records in real replies of the lab's validating unbound 1.17
// (lab/up --with dnssec, 127.0.0.61), captured with a DO query, and the DO/CD query encoder.
#include <gtest/gtest.h>

#include <string_view>

#include "protocol/dns/message.hpp"
#include "protocol/dns/query.hpp"

namespace mailspec::dns {
namespace {

std::vector<std::uint8_t> from_hex(std::string_view h) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
        out.push_back(
            static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    return out;
}

// _25._tcp.mx.single.dane.test TLSA: NOERROR, flags qr rd ra ad, the TLSA 3 1 1 and its RRSIG,
// OPT with DO.
constexpr std::string_view kSecure =
    "123481a00001000200000001035f3235045f746370026d780673696e676c650464616e6504746573740000340001"
    "c00c0034000100000005002303010144288d19e9d7828738701e4202b6d1425ede6ad023eb2ba3543c69c5d8eff8"
    "b4c00c002e000100000005005d00340d060000012c6b368f7f6b11a57f3cb80464616e6504746573740044501434"
    "351656ae43acea8aa685aaf408a0830c4e72c965ab5725600cf49d4c5e251d60bd87f8c930661d30462e4ec1bb1e"
    "4fc832d1f89d505f95a6ee6ab82800002904d0000080000000";
// _25._tcp.mx.insecure.dane.test TLSA from the unsigned child zone: NOERROR, qr rd ra (no ad).
constexpr std::string_view kInsecure =
    "123481800001000100000001035f3235045f746370026d7808696e7365637572650464616e650474657374000034"
    "0001c00c0034000100000005002303010144288d19e9d7828738701e4202b6d1425ede6ad023eb2ba3543c69c5d8"
    "eff8b400002904d0000080000000";
// _25._tcp.mx.expired.dane.test TLSA, signatures expired: SERVFAIL.
constexpr std::string_view kBogus =
    "123481820001000000000001035f3235045f746370026d7807657870697265640464616e65047465737400003400"
    "0100002904d0000080000000";

const std::vector<std::uint8_t> kLeafSpkiSha256 =
    from_hex("44288d19e9d7828738701e4202b6d1425ede6ad023eb2ba3543c69c5d8eff8b4");

TEST(DnssecMessage, SecureAnswerCarriesAdAndTheTlsaRecord) {
    auto a = parse_response(from_hex(kSecure), RrType::tlsa);
    ASSERT_EQ(a.status, Status::ok);
    EXPECT_TRUE(a.authentic_data);
    ASSERT_EQ(a.tlsa.size(), 1u);  // the RRSIG is skipped
    EXPECT_EQ(a.tlsa[0].usage, 3);
    EXPECT_EQ(a.tlsa[0].selector, 1);
    EXPECT_EQ(a.tlsa[0].matching_type, 1);
    EXPECT_EQ(a.tlsa[0].data, kLeafSpkiSha256);
}

TEST(DnssecMessage, InsecureAnswerHasRecordsButNoAd) {
    auto a = parse_response(from_hex(kInsecure), RrType::tlsa);
    ASSERT_EQ(a.status, Status::ok);
    EXPECT_FALSE(a.authentic_data);
    ASSERT_EQ(a.tlsa.size(), 1u);
    EXPECT_EQ(a.tlsa[0].data, kLeafSpkiSha256);
}

TEST(DnssecMessage, BogusIsServfail) {
    auto a = parse_response(from_hex(kBogus), RrType::tlsa);
    EXPECT_EQ(a.status, Status::servfail);
    EXPECT_FALSE(a.authentic_data);
    EXPECT_TRUE(a.tlsa.empty());
}

TEST(DnssecMessage, ClearingTheAdBitOfTheSecureReplyMakesItInsecure) {
    auto bytes = from_hex(kSecure);
    bytes[3] &= static_cast<std::uint8_t>(~0x20);
    EXPECT_FALSE(parse_response(bytes, RrType::tlsa).authentic_data);
}

TEST(DnssecMessage, SecureNxdomainKeepsAd) {
    // The question of kSecure answered NXDOMAIN with AD (as for _25._tcp.mx.absent.dane.test).
    auto bytes = from_hex(kSecure);
    bytes[3] = 0xa3;  // ra ad, RCODE 3
    auto a = parse_response(bytes, RrType::tlsa);
    EXPECT_EQ(a.status, Status::nxdomain);
    EXPECT_TRUE(a.authentic_data);
}

TEST(DnssecQuery, DoQueryHasAnOptRecordWithTheDoBit) {
    auto q = build_query(Question{"_25._tcp.mx.good.dane.test", RrType::tlsa, true, false}, 0x1234);
    ASSERT_TRUE(q);
    // Header: id, RD only, 1 question, 1 additional.
    const std::vector<std::uint8_t> header{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1};
    EXPECT_EQ(std::vector<std::uint8_t>(q->begin(), q->begin() + 12), header);
    // The question as the lab's unbound echoes it (kSecure's layout, other labels).
    const auto name = from_hex(
        "035f3235045f746370026d7804676f6f640464616e650474657374000034"
        "0001");
    EXPECT_EQ(std::vector<std::uint8_t>(q->begin() + 12, q->begin() + 12 + name.size()), name);
    // OPT: root owner, type 41, UDP size 1232, ext-RCODE/version 0, DO, no options.
    const auto opt = from_hex("00002904d0000080000000");
    EXPECT_EQ(std::vector<std::uint8_t>(q->end() - 11, q->end()), opt);
    EXPECT_EQ(q->size(), 12 + name.size() + opt.size());
}

TEST(DnssecQuery, CdSetsTheCheckingDisabledBit) {
    auto q = build_query(Question{"x.dane.test", RrType::tlsa, true, true}, 7);
    ASSERT_TRUE(q);
    EXPECT_EQ((*q)[2], 0x01);
    EXPECT_EQ((*q)[3], 0x10);
}

TEST(DnssecQuery, PlainQueryHasNoOpt) {
    auto q = build_query(Question{"lab.test.", RrType::mx}, 1);
    ASSERT_TRUE(q);
    EXPECT_EQ((*q)[11], 0);                // ARCOUNT 0
    EXPECT_EQ(q->size(), 12u + 10u + 4u);  // 3lab4test0 + type + class
}

TEST(DnssecQuery, InvalidNamesAreRefused) {
    EXPECT_FALSE(build_query(Question{"a..b", RrType::a}, 1));
    EXPECT_FALSE(build_query(Question{"", RrType::a}, 1));
    EXPECT_FALSE(build_query(Question{std::string(64, 'x') + ".test", RrType::a}, 1));
}

TEST(DnssecQuery, TheQueryParsesAsItsOwnQuestion) {
    // A reply is the query with QR set: the decoder must walk the question we encoded.
    auto q = *build_query(Question{"_25._tcp.mx.good.dane.test", RrType::tlsa, true, false}, 9);
    q[2] |= 0x80;
    auto a = parse_response(q, RrType::tlsa);
    EXPECT_EQ(a.status, Status::nodata);
}

}  // namespace
}  // namespace mailspec::dns
