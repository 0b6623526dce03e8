// RFC 7208 §5: the mechanisms all, include, a, mx, ptr, ip4, ip6, exists, their CIDR lengths
// and how DNS outcomes affect each.
#include <gtest/gtest.h>

#include "tests/unit/protocol/spf/memory_zone.hpp"

namespace mailspec::spf {
namespace {

using dns::RrType;
using dns::Status;

class Rfc7208S5 : public ::testing::Test, public test::SpfCheck {
  protected:
    Code with(const std::string& record, const std::string& ip) {
        zone.txt("example.com", {record});
        return code(ip, "user@example.com");
    }
};

// --- §5.1 all ------------------------------------------------------------------------------

TEST_F(Rfc7208S5, AllMatchesIpv4AndIpv6) {
    zone.txt("example.com", {"v=spf1 -all"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::fail);
    EXPECT_EQ(code("2001:db8::1", "u@example.com"), Code::fail);
}

TEST_F(Rfc7208S5, MechanismsAfterAllAreNotEvaluated) {
    EXPECT_EQ(with("v=spf1 -all a:later.example.com +ip4:192.0.2.1", "192.0.2.1"), Code::fail);
    EXPECT_EQ(zone.count("later.example.com", RrType::a), 0u);
}

// --- §5.2 include --------------------------------------------------------------------------

class Rfc7208S5Include : public Rfc7208S5 {
  protected:
    Code include_of(const std::string& inner, const std::string& outer_tail = " -all") {
        zone.txt("inc.example.net", {inner});
        return with("v=spf1 include:inc.example.net" + outer_tail, "192.0.2.1");
    }
};

TEST_F(Rfc7208S5Include, InnerPassMatches) {
    EXPECT_EQ(include_of("v=spf1 ip4:192.0.2.1 -all"), Code::pass);
}
TEST_F(Rfc7208S5Include, QualifierOfIncludeApplies) {
    zone.txt("inc.example.net", {"v=spf1 +all"});
    EXPECT_EQ(with("v=spf1 -include:inc.example.net +all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5Include, InnerFailDoesNotMatch) {
    EXPECT_EQ(include_of("v=spf1 -all", " +all"), Code::pass);
}
TEST_F(Rfc7208S5Include, InnerSoftfailDoesNotMatch) {
    EXPECT_EQ(include_of("v=spf1 ~all", " ?all"), Code::neutral);
}
TEST_F(Rfc7208S5Include, InnerNeutralDoesNotMatch) {
    EXPECT_EQ(include_of("v=spf1 ?all"), Code::fail);
}
TEST_F(Rfc7208S5Include, InnerTemperrorPropagates) {
    zone.fail("inc.example.net", RrType::txt, Status::servfail);
    EXPECT_EQ(with("v=spf1 include:inc.example.net +all", "192.0.2.1"), Code::temperror);
}
TEST_F(Rfc7208S5Include, InnerPermerrorPropagates) {
    auto r = (zone.txt("inc.example.net", {"v=spf1 ip4:bad"}),
              zone.txt("example.com", {"v=spf1 include:inc.example.net +all"}),
              run("192.0.2.1", "u@example.com"));
    EXPECT_EQ(r.code, Code::permerror);
    EXPECT_EQ(r.decided_by_domain, "inc.example.net");
}
TEST_F(Rfc7208S5Include, IncludeOfDomainWithoutRecordIsPermerror) {
    zone.txt("inc.example.net", {"just text"});
    EXPECT_EQ(with("v=spf1 include:inc.example.net +all", "192.0.2.1"), Code::permerror);
}
TEST_F(Rfc7208S5Include, IncludeOfNonexistentDomainIsPermerror) {
    EXPECT_EQ(with("v=spf1 include:nowhere.example.net +all", "192.0.2.1"), Code::permerror);
}
TEST_F(Rfc7208S5Include, IncludeOfMalformedNameIsPermerror) {
    EXPECT_EQ(with("v=spf1 include:%{l}..example.net +all", "192.0.2.1"), Code::permerror);
}
TEST_F(Rfc7208S5Include, InnerRedirectIsFollowed) {
    zone.txt("final.example.net", {"v=spf1 ip4:192.0.2.1 -all"});
    EXPECT_EQ(include_of("v=spf1 redirect=final.example.net"), Code::pass);
}
TEST_F(Rfc7208S5Include, MacroTargetIsExpanded) {
    zone.txt("user._spf.example.com", {"v=spf1 +all"});
    EXPECT_EQ(with("v=spf1 include:%{l}._spf.%{d} -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5Include, CurrentDomainInsideIncludeIsTheIncludedOne) {
    zone.a("inc.example.net", {"192.0.2.1"});
    EXPECT_EQ(include_of("v=spf1 a -all"), Code::pass);
}

// --- §5.3 a --------------------------------------------------------------------------------

TEST_F(Rfc7208S5, AMatchesAnAddressOfTheDomain) {
    zone.a("example.com", {"198.51.100.7", "192.0.2.1"});
    EXPECT_EQ(with("v=spf1 a -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, ADoesNotMatchOtherAddresses) {
    zone.a("example.com", {"198.51.100.7"});
    EXPECT_EQ(with("v=spf1 a -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, AWithExplicitDomain) {
    zone.a("mail.example.org", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 a:mail.example.org -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, AWithIpv4Cidr) {
    zone.a("example.com", {"192.0.2.200"});
    EXPECT_EQ(with("v=spf1 a/24 -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, AWithIpv4CidrOutside) {
    zone.a("example.com", {"192.0.3.200"});
    EXPECT_EQ(with("v=spf1 a/24 -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, AWithIpv6Cidr) {
    zone.a("example.com", {"2001:db8:0:1::99"});
    EXPECT_EQ(with("v=spf1 a//64 -all", "2001:db8:0:1::1"), Code::pass);
}
TEST_F(Rfc7208S5, AWithDualCidrUsesTheClientsFamily) {
    zone.a("h.example.org", {"192.0.2.200", "2001:db8:0:1::99"});
    zone.txt("example.com", {"v=spf1 a:h.example.org/24//64 -all"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::pass);
    EXPECT_EQ(code("2001:db8:0:1::1", "u@example.com"), Code::pass);
    EXPECT_EQ(code("2001:db8:0:2::1", "u@example.com"), Code::fail);
}
TEST_F(Rfc7208S5, AForIpv4ClientAsksA) {
    with("v=spf1 a -all", "192.0.2.1");
    EXPECT_EQ(zone.count("example.com", RrType::a), 1u);
    EXPECT_EQ(zone.count("example.com", RrType::aaaa), 0u);
}
TEST_F(Rfc7208S5, AForIpv6ClientAsksAaaa) {
    with("v=spf1 a -all", "2001:db8::1");
    EXPECT_EQ(zone.count("example.com", RrType::aaaa), 1u);
    EXPECT_EQ(zone.count("example.com", RrType::a), 0u);
}
TEST_F(Rfc7208S5, AServfailIsTemperror) {
    zone.fail("example.com", RrType::a, Status::servfail);
    EXPECT_EQ(with("v=spf1 a +all", "192.0.2.1"), Code::temperror);
}
TEST_F(Rfc7208S5, ATimeoutIsTemperror) {
    zone.fail("h.example.com", RrType::a, Status::timeout);
    EXPECT_EQ(with("v=spf1 a:h.example.com +all", "192.0.2.1"), Code::temperror);
}
TEST_F(Rfc7208S5, ANxdomainDoesNotMatchAndIsVoid) {
    zone.txt("example.com", {"v=spf1 a:nx.example.com +all"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::pass);
    EXPECT_EQ(r.void_lookups, 1u);
}
TEST_F(Rfc7208S5, ASlashZeroMatchesAnyIpv4WhenTheNameHasAnAddress) {
    zone.a("example.com", {"203.0.113.5"});
    EXPECT_EQ(with("v=spf1 a/0 -all", "192.0.2.1"), Code::pass);
}

// --- §5.4 mx -------------------------------------------------------------------------------

TEST_F(Rfc7208S5, MxMatchesAnAddressOfAnExchange) {
    zone.mx("example.com", {"mx1.example.com", "mx2.example.com"});
    zone.a("mx1.example.com", {"198.51.100.1"}).a("mx2.example.com", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 mx -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, MxWithDomainAndCidr) {
    zone.mx("example.org", {"mx.example.org"});
    zone.a("mx.example.org", {"192.0.2.77"});
    EXPECT_EQ(with("v=spf1 mx:example.org/24 -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, MxWithIpv6Cidr) {
    zone.mx("example.com", {"mx.example.com"});
    zone.a("mx.example.com", {"2001:db8:1::5"});
    EXPECT_EQ(with("v=spf1 mx//48 -all", "2001:db8:1:2::1"), Code::pass);
    EXPECT_EQ(zone.count("mx.example.com", RrType::aaaa), 1u);
}
TEST_F(Rfc7208S5, MxHasNoImplicitAFallback) {
    zone.a("example.com", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 mx -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, MxServfailIsTemperror) {
    zone.fail("example.com", RrType::mx, Status::servfail);
    EXPECT_EQ(with("v=spf1 mx +all", "192.0.2.1"), Code::temperror);
}
TEST_F(Rfc7208S5, MxHostLookupServfailIsTemperror) {
    zone.mx("example.com", {"mx.example.com"});
    zone.fail("mx.example.com", RrType::a, Status::servfail);
    EXPECT_EQ(with("v=spf1 mx +all", "192.0.2.1"), Code::temperror);
}
TEST_F(Rfc7208S5, NullMxDoesNotMatch) {
    zone.mx("example.com", {"."});
    EXPECT_EQ(with("v=spf1 mx -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, MxHostsAreAskedInOneBatchAndOnce) {
    zone.mx("example.com", {"a.example.com", "b.example.com", "c.example.com"});
    with("v=spf1 mx -all", "192.0.2.1");
    EXPECT_EQ(zone.count("c.example.com", RrType::a), 1u);
    EXPECT_EQ(zone.queries, 5u);
}

// --- §5.5 ptr ------------------------------------------------------------------------------

TEST_F(Rfc7208S5, PtrMatchesValidatedNameEqualToDomain) {
    zone.ptr("192.0.2.1", {"example.com"});
    zone.a("example.com", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 ptr -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, PtrMatchesValidatedSubdomain) {
    zone.ptr("192.0.2.1", {"mail.example.com"});
    zone.a("mail.example.com", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 ptr -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, PtrNameMustValidate) {
    zone.ptr("192.0.2.1", {"mail.example.com"});
    zone.a("mail.example.com", {"192.0.2.99"});
    EXPECT_EQ(with("v=spf1 ptr -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, PtrNameMustBeUnderTheTarget) {
    zone.ptr("192.0.2.1", {"mail.example.org"});
    zone.a("mail.example.org", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 ptr -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, PtrSuffixIsLabelAligned) {
    zone.ptr("192.0.2.1", {"badexample.com"});
    zone.a("badexample.com", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 ptr -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, PtrWithExplicitDomain) {
    zone.ptr("192.0.2.1", {"mx.example.org"});
    zone.a("mx.example.org", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 ptr:example.org -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, PtrLookupErrorIsNoMatchNotTemperror) {
    zone.fail(dns::IpAddress::parse("192.0.2.1")->reverse_name(), RrType::ptr, Status::servfail);
    EXPECT_EQ(with("v=spf1 ptr -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, PtrAddressErrorSkipsThatName) {
    zone.ptr("192.0.2.1", {"broken.example.com", "ok.example.com"});
    zone.fail("broken.example.com", RrType::a, Status::servfail);
    zone.a("ok.example.com", {"192.0.2.1"});
    EXPECT_EQ(with("v=spf1 ptr -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, PtrForIpv6UsesIp6ArpaAndAaaa) {
    zone.ptr("2001:db8::cb01", {"v6.example.com"});
    zone.a("v6.example.com", {"2001:db8::cb01"});
    EXPECT_EQ(with("v=spf1 ptr -all", "2001:db8::cb01"), Code::pass);
    EXPECT_EQ(zone.count("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
                         RrType::ptr),
              1u);
}
TEST_F(Rfc7208S5, PtrWithoutNamesIsVoid) {
    zone.txt("example.com", {"v=spf1 ptr -all"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.void_lookups, 1u);
}

// --- §5.6 ip4 and ip6 ----------------------------------------------------------------------

struct IpCase {
    const char* record;
    const char* ip;
    Code expected;
};
class Rfc7208S5Ip : public ::testing::TestWithParam<IpCase>, public test::SpfCheck {};
TEST_P(Rfc7208S5Ip, Evaluates) {
    zone.txt("example.com", {GetParam().record});
    auto r = run(GetParam().ip, "u@example.com");
    EXPECT_EQ(r.code, GetParam().expected) << GetParam().record << " for " << GetParam().ip;
    EXPECT_EQ(zone.queries, 1u);  // ip4/ip6 need no DNS
}
INSTANTIATE_TEST_SUITE_P(
    Networks, Rfc7208S5Ip,
    ::testing::Values(IpCase{"v=spf1 ip4:192.0.2.1 -all", "192.0.2.1", Code::pass},
                      IpCase{"v=spf1 ip4:192.0.2.1 -all", "192.0.2.2", Code::fail},
                      IpCase{"v=spf1 ip4:192.0.2.0/24 -all", "192.0.2.254", Code::pass},
                      IpCase{"v=spf1 ip4:192.0.2.0/24 -all", "192.0.3.1", Code::fail},
                      IpCase{"v=spf1 ip4:192.0.2.128/25 -all", "192.0.2.127", Code::fail},
                      IpCase{"v=spf1 ip4:10.0.0.0/8 -all", "10.255.1.2", Code::pass},
                      IpCase{"v=spf1 ip4:0.0.0.0/0 -all", "203.0.113.9", Code::pass},
                      IpCase{"v=spf1 ip4:192.0.2.7/32 -all", "192.0.2.7", Code::pass},
                      IpCase{"v=spf1 ip4:192.0.2.0/24 -all", "2001:db8::1", Code::fail},
                      IpCase{"v=spf1 ip6:2001:db8::/32 -all", "192.0.2.1", Code::fail},
                      IpCase{"v=spf1 ip6:2001:db8::/32 -all", "2001:db8:ffff::1", Code::pass},
                      IpCase{"v=spf1 ip6:2001:db8::/32 -all", "2001:db9::1", Code::fail},
                      IpCase{"v=spf1 ip6:2001:DB8::CB01 -all", "2001:db8:0:0:0:0:0:cb01",
                             Code::pass},
                      IpCase{"v=spf1 ip6:::/0 -all", "2001:db8::1", Code::pass},
                      IpCase{"v=spf1 ip6:2001:db8::/127 -all", "2001:db8::1", Code::pass},
                      IpCase{"v=spf1 ip6:2001:db8::/128 -all", "2001:db8::1", Code::fail},
                      IpCase{"v=spf1 ip4:192.0.2.1 -all", "::ffff:192.0.2.1", Code::pass}));

// --- §5.7 exists ---------------------------------------------------------------------------

TEST_F(Rfc7208S5, ExistsMatchesAnyARecord) {
    zone.a("allowed.example.com", {"127.0.0.2"});
    EXPECT_EQ(with("v=spf1 exists:allowed.example.com -all", "192.0.2.1"), Code::pass);
}
TEST_F(Rfc7208S5, ExistsNxdomainDoesNotMatch) {
    EXPECT_EQ(with("v=spf1 exists:nx.example.com -all", "192.0.2.1"), Code::fail);
}
TEST_F(Rfc7208S5, ExistsAlwaysAsksAEvenForIpv6) {
    zone.a("allowed.example.com", {"127.0.0.2"});
    EXPECT_EQ(with("v=spf1 exists:allowed.example.com -all", "2001:db8::1"), Code::pass);
    EXPECT_EQ(zone.count("allowed.example.com", RrType::aaaa), 0u);
}
TEST_F(Rfc7208S5, ExistsServfailIsTemperror) {
    zone.fail("x.example.com", RrType::a, Status::servfail);
    EXPECT_EQ(with("v=spf1 exists:x.example.com -all", "192.0.2.1"), Code::temperror);
}
TEST_F(Rfc7208S5, ExistsWithMacrosQueriesTheExpandedName) {
    zone.a("1.2.0.192.bl.example.net", {"127.0.0.2"});
    EXPECT_EQ(with("v=spf1 -exists:%{ir}.bl.example.net +all", "192.0.2.1"), Code::fail);
    EXPECT_EQ(code("192.0.2.2", "u@example.com"), Code::pass);
}
TEST_F(Rfc7208S5, ExistsWithInvalidExpandedNameIsPermerror) {
    EXPECT_EQ(with("v=spf1 exists:%{l}..example.net -all", "192.0.2.1"), Code::permerror);
}

// --- mechanism syntax (§5, ABNF of §12): all of these are permerror ------------------------

class Rfc7208S5Syntax : public ::testing::TestWithParam<const char*>, public test::SpfCheck {};
TEST_P(Rfc7208S5Syntax, IsPermerror) {
    zone.txt("example.com", {GetParam()});
    zone.a("example.com", {"192.0.2.1"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::permerror) << GetParam();
}
INSTANTIATE_TEST_SUITE_P(
    BadTerms, Rfc7208S5Syntax,
    ::testing::Values("v=spf1 all:example.com", "v=spf1 all/24", "v=spf1 include",
                      "v=spf1 include:", "v=spf1 include:example", "v=spf1 a:", "v=spf1 a/33",
                      "v=spf1 a//129", "v=spf1 a/024", "v=spf1 a/", "v=spf1 a:1.2.3.4",
                      "v=spf1 a:example.com:80", "v=spf1 mx/33", "v=spf1 mx:", "v=spf1 ptr/24",
                      "v=spf1 ptr:", "v=spf1 ip4", "v=spf1 ip4:", "v=spf1 ip4:192.0.2",
                      "v=spf1 ip4:192.0.2.1/33", "v=spf1 ip4:192.0.2.1/", "v=spf1 ip4:192.0.2.256",
                      "v=spf1 ip4:01.0.2.1", "v=spf1 ip4:192.0.2.1//64",
                      "v=spf1 ip6:2001:db8::/129", "v=spf1 ip6:2001:db8:::1",
                      "v=spf1 ip6:192.0.2.1", "v=spf1 exists", "v=spf1 exists:", "v=spf1 !all",
                      "v=spf1 +-all", "v=spf1 =all", "v=spf1 mechanism:x.example.com",
                      "v=spf1 redirect=", "v=spf1 exp=", "v=spf1 a:%{x}.example.com",
                      "v=spf1 a:foo%bar.example.com", "v=spf1 -all redirect"));

}  // namespace
}  // namespace mailspec::spf
