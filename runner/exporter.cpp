#include "runner/exporter.hpp"

#include <fmt/format.h>

#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <cmath>

#include "protocol/url_query.hpp"
#include "reporters/openmetrics.hpp"
#include "runner/connectors.hpp"
#include "runner/fleet.hpp"
#include "runner/scheduler.hpp"
#include "version.hpp"

namespace mailspec {

namespace {

using Clock = std::chrono::steady_clock;
using transport::HttpResponse;

HttpResponse text(int status, const std::string& body) {
    return HttpResponse(status, "text/plain; charset=utf-8", body + "\n");
}

struct Collect final : Reporter {
    std::vector<Result> results;
    void result(const Result& r) override { results.push_back(r); }
};

std::string names_of(const std::map<std::string, const Suite*>& m) {
    std::string out;
    for (const auto& [name, _] : m)
        out += (out.empty() ? "" : ", ") + name;
    return out;
}

}  // namespace

std::optional<std::chrono::milliseconds> probe_timeout(const std::string& query_value,
                                                       const std::string& header_value,
                                                       std::chrono::milliseconds fallback,
                                                       std::chrono::milliseconds max) {
    const std::string& v = !query_value.empty() ? query_value : header_value;
    if (v.empty()) return std::min(fallback, max);
    double seconds = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(seconds) || seconds <= 0)
        return std::nullopt;
    auto ms = std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
    ms = std::min(ms, max) - std::chrono::milliseconds(500);  // answer before the scraper quits
    return std::max(ms, std::chrono::milliseconds(500));
}

Exporter::Exporter(ExporterOptions o) : opt_(std::move(o)) {
    for (const auto& s : opt_.suites)
        by_name_[s.name] = &s;
    opt_.concurrent_probes = std::max(1u, opt_.concurrent_probes);
}

HttpResponse Exporter::probe(const transport::HttpRequest& req, Clock::time_point arrived) {
    auto bad = [this](const std::string& why) {
        std::lock_guard lock(mu_);
        ++bad_requests_;
        return text(400, "bad request: " + why);
    };
    const auto [path, query] = url::split_target(req.target);
    std::string why;
    auto params = url::parse_query(query, why);
    if (!params) return bad(why);
    std::map<std::string, std::string> p;
    for (auto& [k, v] : *params) {
        if (k != "suite" && k != "target" && k != "vantage" && k != "timeout")
            return bad("unknown parameter '" + k + "' (suite, target, vantage, timeout)");
        if (!p.emplace(k, v).second) return bad("parameter '" + k + "' given twice");
    }
    if (p["suite"].empty()) return bad("missing 'suite' (one of: " + names_of(by_name_) + ")");
    auto it = by_name_.find(p["suite"]);
    if (it == by_name_.end())
        return bad("unknown suite '" + p["suite"] + "' (one of: " + names_of(by_name_) + ")");
    const Suite& suite = *it->second;
    const std::string& host = p["target"];
    if (host.empty()) return bad("missing 'target' (the host to probe)");
    if (!valid_host(host)) return bad("target '" + host + "' is not a host name or IP address");
    const std::string& vantage = p["vantage"];
    if (!vantage.empty()) {
        bool used = false;
        std::string all;
        for (const auto& c : suite.checks)
            for (const auto& v : c.from) {
                used = used || v == vantage;
                if (all.find(v) == std::string::npos) all += (all.empty() ? "" : ", ") + v;
            }
        if (!used)
            return bad("suite '" + suite.name + "' runs nothing from vantage '" + vantage +
                       "' (its vantages: " + all + ")");
    }
    const auto header = req.headers.find("x-prometheus-scrape-timeout-seconds");
    auto timeout = probe_timeout(p["timeout"], header == req.headers.end() ? "" : header->second,
                                 opt_.default_timeout, opt_.max_timeout);
    if (!timeout) return bad("timeout must be a positive number of seconds");

    const Key key{suite.name, host, vantage};
    // The timeout counts from the request's arrival: time spent queued for a free probe slot
    // is part of it.
    const auto give_up = arrived + *timeout;
    std::unique_lock lock(mu_);
    prune(Clock::now());
    // An identical probe under way: share its answer. Looked up again after every wait, as
    // prune() may have dropped the entry meanwhile (a running entry is never dropped).
    auto running = [&] {
        auto it = cache_.find(key);
        return it != cache_.end() && it->second.running;
    };
    while (running()) {
        if (done_.wait_until(lock, give_up) == std::cv_status::timeout && running())
            return text(503, "an identical probe is still running");
    }
    Entry& e = cache_[key];
    if (e.at != Clock::time_point{} && Clock::now() - e.at < opt_.cache) {
        ++cache_hits_;
        return HttpResponse(200, reports::kOpenMetricsContentType, e.body);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - Clock::now());
    if (left < std::chrono::milliseconds(100))
        return text(503, "no probe slot became free within the timeout");
    e.running = true;
    ++in_flight_;
    lock.unlock();
    std::string body;
    std::string failure;
    try {
        body = run_probe(suite, host, vantage, left);
    } catch (const std::exception& ex) {
        failure = ex.what();
    }
    lock.lock();
    e.running = false;
    --in_flight_;
    ++probes_;
    if (failure.empty()) {
        e.at = Clock::now();
        e.body = body;
    }
    done_.notify_all();
    if (!failure.empty()) return text(500, "probe failed: " + failure);
    return HttpResponse(200, reports::kOpenMetricsContentType, body);
}

