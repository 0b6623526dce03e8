// RFC 7208 §4 (check_host(): initial processing, record lookup and selection, evaluation,
// processing limits, default result) plus the identities of §2.3/§2.4 it starts from.
#include <gtest/gtest.h>

#include "tests/unit/protocol/spf/memory_zone.hpp"

namespace mailspec::spf {
namespace {

using dns::RrType;
using dns::Status;

class Rfc7208S4 : public ::testing::Test, public test::SpfCheck {};

// --- §4.3 initial processing -------------------------------------------------------------

TEST_F(Rfc7208S4, MalformedDomainWithEmptyLabelIsNone) {
    EXPECT_EQ(code("192.0.2.1", "a@bad..example.com"), Code::none);
    EXPECT_EQ(zone.queries, 0u);
}

TEST_F(Rfc7208S4, SingleLabelDomainIsNone) {
    zone.txt("localhost", {"v=spf1 +all"});
    EXPECT_EQ(code("192.0.2.1", "a@localhost"), Code::none);
    EXPECT_EQ(zone.queries, 0u);
}

TEST_F(Rfc7208S4, LabelLongerThan63IsNone) {
    EXPECT_EQ(code("192.0.2.1", "a@" + std::string(64, 'x') + ".example.com"), Code::none);
}

TEST_F(Rfc7208S4, NonexistentDomainIsNone) {
    auto r = run("192.0.2.1", "a@nowhere.example.com");
    EXPECT_EQ(r.code, Code::none);
    EXPECT_EQ(zone.count("nowhere.example.com", RrType::txt), 1u);
}

TEST_F(Rfc7208S4, MissingLocalPartBecomesPostmaster) {
    zone.txt("example.com", {"v=spf1 exists:%{l}.users.example.com -all"});
    zone.a("postmaster.users.example.com", {"127.0.0.2"});
    auto r = run("192.0.2.1", "@example.com");
    EXPECT_EQ(r.code, Code::pass);
    EXPECT_EQ(r.sender, "postmaster@example.com");
}

TEST_F(Rfc7208S4, SenderWithoutAtIsADomain) {
    zone.txt("example.com", {"v=spf1 -all"});
    auto r = run("192.0.2.1", "example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.sender, "postmaster@example.com");
}

TEST_F(Rfc7208S4, NullReversePathUsesPostmasterAtHelo) {
    zone.txt("helo.example.org", {"v=spf1 ip4:192.0.2.1 -all"});
    auto r = run("192.0.2.1", "", "helo.example.org");
    EXPECT_EQ(r.code, Code::pass);
    EXPECT_EQ(r.sender, "postmaster@helo.example.org");
    EXPECT_EQ(r.domain, "helo.example.org");
}

TEST_F(Rfc7208S4, HeloIdentityChecksTheHeloName) {
    zone.txt("helo.example.org", {"v=spf1 -all"});
    zone.txt("example.com", {"v=spf1 +all"});
    auto req = request("192.0.2.1", "a@example.com", "helo.example.org");
    req.identity = Identity::helo;
    auto r = check_host(zone, req);
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.identity, "helo");
    EXPECT_EQ(r.sender, "postmaster@helo.example.org");
}

TEST_F(Rfc7208S4, HeloAddressLiteralIsNone) {
    auto req = request("192.0.2.1", "", "[192.0.2.1]");
    req.identity = Identity::helo;
    EXPECT_EQ(check_host(zone, req).code, Code::none);
    EXPECT_EQ(zone.queries, 0u);
}

TEST_F(Rfc7208S4, TrailingDotInDomainIsAccepted) {
    zone.txt("example.com", {"v=spf1 -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com."), Code::fail);
}

TEST_F(Rfc7208S4, DomainIsCaseInsensitive) {
    zone.txt("example.com", {"v=spf1 -all"});
    EXPECT_EQ(code("192.0.2.1", "a@EXAMPLE.Com"), Code::fail);
}

// --- §4.4 record lookup -----------------------------------------------------------------

TEST_F(Rfc7208S4, ServfailOnRecordLookupIsTemperror) {
    zone.fail("example.com", RrType::txt, Status::servfail);
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::temperror);
}

TEST_F(Rfc7208S4, TimeoutOnRecordLookupIsTemperror) {
    zone.fail("example.com", RrType::txt, Status::timeout);
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::temperror);
    EXPECT_NE(r.reason.find("timeout"), std::string::npos);
}

