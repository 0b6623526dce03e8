#include "protocol/posture/tlsrpt_record.hpp"

#include <gtest/gtest.h>

namespace mailspec::posture {
namespace {

TEST(PostureTlsRptRecord, GmailComStyleRecord) {
    // The shape of the record Google publishes at _smtp._tls.gmail.com (no space after ";").
    auto r = parse_tlsrpt_record("v=TLSRPTv1;rua=mailto:sts-reports@google.com");
    EXPECT_TRUE(r.errors.empty());
    ASSERT_EQ(r.rua.size(), 1u);
    EXPECT_TRUE(r.rua[0].ok());
    EXPECT_EQ(r.rua[0].domain, "google.com");
}

TEST(PostureTlsRptRecord, MailtoAndHttpsDestinations) {
    auto r = parse_tlsrpt_record(
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reporting.example.com/v1/tlsrpt");
    EXPECT_TRUE(r.errors.empty());
    ASSERT_EQ(r.rua.size(), 2u);
    EXPECT_EQ(r.rua[1].scheme, "https");
    EXPECT_TRUE(r.rua[1].ok());
}

TEST(PostureTlsRptRecord, BadDestinationsAndMissingRua) {
    auto r = parse_tlsrpt_record("v=TLSRPTv1; rua=ftp://reports.example.com/x,mailto:nobody");
    ASSERT_EQ(r.rua.size(), 2u);
    EXPECT_FALSE(r.rua[0].ok());
    EXPECT_FALSE(r.rua[1].ok());
    auto m = parse_tlsrpt_record("v=TLSRPTv1;");
    ASSERT_EQ(m.errors.size(), 1u);
    EXPECT_NE(m.errors[0].find("rua= is missing"), std::string::npos);
}

TEST(PostureTlsRptRecord, OnlyVersionedRecordsCount) {
    EXPECT_TRUE(is_tlsrpt_record("v=TLSRPTv1; rua=mailto:a@example.com"));
    EXPECT_FALSE(is_tlsrpt_record("v=spf1 -all"));
    EXPECT_FALSE(is_tlsrpt_record("v=TLSRPTv2; rua=mailto:a@example.com"));
}

}  // namespace
}  // namespace mailspec::posture
