// --targets and --shard: the host list, the retargeted suites, and shards that partition the
// (check, vantage) pairs exactly and keep a maillog check with the check it follows.

#include "runner/fleet.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "checks/maillog.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

Suite suite(const std::string& name, std::size_t checks, std::vector<std::string> from) {
    Suite s;
    s.name = name;
    Target t;
    t.name = "mx";
    t.host = "127.0.0.10";
    t.tls_name = "mail.lab.test";
    s.targets["mx"] = t;
    for (std::size_t i = 0; i < checks; ++i) {
        CheckSpec c;
        c.id = "c" + std::to_string(i);
        c.target = "mx";
        c.from = from;
        s.checks.push_back(c);
    }
    return s;
}

using Pair = std::tuple<std::string, std::string, std::string>;

std::set<Pair> pairs(const std::vector<Suite>& suites) {
    std::set<Pair> out;
    for (const auto& s : suites)
        for (const auto& c : s.checks)
            for (const auto& v : c.from)
                out.insert({s.name, c.id, v});
    return out;
}

TEST(Fleet, ShardsPartitionThePairs) {
    const std::vector<Suite> all = {suite("a", 7, {"inside", "outside"}), suite("b", 3, {"local"})};
    const auto everything = pairs(all);
    ASSERT_EQ(everything.size(), 17u);
    for (unsigned n : {1u, 2u, 4u, 5u, 17u, 40u}) {
        std::set<Pair> seen;
        std::size_t total = 0;
        for (unsigned i = 1; i <= n; ++i) {
            auto part = all;
            keep_shard(part, Shard{i, n});
            for (const auto& s : part)
                for (const auto& c : s.checks)
                    EXPECT_FALSE(c.from.empty()) << "a check without vantages is dropped";
            auto p = pairs(part);
            // Balanced: a shard holds the floor or the ceiling of the mean.
            EXPECT_LE(p.size(), (everything.size() + n - 1) / n);
            EXPECT_GE(p.size(), everything.size() / n);
            total += p.size();
            seen.insert(p.begin(), p.end());
        }
        EXPECT_EQ(total, everything.size()) << n << " shards overlap";
        EXPECT_EQ(seen, everything) << n << " shards miss pairs";
    }
    // Stable: the same inputs give the same slice.
    auto x = all, y = all;
    keep_shard(x, Shard{2, 4});
    keep_shard(y, Shard{2, 4});
    EXPECT_EQ(pairs(x), pairs(y));
}

TEST(Fleet, AShardKeepsAnAfterPairTogether) {
    // c1 (a maillog) follows c0: whatever N, c1 from a vantage runs where c0 from it runs.
    Suite s = suite("a", 4, {"inside", "outside"});
    auto m = std::make_shared<MaillogCheck>();
    m->after = {"c0", {}};
    s.checks[3].check = m;
    for (unsigned n : {2u, 3u, 4u, 8u}) {
        std::size_t total = 0;
        for (unsigned i = 1; i <= n; ++i) {
            std::vector<Suite> part = {s};
            keep_shard(part, Shard{i, n});
            auto p = pairs(part);
            total += p.size();
            for (const char* v : {"inside", "outside"})
                EXPECT_EQ(p.count({"a", "c3", v}), p.count({"a", "c0", v}))
                    << "shard " << i << "/" << n << " split c0 and its dependent from " << v;
        }
        EXPECT_EQ(total, 8u) << n << " shards must still partition the pairs";
    }
}

TEST(Fleet, ParseShard) {
    std::string why;
    auto s = parse_shard("2/4", nullptr, why);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->index, 2u);
    EXPECT_EQ(s->count, 4u);
    s = parse_shard("4", "3", why);  // Kubernetes: JOB_COMPLETION_INDEX is 0-based
    ASSERT_TRUE(s);
    EXPECT_EQ(s->index, 4u);
    for (const char* bad : {"0/4", "5/4", "1/0", "x/2", "2/", "/2", "", "1/2/3"})
        EXPECT_FALSE(parse_shard(bad, nullptr, why)) << bad;
    EXPECT_FALSE(parse_shard("4", nullptr, why));
    EXPECT_THAT(why, HasSubstr("JOB_COMPLETION_INDEX"));
    EXPECT_FALSE(parse_shard("4", "4", why));
    EXPECT_THAT(why, HasSubstr("not in 0..3"));
}

TEST(Fleet, RetargetNamesTheHost) {
    auto s = retarget(suite("mx-baseline", 1, {"outside"}), "mx2.example.org");
    EXPECT_EQ(s.name, "mx-baseline@mx2.example.org");
    EXPECT_EQ(s.targets.at("mx").host, "mx2.example.org");
    EXPECT_EQ(s.targets.at("mx").tls_name, "mx2.example.org");
}

TEST(Fleet, TargetsFile) {
    test::TempDir dir;
    auto hosts = read_targets_file(
        dir.write("t.txt", "# MX fleet\nmx1.example.org\n\n  192.0.2.7  # literal\n::1\n"));
    EXPECT_EQ(hosts, (std::vector<std::string>{"mx1.example.org", "192.0.2.7", "::1"}));
    try {
        read_targets_file(dir.write("bad.txt", "mx1.example.org\nmx2 example.org\n"));
        ADD_FAILURE() << "accepted a line with two words";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("bad.txt:2:"));
    }
    EXPECT_THROW(read_targets_file(dir.write("empty.txt", "# nothing\n")), std::runtime_error);
    EXPECT_THROW(read_targets_file(dir.path().string() + "/missing"), std::runtime_error);
}

TEST(Fleet, ValidHost) {
    for (const char* ok :
         {"mx1.example.org", "192.0.2.7", "::1", "2001:db8::25", "_srv.example", "a"})
        EXPECT_TRUE(valid_host(ok)) << ok;
    for (const char* bad :
         {"", "-oProxyCommand=x", ".example", "a..b", "a b", "a/b", "a;b", "[::1]", "h\xff"})
        EXPECT_FALSE(valid_host(bad)) << bad;
    EXPECT_FALSE(valid_host(std::string(254, 'a')));
}

}  // namespace
}  // namespace mailspec
