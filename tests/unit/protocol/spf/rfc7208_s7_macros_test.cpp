// RFC 7208 §7: macro syntax, letters, transformers, URL escaping, truncation, and every example
// of §7.4 verbatim.
#include <gtest/gtest.h>

#include "protocol/spf/macro.hpp"
#include "tests/unit/protocol/spf/memory_zone.hpp"

namespace mailspec::spf {
namespace {

// The §7.4 setting: sender strong-bad@email.example.com, IPv4 192.0.2.3, IPv6 2001:db8::cb01,
// PTR name mx.example.org.
MacroContext rfc_context(const char* ip = "192.0.2.3") {
    MacroContext c;
    c.sender = "strong-bad@email.example.com";
    c.local_part = "strong-bad";
    c.sender_domain = "email.example.com";
    c.domain = "email.example.com";
    c.ip = *dns::IpAddress::parse(ip);
    c.helo = "mx.example.org";
    c.receiver = "receiver.example.net";
    c.timestamp = 1700000000;
    c.validated_name = [] { return std::string("mx.example.org"); };
    return c;
}

std::string expand(const std::string& text, const MacroContext& ctx = rfc_context(),
                   MacroString::Syntax syntax = MacroString::Syntax::explain_string) {
    std::string err;
    auto m = MacroString::parse(text, syntax, &err);
    EXPECT_TRUE(m.has_value()) << text << ": " << err;
    return m ? m->expand(ctx) : "<error>";
}

bool parses(const std::string& text, MacroString::Syntax syntax) {
    return MacroString::parse(text, syntax).has_value();
}

// --- §7.4 examples, verbatim -----------------------------------------------------------------

struct Example {
    const char* macro;
    const char* expansion;
};
class Rfc7208S74 : public ::testing::TestWithParam<Example> {};
TEST_P(Rfc7208S74, ExpandsAsInTheRfc) {
    EXPECT_EQ(expand(GetParam().macro), GetParam().expansion);
}
INSTANTIATE_TEST_SUITE_P(
    Section74, Rfc7208S74,
    ::testing::Values(
        Example{"%{s}", "strong-bad@email.example.com"}, Example{"%{o}", "email.example.com"},
        Example{"%{d}", "email.example.com"}, Example{"%{d4}", "email.example.com"},
        Example{"%{d3}", "email.example.com"}, Example{"%{d2}", "example.com"},
        Example{"%{d1}", "com"}, Example{"%{dr}", "com.example.email"},
        Example{"%{d2r}", "example.email"}, Example{"%{l}", "strong-bad"},
        Example{"%{l-}", "strong.bad"}, Example{"%{lr}", "strong-bad"},
        Example{"%{lr-}", "bad.strong"}, Example{"%{l1r-}", "strong"},
        Example{"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
        Example{"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
        Example{"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
                "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
        Example{"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
        Example{"%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"}));

TEST(Rfc7208S74Ipv6, IrVD2ExpandsAsInTheRfc) {
    EXPECT_EQ(
        expand("%{ir}.%{v}._spf.%{d2}", rfc_context("2001:db8::cb01")),
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
}

// --- §7.1 syntax -----------------------------------------------------------------------------

TEST(Rfc7208S7, EscapesPercentSpaceAndUrlSpace) {
    EXPECT_EQ(expand("a%%b%_c%-d"), "a%b c%20d");
}

TEST(Rfc7208S7, LonePercentIsASyntaxError) {
    EXPECT_FALSE(parses("100%", MacroString::Syntax::explain_string));
    EXPECT_FALSE(parses("%(ir).sbl.example.org", MacroString::Syntax::domain_spec));
    EXPECT_FALSE(parses("a%xb.example.com", MacroString::Syntax::domain_spec));
}

TEST(Rfc7208S7, UnterminatedMacroIsASyntaxError) {
    EXPECT_FALSE(parses("%{d", MacroString::Syntax::domain_spec));
    EXPECT_FALSE(parses("%{}.example.com", MacroString::Syntax::domain_spec));
}

TEST(Rfc7208S7, UnknownLetterIsASyntaxError) {
    EXPECT_FALSE(parses("%{x}.example.com", MacroString::Syntax::domain_spec));
    EXPECT_FALSE(parses("%{1}.example.com", MacroString::Syntax::domain_spec));
}

TEST(Rfc7208S7, ExplanationOnlyLettersAreRejectedOutsideExp) {
    for (const char* m : {"%{c}.example.com", "%{r}.example.com", "%{t}.example.com"}) {
        EXPECT_FALSE(parses(m, MacroString::Syntax::domain_spec)) << m;
        EXPECT_TRUE(parses(m, MacroString::Syntax::explain_string)) << m;
    }
}

TEST(Rfc7208S7, ZeroDigitTransformerIsASyntaxError) {
    EXPECT_FALSE(parses("%{d0}", MacroString::Syntax::domain_spec));
}

TEST(Rfc7208S7, InvalidDelimiterIsASyntaxError) {
    EXPECT_FALSE(parses("%{l!}.example.com", MacroString::Syntax::domain_spec));
    EXPECT_FALSE(parses("%{lrr}.example.com", MacroString::Syntax::domain_spec));
}

TEST(Rfc7208S7, SpacesOnlyInExplanations) {
    EXPECT_TRUE(parses("you are not welcome", MacroString::Syntax::explain_string));
    EXPECT_FALSE(parses("a b.example.com", MacroString::Syntax::domain_spec));
}

TEST(Rfc7208S7, NonAsciiIsNotAMacroLiteral) {
    EXPECT_FALSE(parses("caf\xc3\xa9", MacroString::Syntax::explain_string));
}

struct DomainEnd {
    const char* spec;
    bool valid;
};
class Rfc7208S7DomainEnd : public ::testing::TestWithParam<DomainEnd> {};
TEST_P(Rfc7208S7DomainEnd, FollowsTheAbnf) {
    EXPECT_EQ(parses(GetParam().spec, MacroString::Syntax::domain_spec), GetParam().valid)
        << GetParam().spec;
}
INSTANTIATE_TEST_SUITE_P(DomainSpec, Rfc7208S7DomainEnd,
                         ::testing::Values(DomainEnd{"example.com", true},
                                           DomainEnd{"example.com.", true}, DomainEnd{"%{d}", true},
                                           DomainEnd{"_spf.%{d}", true}, DomainEnd{"x.%{d2}", true},
                                           DomainEnd{"a.b-c", true}, DomainEnd{"a.1-2", true},
                                           DomainEnd{"a.c0m", true}, DomainEnd{"example", false},
                                           DomainEnd{"a.123", false}, DomainEnd{"a.-com", false},
                                           DomainEnd{"a.com-", false}, DomainEnd{"a.co_m", false},
                                           DomainEnd{"", false}, DomainEnd{"example.com..", false},
                                           DomainEnd{"%{d}.", false}));

// --- §7.2 letters ----------------------------------------------------------------------------

TEST(Rfc7208S7, LetterV) {
    EXPECT_EQ(expand("%{v}"), "in-addr");
    EXPECT_EQ(expand("%{v}", rfc_context("2001:db8::1")), "ip6");
}

TEST(Rfc7208S7, LetterH) {
    EXPECT_EQ(expand("%{h}"), "mx.example.org");
}

TEST(Rfc7208S7, LetterIForIpv6IsDottedNibbles) {
    EXPECT_EQ(expand("%{i}", rfc_context("2001:db8::cb01")),
              "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1");
}

TEST(Rfc7208S7, LetterCIsReadable) {
    EXPECT_EQ(expand("%{c}"), "192.0.2.3");
    EXPECT_EQ(expand("%{c}", rfc_context("2001:db8::cb01")), "2001:db8::cb01");
}

TEST(Rfc7208S7, LetterRIsTheReceiver) {
    EXPECT_EQ(expand("%{r}"), "receiver.example.net");
    auto ctx = rfc_context();
    ctx.receiver.clear();
    EXPECT_EQ(expand("%{r}", ctx), "unknown");
}

TEST(Rfc7208S7, LetterTIsTheTimestamp) {
    EXPECT_EQ(expand("%{t}"), "1700000000");
}

TEST(Rfc7208S7, LetterPUsesTheValidatedName) {
    EXPECT_EQ(expand("%{p}"), "mx.example.org");
    EXPECT_EQ(expand("%{p2}"), "example.org");
}

TEST(Rfc7208S7, LetterPWithoutResolverIsUnknown) {
    auto ctx = rfc_context();
    ctx.validated_name = nullptr;
    EXPECT_EQ(expand("%{p}", ctx), "unknown");
}

// --- §7.3 transformers and escaping ----------------------------------------------------------

TEST(Rfc7208S7, DigitsBeyondThePartCountKeepAll) {
    EXPECT_EQ(expand("%{d99}"), "email.example.com");
    EXPECT_EQ(expand("%{d12345678901234567890}"), "email.example.com");
}

TEST(Rfc7208S7, SeveralDelimitersSplitOnEach) {
    auto ctx = rfc_context();
    ctx.local_part = "a.b-c+d=e";
    EXPECT_EQ(expand("%{l.-+=}", ctx), "a.b.c.d.e");
    EXPECT_EQ(expand("%{lr-+}", ctx), "d=e.c.a.b");
    EXPECT_EQ(expand("%{l2+}", ctx), "a.b-c.d=e");
}

TEST(Rfc7208S7, ReverseTransformerIsCaseInsensitive) {
    EXPECT_EQ(expand("%{dR}"), "com.example.email");
}

TEST(Rfc7208S7, UppercaseLetterIsUrlEscaped) {
    EXPECT_EQ(expand("%{S}"), "strong-bad%40email.example.com");
    EXPECT_EQ(expand("%{L}"), "strong-bad");
    EXPECT_EQ(expand("%{C}", rfc_context("2001:db8::cb01")), "2001%3Adb8%3A%3Acb01");
}

TEST(Rfc7208S7, UppercaseLetterTransformsThenEscapes) {
    EXPECT_EQ(expand("%{D2R}"), "example.email");
    EXPECT_EQ(expand("%{IR}.%{V}._spf.%{D2}"), "3.2.0.192.in-addr._spf.example.com");
}

TEST(Rfc7208S7, UrlEscapeKeepsOnlyUnreserved) {
    EXPECT_EQ(url_escape("aZ09-._~"), "aZ09-._~");
    EXPECT_EQ(url_escape("a b/c?d&e=f%"), "a%20b%2Fc%3Fd%26e%3Df%25");
    EXPECT_EQ(url_escape("\xc3\xa9"), "%C3%A9");
}

TEST(Rfc7208S7, LongNamesLoseLeadingLabels) {
    std::string longname;
    for (int i = 0; i < 30; ++i)
        longname += "label" + std::to_string(i) + ".";
    longname += "example.com";
    auto t = truncate_domain(longname);
    EXPECT_LE(t.size(), 253u);
    EXPECT_TRUE(t.ends_with(".example.com"));
    EXPECT_NE(t.front(), '.');
    EXPECT_EQ(truncate_domain("short.example.com"), "short.example.com");
}

// --- macros in evaluation ---------------------------------------------------------------------

class Rfc7208S7Eval : public ::testing::Test, public test::SpfCheck {};

TEST_F(Rfc7208S7Eval, ExistsWithLocalPartMacro) {
    zone.txt("example.com", {"v=spf1 exists:%{l1r+}.users._spf.%{d} -all"});
    zone.a("alice.users._spf.example.com", {"127.0.0.2"});
    EXPECT_EQ(code("192.0.2.1", "alice+tag@example.com"), Code::pass);
    EXPECT_EQ(code("192.0.2.1", "bob@example.com"), Code::fail);
}

TEST_F(Rfc7208S7Eval, PMacroPrefersTheDomainItself) {
    zone.ptr("192.0.2.1", {"other.example.org", "mail.example.com", "example.com"});
    zone.a("other.example.org", {"192.0.2.1"}).a("mail.example.com", {"192.0.2.1"});
    zone.a("example.com", {"192.0.2.1"});
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"%{p}"});
    EXPECT_EQ(run("192.0.2.1", "u@example.com").explanation, "example.com");
}

TEST_F(Rfc7208S7Eval, PMacroPrefersASubdomainOverOtherNames) {
    zone.ptr("192.0.2.1", {"other.example.org", "mail.example.com"});
    zone.a("other.example.org", {"192.0.2.1"}).a("mail.example.com", {"192.0.2.1"});
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"%{p}"});
    EXPECT_EQ(run("192.0.2.1", "u@example.com").explanation, "mail.example.com");
}

TEST_F(Rfc7208S7Eval, PMacroUsesAnyValidatedName) {
    zone.ptr("192.0.2.1", {"unvalidated.example.com", "other.example.org"});
    zone.a("other.example.org", {"192.0.2.1"});
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"%{p}"});
    EXPECT_EQ(run("192.0.2.1", "u@example.com").explanation, "other.example.org");
}

TEST_F(Rfc7208S7Eval, PMacroWithoutValidatedNameIsUnknown) {
    zone.ptr("192.0.2.1", {"liar.example.com"});
    zone.a("liar.example.com", {"198.51.100.1"});
    zone.txt("example.com", {"v=spf1 -all exp=why.example.com"});
    zone.txt("why.example.com", {"%{p}"});
    EXPECT_EQ(run("192.0.2.1", "u@example.com").explanation, "unknown");
}

TEST_F(Rfc7208S7Eval, PMacroInExistsQueriesThePtr) {
    zone.ptr("192.0.2.1", {"mail.example.com"});
    zone.a("mail.example.com", {"192.0.2.1"});
    zone.a("mail.example.com.allowed.example.com", {"127.0.0.2"});
    zone.txt("example.com", {"v=spf1 exists:%{p}.allowed.%{d} -all"});
    EXPECT_EQ(code("192.0.2.1", "u@example.com"), Code::pass);
}

TEST_F(Rfc7208S7Eval, ExpandedQueryNamesAreTruncatedTo253) {
    std::string local(60, 'x');
    zone.txt("example.com", {"v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.%{d} -all"});
    auto r = run("192.0.2.1", local + "@example.com");
    EXPECT_EQ(r.code, Code::fail);
    ASSERT_EQ(zone.asked.size(), 2u);
    EXPECT_LE(zone.asked[1].name.size(), 253u);
    EXPECT_TRUE(zone.asked[1].name.ends_with(".example.com"));
}

TEST_F(Rfc7208S7Eval, UppercaseMacroInQueryName) {
    zone.txt("example.com", {"v=spf1 exists:%{L}.u.example.com -all"});
    zone.a("a%2fb.u.example.com", {"127.0.0.2"});
    EXPECT_EQ(code("192.0.2.1", "a/b@example.com"), Code::pass);
}

}  // namespace
}  // namespace mailspec::spf
