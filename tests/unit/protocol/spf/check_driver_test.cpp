// The driver of check.hpp with a resolver that answers later (as c-ares does): questions of one
// step are asked together, answers may arrive in any order, and the check completes once.
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "tests/unit/protocol/spf/memory_zone.hpp"

namespace mailspec::spf {
namespace {

// Holds each question until the test releases it, answering from a MemoryZone.
class DeferredResolver : public dns::Resolver {
  public:
    explicit DeferredResolver(test::MemoryZone& z) : zone_(z) {}
    void resolve(const dns::Question& q, Handler done) override {
        pending.push_back([this, q, done] { zone_.resolve(q, done); });
    }
    // Answers the questions asked so far, newest first; questions they lead to wait.
    void release_last_first() {
        auto batch = std::move(pending);
        pending.clear();
        while (!batch.empty()) {
            auto f = batch.back();
            batch.pop_back();
            f();
        }
    }
    std::deque<std::function<void()>> pending;

  private:
    test::MemoryZone& zone_;
};

TEST(SpfDriver, CompletesWithDeferredAnswersAndBatchesMxHosts) {
    test::MemoryZone zone;
    zone.txt("example.com", {"v=spf1 mx -all"});
    zone.mx("example.com", {"a.example.com", "b.example.com", "c.example.com"});
    zone.a("c.example.com", {"192.0.2.1"});
    DeferredResolver resolver(zone);
    Request req;
    req.ip = *dns::IpAddress::parse("192.0.2.1");
    req.sender = "u@example.com";
    std::optional<Result> got;
    int calls = 0;
    check_host_async(resolver, req, [&](Result r) {
        got = std::move(r);
        ++calls;
    });
    std::size_t max_batch = 0;
    while (!resolver.pending.empty()) {
        max_batch = std::max(max_batch, resolver.pending.size());
        resolver.release_last_first();
    }
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(got->code, Code::pass);
    EXPECT_EQ(got->queries, 5u);
    EXPECT_EQ(max_batch, 3u);  // the three MX hosts were asked together
}

TEST(SpfDriver, SynchronousFormRefusesAResolverThatAnswersLater) {
    test::MemoryZone zone;
    zone.txt("example.com", {"v=spf1 -all"});
    DeferredResolver resolver(zone);
    Request req;
    req.ip = *dns::IpAddress::parse("192.0.2.1");
    req.sender = "u@example.com";
    auto r = check_host(resolver, req);
    EXPECT_EQ(r.code, Code::temperror);
    resolver.release_last_first();  // a late answer lands in live memory, harmlessly
}

TEST(SpfDriver, EachQuestionIsAskedOnce) {
    test::MemoryZone zone;
    zone.txt("example.com", {"v=spf1 a a a include:inc.example.com -all"});
    zone.txt("inc.example.com", {"v=spf1 a:example.com -all"});
    zone.a("example.com", {"198.51.100.1"});
    Request req;
    req.ip = *dns::IpAddress::parse("192.0.2.1");
    req.sender = "u@example.com";
    auto r = check_host(zone, req);
    EXPECT_EQ(r.code, Code::fail);
    EXPECT_EQ(zone.count("example.com", dns::RrType::a), 1u);
    EXPECT_EQ(r.dns_terms, 5u);
    EXPECT_EQ(r.lookups.size(), 6u);  // the trace shows every use, the cache one query each
}

}  // namespace
}  // namespace mailspec::spf
