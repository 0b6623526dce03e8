#include "checks/capabilities.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mailspec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

smtp::Capabilities caps(std::vector<std::string> lines) {
    smtp::Reply r;
    r.code = 250;
    r.lines = std::move(lines);
    for (const auto& l : r.lines)
        r.raw.push_back("250-" + l);
    return smtp::Capabilities::parse(r);
}

TEST(CapabilityProblems, HasAndLacksWithParameters) {
    auto c = caps({"mx.example", "PIPELINING", "SIZE 10240000", "AUTH PLAIN LOGIN", "STARTTLS"});
    CapabilityRules rules;
    rules.has = {"STARTTLS", "AUTH PLAIN", "pipelining"};
    rules.lacks = {"VRFY", "AUTH CRAM-MD5"};
    EXPECT_THAT(capability_problems(rules, c), IsEmpty());
    rules.has = {"AUTH CRAM-MD5", "CHUNKING"};
    rules.lacks = {"AUTH", "AUTH LOGIN"};
    EXPECT_THAT(capability_problems(rules, c), ElementsAre("lacks AUTH CRAM-MD5", "lacks CHUNKING",
                                                           "offers AUTH", "offers AUTH LOGIN"));
}

TEST(CapabilityProblems, PreStandardAuthEqualsCountsAsAuth) {
    auto c = caps({"mx.example", "AUTH=LOGIN"});
    CapabilityRules rules;
    rules.lacks = {"AUTH"};
    EXPECT_THAT(capability_problems(rules, c), ElementsAre("offers AUTH"));
}

TEST(CapabilityProblems, SizeBounds) {
    CapabilityRules rules;
    rules.size_min = 1048576;
    EXPECT_THAT(capability_problems(rules, caps({"mx", "SIZE 1000"})),
                ElementsAre("SIZE 1000 < 1048576"));
    EXPECT_THAT(capability_problems(rules, caps({"mx", "SIZE 0"})), IsEmpty());  // 0 = no limit
    EXPECT_THAT(capability_problems(rules, caps({"mx"})), ElementsAre("no SIZE limit advertised"));
    rules.size_min.reset();
    rules.size_max = 1000;
    EXPECT_THAT(capability_problems(rules, caps({"mx", "SIZE 0"})), ElementsAre("SIZE 0 > 1000"));
}

TEST(CapabilityProblems, Describes) {
    CapabilityRules rules;
    rules.has = {"STARTTLS"};
    rules.lacks = {"AUTH"};
    rules.size_min = 10;
    EXPECT_EQ(describe_rules(rules), "has STARTTLS; lacks AUTH; SIZE >= 10");
    EXPECT_EQ(describe_capabilities(caps({"mx", "PIPELINING", "SIZE 5"})), "PIPELINING, SIZE 5");
}

}  // namespace
}  // namespace mailspec
