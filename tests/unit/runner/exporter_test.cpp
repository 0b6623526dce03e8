// `mailspec serve`'s /probe: parameters refused with a reason, the timeout rules, the cache.
// Probes here run suites whose only check is a `delivery` one, which the exporter leaves out
// (no mail per scrape), so nothing touches the network.

#include "runner/exporter.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mailspec {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

Suite suite(const std::string& name) {
    Suite s;
    s.name = name;
    Target t;
    t.name = "mx";
    t.host = "127.0.0.10";
    s.targets["mx"] = t;
    CheckSpec c;
    c.id = "delivered";
    c.kind = "delivery";
    c.target = "mx";
    c.from = {"outside"};
    s.checks.push_back(c);
    return s;
}

Exporter exporter(std::chrono::milliseconds cache = 60s) {
    ExporterOptions o;
    o.suites = {suite("mx-baseline"), suite("submission")};
    o.cache = cache;
    return Exporter(std::move(o));
}

transport::HttpRequest get(std::string target) {
    transport::HttpRequest r;
    r.method = "GET";
    r.target = std::move(target);
    return r;
}

TEST(Exporter, BadParametersGet400WithAReason) {
    Exporter e = exporter();
    const std::pair<const char*, const char*> cases[] = {
        {"/probe", "missing 'suite' (one of: mx-baseline, submission)"},
        {"/probe?suite=nope&target=a", "unknown suite 'nope'"},
        {"/probe?suite=mx-baseline", "missing 'target'"},
        {"/probe?suite=mx-baseline&target=-bad-", "is not a host name or IP address"},
        {"/probe?suite=mx-baseline&target=a&suite=submission", "'suite' given twice"},
        {"/probe?suite=mx-baseline&target=a&module=x", "unknown parameter 'module'"},
        {"/probe?suite=mx-baseline&target=a&vantage=inside",
         "runs nothing from vantage 'inside' (its vantages: outside)"},
        {"/probe?suite=mx-baseline&target=a&timeout=-1", "timeout must be a positive number"},
        {"/probe?suite=mx-baseline&target=a&timeout=abc", "timeout must be a positive number"},
        {"/probe?suite=mx%zz", "bad percent escape"},
    };
    for (const auto& [target, why] : cases) {
        auto r = e.probe(get(target));
        EXPECT_EQ(r.status, 400) << target;
        EXPECT_THAT(r.body, HasSubstr(why)) << target;
    }
    EXPECT_THAT(e.self_metrics().body, HasSubstr("mailspec_exporter_bad_requests_total " +
                                                 std::to_string(std::size(cases)) + "\n"));
}

TEST(Exporter, AnswersAreCachedPerSuiteTargetAndVantage) {
    Exporter e = exporter();
    auto first = e.probe(get("/probe?suite=mx-baseline&target=mx1.example.org"));
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_THAT(first.content_type, HasSubstr("application/openmetrics-text"));
    EXPECT_THAT(
        first.body,
        HasSubstr("mailspec_probe_success{suite=\"mx-baseline\",target=\"mx1.example.org\"} 1"));
    auto again = e.probe(get("/probe?suite=mx-baseline&target=mx1.example.org"));
    EXPECT_EQ(again.body, first.body);
    e.probe(get("/probe?suite=mx-baseline&target=mx2.example.org"));
    e.probe(get("/probe?suite=mx-baseline&target=mx1.example.org&vantage=outside"));
    const std::string m = e.self_metrics().body;
    EXPECT_THAT(m, HasSubstr("mailspec_exporter_probes_total 3\n"));
    EXPECT_THAT(m, HasSubstr("mailspec_exporter_cache_hits_total 1\n"));
    EXPECT_THAT(m, HasSubstr("mailspec_exporter_cached_answers 3\n"));
}

TEST(Exporter, StaleAnswersAreDroppedNotKeptForever) {
    Exporter e = exporter(0ms);
    for (int i = 0; i < 50; ++i)
        ASSERT_EQ(e.probe(get("/probe?suite=mx-baseline&target=h" + std::to_string(i))).status,
                  200);
    const std::string m = e.self_metrics().body;
    EXPECT_THAT(m, HasSubstr("mailspec_exporter_probes_total 50\n"));
    EXPECT_THAT(m, HasSubstr("mailspec_exporter_cache_hits_total 0\n"));
    EXPECT_THAT(m, HasSubstr("mailspec_exporter_cached_answers 1\n"));
}

TEST(Exporter, TimeSpentQueuedCountsAgainstTheTimeout) {
    Exporter e = exporter();
    auto r = e.probe(get("/probe?suite=mx-baseline&target=a&timeout=2"),
                     std::chrono::steady_clock::now() - 5s);
    EXPECT_EQ(r.status, 503);
    EXPECT_THAT(r.body, HasSubstr("no probe slot became free within the timeout"));
}

TEST(ProbeTimeout, QueryThenScrapeHeaderThenDefaultCappedAndLessHalfASecond) {
    EXPECT_EQ(probe_timeout("", "", 30s, 300s), 30s);
    EXPECT_EQ(probe_timeout("", "", 30s, 10s), 10s);
    EXPECT_EQ(probe_timeout("", "15", 30s, 300s), 14500ms);
    EXPECT_EQ(probe_timeout("4.5", "15", 30s, 300s), 4000ms);
    EXPECT_EQ(probe_timeout("1000", "", 30s, 300s), 299500ms);
    EXPECT_EQ(probe_timeout("0.6", "", 30s, 300s), 500ms);  // never below half a second
    for (const char* bad : {"0", "-3", "x", "1s", "nan", "inf", " 5"})
        EXPECT_FALSE(probe_timeout(bad, "", 30s, 300s)) << bad;
    EXPECT_FALSE(probe_timeout("", "soon", 30s, 300s));
}

}  // namespace
}  // namespace mailspec
