// Query strings as Prometheus and browsers send them to `mailspec serve`.

#include "protocol/url_query.hpp"

#include <gtest/gtest.h>

namespace mailspec::url {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(UrlQuery, SplitsPathAndQuery) {
    EXPECT_EQ(split_target("/probe?suite=mx&target=a"),
              std::make_pair(std::string_view("/probe"), std::string_view("suite=mx&target=a")));
    EXPECT_EQ(split_target("/metrics"),
              std::make_pair(std::string_view("/metrics"), std::string_view()));
    EXPECT_EQ(split_target("/p?"), std::make_pair(std::string_view("/p"), std::string_view()));
}

TEST(UrlQuery, DecodesPercentAndPlusInOrder) {
    std::string why;
    auto p = parse_query("suite=mx-baseline&target=mx1.example.org&x=a%20b+c%2B&flag", why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(*p, (Pairs{{"suite", "mx-baseline"},
                         {"target", "mx1.example.org"},
                         {"x", "a b c+"},
                         {"flag", ""}}));
}

TEST(UrlQuery, EmptyPartsAreSkippedAndDuplicatesKept) {
    std::string why;
    auto p = parse_query("&&a=1&&a=2&", why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(*p, (Pairs{{"a", "1"}, {"a", "2"}}));
}

TEST(UrlQuery, RefusesBadEscapesAndNul) {
    for (const char* q : {"a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=1%"}) {
        std::string why;
        EXPECT_FALSE(parse_query(q, why)) << q;
        EXPECT_EQ(why, "bad percent escape in the query") << q;
    }
    std::string why;
    EXPECT_FALSE(parse_query("target=a%00b", why));
    EXPECT_EQ(why, "NUL in the query");
}

TEST(UrlQuery, EveryPrefixOfAQueryParsesOrFailsCleanly) {
    const std::string q = "suite=m%78&target=h%2Eexample+x&timeout=2.5";
    for (std::size_t n = 0; n <= q.size(); ++n) {
        std::string why;
        auto p = parse_query(std::string_view(q).substr(0, n), why);
        if (!p) EXPECT_FALSE(why.empty()) << n;
    }
}

}  // namespace
}  // namespace mailspec::url