void Exporter::prune(std::chrono::steady_clock::time_point now) {
    // Stale answers go, or a scraper asking for ever new targets would grow the cache forever.
    for (auto it = cache_.begin(); it != cache_.end();) {
        const Entry& e = it->second;
        if (!e.running && now - e.at >= opt_.cache)
            it = cache_.erase(it);
        else
            ++it;
    }
}

std::string Exporter::run_probe(const Suite& suite, const std::string& host,
                                const std::string& vantage, std::chrono::milliseconds timeout) {
    Suite s = retarget(suite, host);
    s.name = suite.name;  // the host is a label of its own
    std::vector<CheckSpec> kept;
    for (auto& c : s.checks) {
        if (c.kind == "delivery" && !opt_.with_delivery) continue;
        if (!vantage.empty()) {
            if (std::find(c.from.begin(), c.from.end(), vantage) == c.from.end()) continue;
            c.from = {vantage};
        }
        c.timeout = std::min(c.timeout, timeout);  // no check outlives the scrape
        kept.push_back(std::move(c));
    }
    s.checks = std::move(kept);

    boost::asio::io_context io;
    Collect collect;
    SchedulerOptions so;
    // The global budget shared by the probes that may run at once.
    so.max_parallel = std::max<std::size_t>(1, opt_.max_connections / opt_.concurrent_probes);
    so.grace = std::chrono::milliseconds(200);
    connect_for_real(so, io, opt_.dns);
    Scheduler scheduler(io, collect, so);
    boost::asio::steady_timer deadline(scheduler.executor(),
                                       timeout + std::chrono::milliseconds(250));
    deadline.async_wait([&scheduler](boost::system::error_code ec) {
        if (!ec) scheduler.interrupt();
    });
    const auto t0 = Clock::now();
    const std::vector<Suite> one{std::move(s)};
    RunSummary summary = scheduler.run(one);
    deadline.cancel();
    reports::ProbeMetrics m;
    m.suite = suite.name;
    m.target = host;
    m.results = std::move(collect.results);
    m.duration = Clock::now() - t0;
    m.incomplete = summary.incomplete;
    return reports::render_openmetrics(m);
}

HttpResponse Exporter::self_metrics() const {
    std::lock_guard lock(mu_);
    std::string out;
    out += "# TYPE mailspec_exporter_build_info gauge\n";
    out += fmt::format("mailspec_exporter_build_info{{version=\"{}\"}} 1\n", kVersion);
    out += "# TYPE mailspec_exporter_probes counter\n";
    out += "# HELP mailspec_exporter_probes Probes run (cache hits not counted).\n";
    out += fmt::format("mailspec_exporter_probes_total {}\n", probes_);
    out += "# TYPE mailspec_exporter_cache_hits counter\n";
    out += fmt::format("mailspec_exporter_cache_hits_total {}\n", cache_hits_);
    out += "# TYPE mailspec_exporter_bad_requests counter\n";
    out += fmt::format("mailspec_exporter_bad_requests_total {}\n", bad_requests_);
    out += "# TYPE mailspec_exporter_probes_in_flight gauge\n";
    out += fmt::format("mailspec_exporter_probes_in_flight {}\n", in_flight_);
    out += "# TYPE mailspec_exporter_cached_answers gauge\n";
    out += fmt::format("mailspec_exporter_cached_answers {}\n", cache_.size());
    out += "# TYPE mailspec_exporter_suites gauge\n";
    out += fmt::format("mailspec_exporter_suites {}\n", by_name_.size());
    out += "# EOF\n";
    return HttpResponse(200, reports::kOpenMetricsContentType, out);
}

}  // namespace mailspec
