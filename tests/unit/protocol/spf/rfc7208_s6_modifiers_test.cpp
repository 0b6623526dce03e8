// RFC 7208 §6: the redirect and exp modifiers.
#include <gtest/gtest.h>

#include "tests/unit/protocol/spf/memory_zone.hpp"

namespace mailspec::spf {
namespace {

using dns::RrType;
using dns::Status;

class Rfc7208S6 : public ::testing::Test, public test::SpfCheck {};

// --- §6.1 redirect -------------------------------------------------------------------------

TEST_F(Rfc7208S6, RedirectGivesTheTargetsResult) {
    zone.txt("example.com", {"v=spf1 ip4:198.51.100.1 redirect=policy.example.net"});
    zone.txt("policy.example.net", {"v=spf1 ip4:192.0.2.0/24 -all"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::pass);
    EXPECT_EQ(r.decided_by_domain, "policy.example.net");
    ASSERT_EQ(r.path.size(), 2u);
    EXPECT_EQ(r.path[0], "example.com: redirect=policy.example.net");
    EXPECT_EQ(code("203.0.113.1", "u@example.com"), Code::fail);
}

TEST_F(Rfc7208S6, RedirectNeutralStaysNeutral) {
    zone.txt("example.com", {"v=spf1 redirect=policy.example.net"});
    zone.txt("policy.example.net", {"v=spf1 ?all"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::neutral);
}

TEST_F(Rfc7208S6, RedirectIsIgnoredWhenAllIsPresent) {
    zone.txt("example.com", {"v=spf1 redirect=policy.example.net -all"});
    zone.txt("policy.example.net", {"v=spf1 +all"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::fail);
    EXPECT_EQ(zone.count("policy.example.net", RrType::txt), 0u);
}

TEST_F(Rfc7208S6, RedirectIsNotUsedWhenAMechanismMatches) {
    zone.txt("example.com", {"v=spf1 ~ip4:192.0.2.1 redirect=policy.example.net"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::softfail);
    EXPECT_EQ(zone.queries, 1u);
}

TEST_F(Rfc7208S6, RedirectToDomainWithoutRecordIsPermerror) {
    zone.txt("example.com", {"v=spf1 redirect=policy.example.net"});
    zone.txt("policy.example.net", {"not spf"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::permerror);
}

TEST_F(Rfc7208S6, RedirectToNonexistentDomainIsPermerror) {
    zone.txt("example.com", {"v=spf1 redirect=nowhere.example.net"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::permerror);
}

TEST_F(Rfc7208S6, RedirectToMalformedNameIsPermerror) {
    zone.txt("example.com", {"v=spf1 redirect=%{l}..example.net"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::permerror);
}

TEST_F(Rfc7208S6, RedirectTargetTemperrorPropagates) {
    zone.txt("example.com", {"v=spf1 redirect=policy.example.net"});
    zone.fail("policy.example.net", RrType::txt, Status::timeout);
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::temperror);
}

TEST_F(Rfc7208S6, RedirectTargetPermerrorPropagates) {
    zone.txt("example.com", {"v=spf1 redirect=policy.example.net"});
    zone.txt("policy.example.net", {"v=spf1 ip4:1"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::permerror);
}

TEST_F(Rfc7208S6, RedirectTargetIsMacroExpanded) {
    zone.txt("example.com", {"v=spf1 redirect=_spf.%{d}"});
    zone.txt("_spf.example.com", {"v=spf1 -all"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::fail);
}

TEST_F(Rfc7208S6, CurrentDomainAfterRedirectIsTheTarget) {
    zone.txt("example.com", {"v=spf1 redirect=policy.example.net"});
    zone.txt("policy.example.net", {"v=spf1 a -all"});
    zone.a("policy.example.net", {"192.0.2.1"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::pass);
}

// --- §6.2 exp ------------------------------------------------------------------------------

TEST_F(Rfc7208S6, ExpTextBecomesTheExplanation) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"Mail from here is not allowed"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.explanation, "Mail from here is not allowed");
}

TEST_F(Rfc7208S6, ExpTextIsMacroExpanded) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"%{i} may not send for %{s} (%{d})"});
    EXPECT_EQ(run("192.0.2.1", "u@example.com").explanation,
              "192.0.2.1 may not send for u@example.com (example.com)");
}

TEST_F(Rfc7208S6, ExpTextMayUseExplanationOnlyLetters) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"%{c} rejected by %{r} at %{t}"});
    EXPECT_EQ(run("2001:db8::cb01", "u@example.com").explanation,
              "2001:db8::cb01 rejected by mx.receiver.example at 1700000000");
}

TEST_F(Rfc7208S6, ExpDomainSpecIsMacroExpanded) {
    zone.txt("example.com", {"v=spf1 -all exp=%{l}.exp.%{d}"});
    zone.txt("u.exp.example.com", {"per-user text"});
    EXPECT_EQ(run("192.0.2.1", "u@example.com").explanation, "per-user text");
}

TEST_F(Rfc7208S6, ExpWithSeveralRecordsFallsBackToDefault) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"one", "two"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.explanation,
              "192.0.2.1 is not allowed to send mail for example.com (SPF fail, "
              "sender u@example.com)");
}

TEST_F(Rfc7208S6, ExpNxdomainFallsBackToDefault) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_NE(r.explanation.find("not allowed"), std::string::npos);
}

