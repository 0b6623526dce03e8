#include "protocol/posture/dmarc_record.hpp"

#include <gtest/gtest.h>

namespace mailspec::posture {
namespace {

TEST(PostureDmarcRecord, GoogleComStyleRecord) {
    auto r = parse_dmarc_record("v=DMARC1; p=reject; rua=mailto:mailauth-reports@google.com");
    EXPECT_TRUE(r.errors.empty());
    ASSERT_TRUE(r.p);
    EXPECT_EQ(*r.p, DmarcPolicy::reject);
    EXPECT_FALSE(r.sp);
    EXPECT_EQ(r.pct, 100);
    EXPECT_EQ(r.adkim, 'r');
    ASSERT_EQ(r.rua.size(), 1u);
    EXPECT_TRUE(r.rua[0].ok());
    EXPECT_EQ(r.rua[0].domain, "google.com");
}

TEST(PostureDmarcRecord, GmailComStyleRecordWithSubdomainPolicy) {
    auto r = parse_dmarc_record(
        "v=DMARC1; p=none; sp=quarantine; rua=mailto:mailauth-reports@google.com");
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(*r.p, DmarcPolicy::none);
    EXPECT_EQ(*r.sp, DmarcPolicy::quarantine);
}

TEST(PostureDmarcRecord, FullRecordWithSizeLimitAndAlignment) {
    auto r = parse_dmarc_record(
        "v=DMARC1; p=quarantine; pct=50; adkim=s; aspf=s; fo=1; "
        "rua=mailto:dmarc@example.org!10m,mailto:agg@reports.example; ruf=mailto:f@example.org");
    EXPECT_TRUE(r.errors.empty()) << r.errors.front();
    EXPECT_EQ(r.pct, 50);
    EXPECT_EQ(r.adkim, 's');
    EXPECT_EQ(r.aspf, 's');
    ASSERT_EQ(r.rua.size(), 2u);
    EXPECT_EQ(r.rua[0].size, "10m");
    EXPECT_EQ(r.rua[0].domain, "example.org");
    EXPECT_EQ(r.rua[1].domain, "reports.example");
    ASSERT_EQ(r.ruf.size(), 1u);
}

TEST(PostureDmarcRecord, BadValuesAreReported) {
    auto r = parse_dmarc_record("v=DMARC1; p=block; pct=150; adkim=x; rua=dmarc@example.org");
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_NE(r.errors[0].find("p=block"), std::string::npos);
    EXPECT_NE(r.errors[1].find("pct=150"), std::string::npos);
    EXPECT_NE(r.errors[2].find("adkim=x"), std::string::npos);
    ASSERT_EQ(r.rua.size(), 1u);
    EXPECT_FALSE(r.rua[0].ok());  // no mailto: scheme
}

TEST(PostureDmarcRecord, MissingPolicyAndVersionNotFirst) {
    auto r = parse_dmarc_record("p=reject; v=DMARC1");
    ASSERT_FALSE(r.errors.empty());
    EXPECT_NE(r.errors[0].find("first tag"), std::string::npos);
    auto r2 = parse_dmarc_record("v=DMARC1; rua=mailto:d@example.org");
    ASSERT_EQ(r2.errors.size(), 1u);
    EXPECT_NE(r2.errors[0].find("p= is missing"), std::string::npos);
}

TEST(PostureDmarcRecord, RecognisesDmarcRecordsOnly) {
    EXPECT_TRUE(is_dmarc_record("v=DMARC1; p=none"));
    EXPECT_TRUE(is_dmarc_record("v=DMARC1;p=reject;p=none"));  // malformed but DMARC
    EXPECT_FALSE(is_dmarc_record("v=spf1 -all"));
    EXPECT_FALSE(is_dmarc_record("google-site-verification=abc"));
    EXPECT_FALSE(is_dmarc_record("v=DMARC10; p=none"));
}

TEST(PostureDmarcRecord, PolicyStrengthIsOrdered) {
    EXPECT_LT(DmarcPolicy::none, DmarcPolicy::quarantine);
    EXPECT_LT(DmarcPolicy::quarantine, DmarcPolicy::reject);
    EXPECT_EQ(parse_dmarc_policy("Reject"), DmarcPolicy::reject);
    EXPECT_FALSE(parse_dmarc_policy("block"));
}

TEST(PostureReportUri, MailtoAndHttps) {
    auto m = parse_report_uri("mailto:tlsrpt@example.com", false);
    EXPECT_TRUE(m.ok());
    EXPECT_EQ(m.scheme, "mailto");
    auto h = parse_report_uri("https://reporting.example.com/v1/tlsrpt", false);
    EXPECT_TRUE(h.ok());
    EXPECT_EQ(h.domain, "reporting.example.com");
    EXPECT_FALSE(parse_report_uri("mailto:nobody", false).ok());
    EXPECT_FALSE(parse_report_uri("ftp://example.com/x", false).ok());
    EXPECT_FALSE(parse_report_uri("mailto:d@example.org!ten", true).ok());
}

TEST(PostureReportUri, OrganisationWithoutPublicSuffixList) {
    EXPECT_TRUE(same_organisation("lab.test", "lab.test"));
    EXPECT_TRUE(same_organisation("lab.test", "reports.lab.test"));
    EXPECT_TRUE(same_organisation("dmarc-none.lab.test", "lab.test"));
    EXPECT_TRUE(same_organisation("sub.example.com", "reports.example.com"));
    EXPECT_FALSE(same_organisation("lab.test", "reports.example"));
    EXPECT_FALSE(same_organisation("google.com", "dmarc.postmarkapp.com"));
}

}  // namespace
}  // namespace mailspec::posture
