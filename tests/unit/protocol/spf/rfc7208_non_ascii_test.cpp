// The non-ASCII cases of the RFC 7208 test suite (openspf.org release 2014.04, rfc7208-tests.yml
// as kept by pyspf, section "Initial processing"): zone data and expected results as there.
// SPF records are 7-bit ASCII (§3.1/1, §4.6.1 ABNF), so a non-ASCII octet in a mechanism is a
// syntax error, permerror; a TXT record that is not an SPF record is none of SPF's business
// whatever it holds (§4.5/1). Plus the explanation case (§6.2): an exp text that is not ASCII
// is a syntax error in the explain-string, so the default explanation is used.
#include <gtest/gtest.h>

#include "tests/unit/protocol/spf/memory_zone.hpp"

namespace mailspec::spf {
namespace {

using dns::RrType;
using dns::Status;

class Rfc7208NonAscii : public ::testing::Test, public test::SpfCheck {
  protected:
    // The section's zonedata ("SPF:" entries are served as TXT, as the suite's drivers do).
    void SetUp() override {
        zone.fail("example.com", RrType::txt, Status::timeout);
        zone.txt("example.net", {"v=spf1 -all exp=exp.example.net"});
        zone.txt("a.example.net", {"v=spf1 -all exp=exp.example.net"});
        zone.txt("exp.example.net", {"%{l}"});
        zone.txt("hosed.example.com", {"v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all"});
        zone.txt("hosed2.example.com", {"v=spf1 \x80"
                                        "a:example.net -all"});
        zone.txt("hosed3.example.com", {"v=spf1 a:example.net \x96"
                                        "all"});
        zone.txt("nothosed.example.com", {"v=spf1 a:example.net -all", "\x96"});
    }
};

// non-ascii-policy (3.1/1)
TEST_F(Rfc7208NonAscii, NonAsciiPolicyIsPermerror) {
    EXPECT_EQ(code("1.2.3.4", "foobar@hosed.example.com", "hosed"), Code::permerror);
}

// non-ascii-mech (3.1/1)
TEST_F(Rfc7208NonAscii, NonAsciiMechanismIsPermerror) {
    auto r = run("1.2.3.4", "foobar@hosed2.example.com", "hosed");
    EXPECT_EQ(r.code, Code::permerror);
    EXPECT_EQ(r.record,
              "v=spf1 \x80"
              "a:example.net -all");
    EXPECT_NE(r.reason.find("\x80"), std::string::npos) << "the reason quotes the term";
}

// non-ascii-result (3.1/1)
TEST_F(Rfc7208NonAscii, NonAsciiBeforeAllIsPermerror) {
    EXPECT_EQ(code("1.2.3.4", "foobar@hosed3.example.com", "hosed"), Code::permerror);
}

// non-ascii-non-spf (4.5/1): the second TXT is not an SPF record and is ignored; a:example.net
// does not match (example.net has no A record), -all fails with the default explanation.
TEST_F(Rfc7208NonAscii, NonAsciiInANonSpfRecordIsIgnored) {
    auto r = run("1.2.3.4", "foobar@nothosed.example.com", "hosed");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(r.record, "v=spf1 a:example.net -all");
    EXPECT_NE(r.explanation.find("is not allowed to send mail for nothosed.example.com"),
              std::string::npos)
        << r.explanation;
}

// §6.2: an explanation that is not ASCII is a syntax error: the default explanation is used.
TEST_F(Rfc7208NonAscii, NonAsciiExplanationFallsBackToTheDefault) {
    zone.txt("exp-hosed.example.org", {"v=spf1 -all exp=why.example.org"});
    zone.txt("why.example.org", {"caf\xc3\xa9 \x96 denied"});
    auto r = run("1.2.3.4", "foobar@exp-hosed.example.org", "hosed");
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_NE(r.explanation.find("is not allowed"), std::string::npos) << r.explanation;
}

}  // namespace
}  // namespace mailspec::spf