TEST_F(Rfc7208S6, ExpServfailIsNotTemperror) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.fail("why.example.com", RrType::txt, Status::servfail);
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_NE(r.explanation.find("not allowed"), std::string::npos);
}

TEST_F(Rfc7208S6, ExpTextWithSyntaxErrorFallsBackToDefault) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"100% wrong"});
    EXPECT_NE(run("192.0.2.1", "u@example.com").explanation.find("not allowed"), std::string::npos);
}

TEST_F(Rfc7208S6, ExpIsOnlyFetchedForFail) {
    zone.txt("example.com", {"v=spf1 ~all exp=why.example.com"});
    zone.txt("why.example.com", {"text"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::softfail);
    EXPECT_TRUE(r.explanation.empty());
    EXPECT_EQ(zone.count("why.example.com", RrType::txt), 0u);
}

TEST_F(Rfc7208S6, ExpOfIncludedRecordIsNotUsed) {
    zone.txt("example.com", {"v=spf1 -include:inc.example.net +all exp=outer.example.com"});
    zone.txt("inc.example.net", {"v=spf1 +all exp=inner.example.net"});
    zone.txt("outer.example.com", {"outer"});
    zone.txt("inner.example.net", {"inner"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.explanation, "outer");
    EXPECT_EQ(zone.count("inner.example.net", RrType::txt), 0u);
}

TEST_F(Rfc7208S6, ExpOfRedirectingRecordIsNotUsed) {
    zone.txt("example.com", {"v=spf1 redirect=policy.example.net exp=outer.example.com"});
    zone.txt("policy.example.net", {"v=spf1 -all exp=target.example.net"});
    zone.txt("outer.example.com", {"outer"});
    zone.txt("target.example.net", {"target %{d}"});
    EXPECT_EQ(run("192.0.2.1", "u@example.com").explanation, "target policy.example.net");
}

TEST_F(Rfc7208S6, RedirectTargetWithoutExpUsesDefault) {
    zone.txt("example.com", {"v=spf1 redirect=policy.example.net exp=outer.example.com"});
    zone.txt("policy.example.net", {"v=spf1 -all"});
    zone.txt("outer.example.com", {"outer"});
    auto r = run("192.0.2.1", "u@example.com");
    EXPECT_NE(r.explanation.find("policy.example.net"), std::string::npos);
    EXPECT_EQ(zone.count("outer.example.com", RrType::txt), 0u);
}

TEST_F(Rfc7208S6, ExplanationLettersAreNotAllowedInExpDomainSpec) {
    zone.txt("example.com", {"v=spf1 -all exp=%{c}.example.com"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::permerror);
}

TEST_F(Rfc7208S6, UppercaseMacroInExpTextIsUrlEscaped) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"see https://help.example.com/?s=%{S}"});
    EXPECT_EQ(run("192.0.2.1", "u+x@example.com").explanation,
              "see https://help.example.com/?s=u%2Bx%40example.com");
}

TEST_F(Rfc7208S6, ExpLookupIsTraced) {
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"text"});
    auto r = run("192.0.2.1", "u@example.com");
    ASSERT_EQ(r.lookups.size(), 2u);
    EXPECT_EQ(r.lookups[1].question.name, "why.example.com");
    EXPECT_EQ(r.lookups[1].purpose, "exp=");
}

}  // namespace
}  // namespace mailspec::spf