TEST_F(Rfc7208S4, RefusedOnRecordLookupIsTemperror) {
    zone.fail("example.com", RrType::txt, Status::refused);
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::temperror);
}

TEST_F(Rfc7208S4, NodataOnRecordLookupIsNone) {
    zone.a("example.com", {"192.0.2.9"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::none);
}

TEST_F(Rfc7208S4, OnlyTxtIsQueriedForRecords) {
    zone.txt("example.com", {"v=spf1 -all"});
    run("192.0.2.1", "a@example.com");
    ASSERT_EQ(zone.asked.size(), 1u);
    EXPECT_EQ(zone.asked[0].type, RrType::txt);
}

// --- §4.5 selecting records -------------------------------------------------------------

TEST_F(Rfc7208S4, OtherTxtRecordsAreIgnored) {
    zone.txt("example.com", {"site-verification=abc", "v=spf1 -all", "hello world"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::fail);
}

TEST_F(Rfc7208S4, VersionMustBeExactlySpf1) {
    zone.txt("example.com", {"v=spf10 -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::none);
}

TEST_F(Rfc7208S4, VersionMustBeFollowedBySpace) {
    zone.txt("example.com", {"v=spf1-all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::none);
}

TEST_F(Rfc7208S4, LeadingSpaceIsNotAnSpfRecord) {
    zone.txt("example.com", {" v=spf1 -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::none);
}

TEST_F(Rfc7208S4, VersionIsCaseInsensitive) {
    zone.txt("example.com", {"V=SPF1 -ALL"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::fail);
}

TEST_F(Rfc7208S4, BareVersionIsNeutral) {
    zone.txt("example.com", {"v=spf1"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::neutral);
}

TEST_F(Rfc7208S4, TwoSpfRecordsArePermerror) {
    zone.txt("example.com", {"v=spf1 -all", "v=spf1 +all"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::permerror);
    EXPECT_NE(r.reason.find("2 SPF records"), std::string::npos);
}

TEST_F(Rfc7208S4, TwoRecordsOnlyOneSpfIsFine) {
    zone.txt("example.com", {"v=spf2.0/pra -all", "v=spf1 +all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::pass);
}

// --- §4.6 record evaluation --------------------------------------------------------------

TEST_F(Rfc7208S4, SyntaxErrorAnywhereIsPermerrorBeforeEvaluation) {
    zone.txt("example.com", {"v=spf1 +all foo:bar"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::permerror);
    EXPECT_EQ(r.decided_by_domain, "example.com");
}

TEST_F(Rfc7208S4, SyntaxErrorIsFoundBeforeAnyLookup) {
    zone.txt("example.com", {"v=spf1 a:one.example.com ip4:300.0.0.1"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
    EXPECT_EQ(zone.queries, 1u);
}

TEST_F(Rfc7208S4, RedirectTwiceIsPermerror) {
    zone.txt("example.com", {"v=spf1 redirect=a.example.com redirect=b.example.com"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
}

TEST_F(Rfc7208S4, ExpTwiceIsPermerror) {
    zone.txt("example.com", {"v=spf1 -all exp=a.example.com exp=b.example.com"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
}

TEST_F(Rfc7208S4, UnknownModifierIsIgnored) {
    zone.txt("example.com", {"v=spf1 moo.cow-x_y=%{d}.whatever -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::fail);
}

TEST_F(Rfc7208S4, UnknownModifierWithBadMacroIsPermerror) {
    zone.txt("example.com", {"v=spf1 foo=%{x} -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
}

TEST_F(Rfc7208S4, RunsOfSpacesAndTrailingSpaceAreAllowed) {
    zone.txt("example.com", {"v=spf1   ip4:192.0.2.1    -all   "});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::pass);
}

TEST_F(Rfc7208S4, TabIsNotATermSeparator) {
    zone.txt("example.com", {"v=spf1 ip4:192.0.2.1\t-all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
}

TEST_F(Rfc7208S4, FirstMatchingMechanismWins) {
    zone.txt("example.com", {"v=spf1 -ip4:192.0.2.1 +ip4:192.0.2.1 +all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::fail);
}

TEST_F(Rfc7208S4, ModifierPositionDoesNotMatter) {
    zone.txt("example.com", {"v=spf1 redirect=other.example.com ip4:192.0.2.1"});
    zone.txt("other.example.com", {"v=spf1 -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::pass);
    EXPECT_EQ(code("192.0.2.2", "a@example.com"), Code::fail);
}

TEST_F(Rfc7208S4, MechanismNamesAreCaseInsensitive) {
    zone.txt("example.com", {"v=spf1 IP4:192.0.2.1 -ALL"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::pass);
}

// §4.6.2 qualifiers
struct QualifierCase {
    const char* record;
    Code expected;
};
class Rfc7208S4Qualifier : public ::testing::TestWithParam<QualifierCase>, public test::SpfCheck {};
TEST_P(Rfc7208S4Qualifier, QualifierGivesResult) {
    zone.txt("example.com", {GetParam().record});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), GetParam().expected);
}
INSTANTIATE_TEST_SUITE_P(Qualifiers, Rfc7208S4Qualifier,
                         ::testing::Values(QualifierCase{"v=spf1 all", Code::pass},
                                           QualifierCase{"v=spf1 +all", Code::pass},
                                           QualifierCase{"v=spf1 -all", Code::fail},
                                           QualifierCase{"v=spf1 ~all", Code::softfail},
                                           QualifierCase{"v=spf1 ?all", Code::neutral},
                                           QualifierCase{"v=spf1 -ip4:192.0.2.0/24", Code::fail},
                                           QualifierCase{"v=spf1 ~ip4:192.0.2.1", Code::softfail},
                                           QualifierCase{"v=spf1 ?ip4:192.0.2.1 -all",
                                                         Code::neutral}));

// --- §4.6.4 processing limits -----------------------------------------------------------

std::string terms(const std::string& term, int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
        s += " " + term;
    return s;
}

TEST_F(Rfc7208S4, TenDnsTermsAreAllowedAndTheTenthCanMatch) {
    zone.a("host.example.com", {"192.0.2.9"});
    zone.a("ok.example.com", {"192.0.2.1"});
    zone.txt("example.com", {"v=spf1" + terms("a:host.example.com", 9) + " a:ok.example.com -all"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::pass);
    EXPECT_EQ(r.dns_terms, 10u);
}

TEST_F(Rfc7208S4, EleventhDnsTermIsPermerrorBeforeItsLookup) {
    zone.a("host.example.com", {"192.0.2.9"});
    zone.a("ok.example.com", {"192.0.2.1"});
    zone.txt("example.com",
             {"v=spf1" + terms("a:host.example.com", 10) + " a:ok.example.com -all"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::permerror);
    EXPECT_EQ(zone.count("ok.example.com", RrType::a), 0u);
    EXPECT_LE(zone.queries, 11u);  // one TXT + at most ten term lookups
}

TEST_F(Rfc7208S4, ManyTermsNeverExceedTheQueryLimit) {
    std::string rec = "v=spf1";
    for (int i = 0; i < 40; ++i)
        rec += " a:h" + std::to_string(i) + ".example.com";
    for (int i = 0; i < 40; ++i)
        zone.a("h" + std::to_string(i) + ".example.com", {"192.0.2.9"});
    zone.txt("example.com", {rec});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
    EXPECT_EQ(zone.queries, 11u);
}

TEST_F(Rfc7208S4, LimitIsSharedAcrossIncludes) {
    for (int i = 0; i < 12; ++i) {
        auto name = "i" + std::to_string(i) + ".example.com";
        auto next = "i" + std::to_string(i + 1) + ".example.com";
        zone.txt(name, {"v=spf1 include:" + next + " -all"});
    }
    zone.txt("example.com", {"v=spf1 include:i0.example.com -all"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::permerror);
    EXPECT_EQ(r.dns_terms, 11u);
    EXPECT_LE(zone.queries, 11u);
}

TEST_F(Rfc7208S4, RedirectCountsTowardTheLimit) {
    for (int i = 0; i < 12; ++i)
        zone.txt("r" + std::to_string(i) + ".example.com",
                 {"v=spf1 redirect=r" + std::to_string(i + 1) + ".example.com"});
    EXPECT_EQ(code("192.0.2.1", "a@r0.example.com"), Code::permerror);
    EXPECT_LE(zone.queries, 11u);
}

TEST_F(Rfc7208S4, IncludeLoopIsBoundedPermerror) {
    zone.txt("example.com", {"v=spf1 include:example.com -all"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::permerror);
    EXPECT_LE(zone.queries, 11u);
}

TEST_F(Rfc7208S4, RedirectLoopIsBoundedPermerror) {
    zone.txt("example.com", {"v=spf1 redirect=example.com"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
    EXPECT_LE(zone.queries, 11u);
}

TEST_F(Rfc7208S4, Ip4Ip6AndAllDoNotCount) {
    zone.txt("example.com", {"v=spf1" + terms("ip4:198.51.100.1", 20) +
                             terms("ip6:2001:db8::1", 20) + terms("a:example.com", 10) + " -all"});
    zone.a("example.com", {"192.0.2.9"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.dns_terms, 10u);
}

TEST_F(Rfc7208S4, ExpDoesNotCount) {
    zone.a("host.example.com", {"192.0.2.9"});
    zone.txt("example.com",
             {"v=spf1" + terms("a:host.example.com", 10) + " -all exp=why.example.com"});
    zone.txt("why.example.com", {"no"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.explanation, "no");
}

TEST_F(Rfc7208S4, TwoVoidLookupsAreAllowed) {
    zone.txt("example.com", {"v=spf1 a:v1.example.com a:v2.example.com +all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::pass);
}

TEST_F(Rfc7208S4, ThirdVoidLookupIsPermerror) {
    zone.txt("example.com",
             {"v=spf1 a:v1.example.com a:v2.example.com exists:v3.example.com +all"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::permerror);
    EXPECT_EQ(r.void_lookups, 3u);
}

TEST_F(Rfc7208S4, NodataCountsAsVoid) {
    zone.exists_empty("e1.example.com").exists_empty("e2.example.com");
    zone.exists_empty("e3.example.com");
    zone.txt("example.com", {"v=spf1 a:e1.example.com mx:e2.example.com a:e3.example.com +all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
}

TEST_F(Rfc7208S4, VoidLimitIsSharedAcrossIncludes) {
    zone.txt("example.com", {"v=spf1 a:v1.example.com include:inc.example.com +all"});
    zone.txt("inc.example.com", {"v=spf1 a:v2.example.com a:v3.example.com -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
}

TEST_F(Rfc7208S4, TenMxRecordsAreAllowed) {
    std::vector<std::string> hosts;
    for (int i = 0; i < 10; ++i)
        hosts.push_back("mx" + std::to_string(i) + ".example.com");
    zone.mx("example.com", hosts);
    zone.a("mx9.example.com", {"192.0.2.1"});
    zone.txt("example.com", {"v=spf1 mx -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::pass);
    EXPECT_LE(zone.queries, 12u);
}

TEST_F(Rfc7208S4, ElevenMxRecordsArePermerror) {
    std::vector<std::string> hosts;
    for (int i = 0; i < 11; ++i)
        hosts.push_back("mx" + std::to_string(i) + ".example.com");
    zone.mx("example.com", hosts);
    zone.a("mx0.example.com", {"192.0.2.1"});
    zone.txt("example.com", {"v=spf1 mx -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::permerror);
    EXPECT_EQ(zone.queries, 2u);  // TXT + MX, no address lookups
}

TEST_F(Rfc7208S4, PtrNamesBeyondTenAreIgnored) {
    std::vector<std::string> names;
    for (int i = 0; i < 11; ++i)
        names.push_back("n" + std::to_string(i) + ".example.com");
    zone.ptr("192.0.2.1", names);
    zone.a("n10.example.com", {"192.0.2.1"});  // only the ignored 11th validates
    zone.txt("example.com", {"v=spf1 ptr -all"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::fail);
    EXPECT_EQ(zone.count("n10.example.com", RrType::a), 0u);
}

TEST_F(Rfc7208S4, LimitsAreConfigurable) {
    zone.txt("example.com", {"v=spf1 a:v1.example.com a:v2.example.com +all"});
    auto req = request("192.0.2.1", "a@example.com");
    req.limits.void_lookups = 1;
    EXPECT_EQ(check_host(zone, req).code, Code::permerror);
}

// --- §4.7 default result, §4.8 domain specification -------------------------------------

TEST_F(Rfc7208S4, NoMatchIsNeutral) {
    zone.txt("example.com", {"v=spf1 ip4:198.51.100.1"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::neutral);
    EXPECT_EQ(r.mechanism, "default");
}

TEST_F(Rfc7208S4, NeutralHasNoExplanation) {
    zone.txt("example.com", {"v=spf1 ?all exp=why.example.com"});
    zone.txt("why.example.com", {"go away"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::neutral);
    EXPECT_TRUE(r.explanation.empty());
    EXPECT_EQ(zone.count("why.example.com", RrType::txt), 0u);
}

TEST_F(Rfc7208S4, MissingDomainSpecMeansCurrentDomain) {
    zone.txt("example.com", {"v=spf1 include:inc.example.com -all"});
    zone.txt("inc.example.com", {"v=spf1 a -all"});
    zone.a("inc.example.com", {"192.0.2.1"});
    zone.a("example.com", {"192.0.2.2"});
    EXPECT_EQ(code("192.0.2.1", "a@example.com"), Code::pass);
    EXPECT_EQ(code("192.0.2.2", "a@example.com"), Code::fail);
}

// --- result evidence ----------------------------------------------------------------------

TEST_F(Rfc7208S4, ResultCarriesRecordsPathAndTrace) {
    zone.txt("example.com", {"v=spf1 include:_spf.example.com -all"});
    zone.txt("_spf.example.com", {"v=spf1 ip4:192.0.2.0/24 -all"});
    auto r = run("192.0.2.1", "a@example.com");
    EXPECT_EQ(r.code, Code::pass);
    EXPECT_EQ(r.record, "v=spf1 include:_spf.example.com -all");
    EXPECT_EQ(r.decided_by_domain, "example.com");
    EXPECT_EQ(r.mechanism, "include:_spf.example.com");
    ASSERT_EQ(r.path.size(), 2u);
    EXPECT_EQ(r.path[1], "_spf.example.com: ip4:192.0.2.0/24");
    ASSERT_EQ(r.lookups.size(), 2u);
    EXPECT_EQ(r.lookups[1].question.name, "_spf.example.com");
    EXPECT_EQ(r.lookups[1].status, Status::ok);
    EXPECT_EQ(r.queries, 2u);
}

TEST_F(Rfc7208S4, Ipv4MappedClientIsTreatedAsIpv4) {
    zone.txt("example.com", {"v=spf1 ip4:192.0.2.1 -all"});
    EXPECT_EQ(code("::ffff:192.0.2.1", "a@example.com"), Code::pass);
}

}  // namespace
}  // namespace mailspec::spf
