#pragma once
// `mailspec serve`: the multi-target exporter pattern of blackbox_exporter. GET
// /probe?suite=NAME&target=HOST[&vantage=V][&timeout=S] runs that suite against that host and
// answers OpenMetrics; /metrics is the exporter's own health. Probes are cached per (suite,
// target, vantage), identical probes in flight are shared, at most `concurrent_probes` run at
// once and all of them together hold at most `max_connections` connections (docs/serve.md).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "model/suite.hpp"
#include "transport/http_server.hpp"

namespace mailspec {

struct ExporterOptions {
    std::vector<Suite> suites;                // addressed by name
    std::chrono::milliseconds cache{60'000};  // how long a probe's answer is served again
    std::chrono::milliseconds default_timeout{30'000};
    std::chrono::milliseconds max_timeout{300'000};
    std::size_t max_connections = 32;  // over all probes at once
    unsigned concurrent_probes = 4;
    std::string dns;  // HOST:PORT for host names; empty = resolv.conf
    // `delivery` checks send real mail: every scrape would send one. Left out unless asked.
    bool with_delivery = false;
};

class Exporter {
  public:
    explicit Exporter(ExporterOptions o);

    // Blocking (runs the probe): call it from a worker thread, never from the server's loop.
    // The probe's timeout counts from `arrived`.
    transport::HttpResponse probe(
        const transport::HttpRequest& req,
        std::chrono::steady_clock::time_point arrived = std::chrono::steady_clock::now());
    // Cheap: the exporter's own counters.
    transport::HttpResponse self_metrics() const;

    unsigned concurrent_probes() const { return opt_.concurrent_probes; }

  private:
    struct Entry {
        bool running = false;
        std::chrono::steady_clock::time_point at{};
        std::string body;
    };
    using Key = std::tuple<std::string, std::string, std::string>;  // suite, target, vantage

    void prune(std::chrono::steady_clock::time_point now);  // under mu_
    std::string run_probe(const Suite& suite, const std::string& host, const std::string& vantage,
                          std::chrono::milliseconds timeout);

    ExporterOptions opt_;
    std::map<std::string, const Suite*> by_name_;
    mutable std::mutex mu_;
    std::condition_variable done_;
    std::map<Key, Entry> cache_;
    std::size_t probes_ = 0, cache_hits_ = 0, bad_requests_ = 0, in_flight_ = 0;
};

// The probe's timeout: `timeout` seconds from the query, else Prometheus'
// X-Prometheus-Scrape-Timeout-Seconds header, else the default; at most `max`; less half a
// second so that the answer is written before the scraper gives up. Nullopt for a bad value.
std::optional<std::chrono::milliseconds> probe_timeout(const std::string& query_value,
                                                       const std::string& header_value,
                                                       std::chrono::milliseconds fallback,
                                                       std::chrono::milliseconds max);

}  // namespace mailspec
