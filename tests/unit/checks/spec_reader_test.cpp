#include "checks/spec_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/expectation.hpp"
#include "model/duration.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

EnvLookup fake_env() {
    return [](const std::string& n) -> std::optional<std::string> {
        if (n == "HOST") return "mx.example";
        if (n == "EMPTY") return "";
        return std::nullopt;
    };
}

TEST(ExpandVariables, Substitutes) {
    std::string why;
    EXPECT_EQ(expand_variables("${HOST}:25", fake_env(), why), "mx.example:25");
    EXPECT_EQ(expand_variables("${MISSING:-127.0.0.1}", fake_env(), why), "127.0.0.1");
    EXPECT_EQ(expand_variables("${EMPTY:-fallback}", fake_env(), why), "fallback");  // as in sh
    EXPECT_EQ(expand_variables("cost $$5 and $x", fake_env(), why), "cost $5 and $x");
}

TEST(ExpandVariables, RefusesUndefinedAndMalformed) {
    std::string why;
    EXPECT_EQ(expand_variables("${MISSING}", fake_env(), why), std::nullopt);
    EXPECT_THAT(why, HasSubstr("MISSING is not set"));
    EXPECT_EQ(expand_variables("${HOST", fake_env(), why), std::nullopt);
    EXPECT_THAT(why, HasSubstr("unterminated"));
    EXPECT_EQ(expand_variables("${A B}", fake_env(), why), std::nullopt);
}

TEST(Duration, ParsesUnits) {
    EXPECT_EQ(parse_duration("500ms"), Millis(500));
    EXPECT_EQ(parse_duration("10s"), Millis(10000));
    EXPECT_EQ(parse_duration("2m"), Millis(120000));
    EXPECT_EQ(parse_duration("1m30s"), Millis(90000));
    EXPECT_EQ(parse_duration("10"), std::nullopt);
    EXPECT_EQ(parse_duration("s"), std::nullopt);
    EXPECT_EQ(parse_duration("5 s"), std::nullopt);
    EXPECT_EQ(parse_duration("99999999999999999999h"), std::nullopt);
    EXPECT_EQ(format_duration(Millis(90000)), "90s");
    EXPECT_EQ(format_duration(Millis(1500)), "1500ms");
}

TEST(ReplyExpectation, CodesAndEnhancedCodesWithWildcards) {
    EXPECT_TRUE(code_matches("550", 550));
    EXPECT_TRUE(code_matches("5xx", 554));
    EXPECT_TRUE(code_matches("55x", 553));
    EXPECT_FALSE(code_matches("5xx", 450));
    EXPECT_TRUE(enhanced_matches("5.7.1", "5.7.1"));
    EXPECT_TRUE(enhanced_matches("5.7.x", "5.7.23"));
    EXPECT_FALSE(enhanced_matches("5.7.x", "5.1.1"));
    EXPECT_FALSE(enhanced_matches("5.7.1", ""));
}

TEST(ReplyExpectation, MatchesAllGivenParts) {
    ReplyExpectation e;
    e.codes = {"550", "553"};
    e.enhanced = "5.1.x";
    e.matches.emplace("no mailbox", std::regex::icase);
    e.pattern = "no mailbox";
    EXPECT_TRUE(e.match(550, "5.1.1", "sorry, NO MAILBOX here by that name"));
    EXPECT_FALSE(e.match(550, "5.7.1", "no mailbox"));
    EXPECT_FALSE(e.match(554, "5.1.1", "no mailbox"));
    EXPECT_EQ(e.describe(), "550|553 5.1.x /no mailbox/");
}

TEST(Fields, SecretsAreNeverInline) {
    Diagnostics d;
    SpecReader r("f.yaml", d, fake_env());
    auto doc = yaml::parse("{ user: alice, password: hunter2 }").doc;
    Fields f(r, doc->root(), "auth");
    f.str("user");
    EXPECT_EQ(f.secret(), std::nullopt);
    f.done();
    ASSERT_EQ(d.size(), 1u);
    EXPECT_THAT(d[0].message, HasSubstr("use password_env"));
    EXPECT_THAT(d[0].message, ::testing::Not(HasSubstr("hunter2")));
}

// Maps of more than a handful of keys take another path for duplicates: both must agree.
TEST(Fields, DuplicateAndUnknownKeysInSmallAndBigMaps) {
    for (int extra : {0, 30}) {
        std::string text = "{ k: 1, port: 2, ";
        for (int i = 0; i < extra; ++i)
            text += "x" + std::to_string(i) + ": 0, ";
        text += "prot: 3, k: 4 }";
        Diagnostics d;
        SpecReader r("f.yaml", d, fake_env());
        auto doc = yaml::parse(text).doc;
        Fields f(r, doc->root(), "m");
        ASSERT_EQ(d.size(), 1u) << extra;
        EXPECT_EQ(d[0].message, "duplicate key 'k' in m");
        EXPECT_EQ(d[0].where.column, static_cast<int>(text.size() - 5));
        EXPECT_TRUE(f.has("port"));
        EXPECT_EQ(f.str("k"), "1");  // the first of the duplicates
        f.require("port");
        for (int i = 0; i < extra; ++i)
            f.take("x" + std::to_string(i));
        f.done();
        ASSERT_EQ(d.size(), 2u) << extra;
        EXPECT_EQ(d[1].message, "unknown key 'prot' in m (did you mean 'port'?)");
    }
}

TEST(Fields, SecretFromFileIsRelativeToTheSuite) {
    Diagnostics d;
    SpecReader r("suites/a.yaml", d, fake_env());
    auto doc = yaml::parse("{ password_file: ../lab/pw }").doc;
    Fields f(r, doc->root(), "auth");
    auto s = f.secret();
    f.done();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->source, SecretRef::Source::file);
    EXPECT_EQ(s->name, "lab/pw");
    EXPECT_TRUE(d.empty());
}

}  // namespace
}  // namespace mailspec

namespace mailspec {
namespace {

TEST(ReplyExpectation, AHugeHostileReplyCannotExhaustTheStack) {
    ReplyExpectation e;
    e.matches.emplace("(a|b)*c", std::regex::icase);
    e.pattern = "(a|b)*c";
    std::string reply(1 << 20, 'a');  // 1 MiB: unbounded, libstdc++'s regex would recurse per octet
    EXPECT_FALSE(e.match(250, "", reply));
    reply[100] = 'c';
    EXPECT_TRUE(e.match(250, "", reply));  // within the searched head
}

}  // namespace
}  // namespace mailspec
