// mailspec serve: a Prometheus exporter (runner/exporter.hpp) behind a small HTTP server.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "model/duration.hpp"
#include "protocol/url_query.hpp"
#include "runner/command.hpp"
#include "runner/exit_codes.hpp"
#include "runner/exporter.hpp"
#include "runner/suite_set.hpp"
#include "transport/http_server.hpp"
#include "transport/load/sink_server.hpp"

namespace mailspec {

namespace asio = boost::asio;

namespace {

struct ServeCli {
    std::string listen = "127.0.0.1:9125";
    std::string suites_dir, vantages_file, cache = "60s", timeout = "30s", dns;
    std::size_t max_connections = 32;
    unsigned concurrent_probes = 4;
    bool with_delivery = false;
};

const char* kIndex = R"(<html><head><title>mailspec exporter</title></head><body>
<h1>mailspec exporter</h1>
<p><a href="/metrics">/metrics</a> (the exporter itself);
/probe?suite=NAME&amp;target=HOST[&amp;vantage=V][&amp;timeout=S] runs a suite.</p>
</body></html>
)";

int serve(const ServeCli& c) {
    auto ep = load::parse_listen_address(c.listen);
    if (!ep) {
        std::cerr << "mailspec serve: --listen: expected ADDRESS:PORT, e.g. 127.0.0.1:9125\n";
        return exit_code::usage;
    }
    auto cache = parse_duration(c.cache);
    auto timeout = parse_duration(c.timeout);
    if (!cache || !timeout || timeout->count() <= 0) {
        std::cerr << "mailspec serve: --cache and --timeout take durations like 60s\n";
        return exit_code::usage;
    }
    SuiteSetOptions so;
    so.vantages_file = c.vantages_file;
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(c.suites_dir, ec))
        if (f.is_regular_file() && f.path().extension() == ".yaml")
            so.files.push_back(f.path().string());
    if (ec || so.files.empty()) {
        std::cerr << "mailspec serve: --suites " << c.suites_dir << ": no *.yaml suites there"
                  << (ec ? " (" + ec.message() + ")" : "") << "\n";
        return exit_code::usage;
    }
    std::sort(so.files.begin(), so.files.end());
    auto suites = load_suites(so, std::cerr);
    if (!suites) return exit_code::usage;
    std::set<std::string> names;
    for (const auto& s : *suites)
        if (!names.insert(s.name).second) {
            std::cerr << "mailspec serve: two suites are named '" << s.name << "'\n";
            return exit_code::usage;
        }

    ExporterOptions eo;
    eo.suites = std::move(*suites);
    eo.cache = *cache;
    eo.default_timeout = *timeout;
    eo.max_connections = c.max_connections;
    eo.concurrent_probes = c.concurrent_probes;
    eo.dns = c.dns;
    eo.with_delivery = c.with_delivery;
    Exporter exporter(std::move(eo));

    asio::io_context io;
    asio::thread_pool probes(exporter.concurrent_probes());  // probes block: not on the loop
    auto handler = [&exporter,
                    &probes](transport::HttpRequest r) -> asio::awaitable<transport::HttpResponse> {
        const auto path = std::string(url::split_target(r.target).first);
        if (path == "/metrics") co_return exporter.self_metrics();
        if (path == "/") co_return transport::HttpResponse(200, "text/html; charset=utf-8", kIndex);
        if (path != "/probe")
            co_return transport::HttpResponse(404, "text/plain; charset=utf-8",
                                              "not found: /probe and /metrics\n");
        // The probe blocks, so it runs on the pool; a timer wakes this coroutine when it is
        // done (a coroutine lambda handed to co_spawn inside co_await trips g++ 12).
        auto ex = co_await asio::this_coro::executor;
        auto answer = std::make_shared<transport::HttpResponse>();
        auto ready =
            std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
        asio::post(probes, [&exporter, r = std::move(r), answer, ready,
                            arrived = std::chrono::steady_clock::now()] {
            *answer = exporter.probe(r, arrived);
            asio::post(ready->get_executor(), [ready] { ready->cancel(); });
        });
        boost::system::error_code ec;
        co_await ready->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_return std::move(*answer);
    };
    std::unique_ptr<transport::HttpServer> server;
    try {
        server = std::make_unique<transport::HttpServer>(io.get_executor(), *ep, handler);
    } catch (const std::exception& e) {
        std::cerr << "mailspec serve: cannot listen on " << c.listen << ": " << e.what() << "\n";
        return exit_code::usage;
    }
    server->start();
    std::cerr << "mailspec serve: listening on " << ep->address().to_string() << ":"
              << server->port() << " with " << names.size() << " suites\n";
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
        server->stop();
        io.stop();
    });
    io.run();
    probes.stop();
    probes.join();
    return exit_code::ok;
}

}  // namespace

void add_serve_command(CLI::App& app, Action& action) {
    auto c = std::make_shared<ServeCli>();
    auto* cmd = app.add_subcommand(
        "serve", "Prometheus exporter: GET /probe?suite=NAME&target=HOST runs a suite");
    cmd->add_option("--listen", c->listen, "ADDRESS:PORT to listen on (default 127.0.0.1:9125)");
    cmd->add_option("--suites", c->suites_dir, "Directory of *.yaml suites, addressed by name")
        ->required()
        ->check(CLI::ExistingDirectory);
    cmd->add_option("--vantages", c->vantages_file, "Vantages file merged into every suite")
        ->check(CLI::ExistingFile);
    cmd->add_option("--cache", c->cache,
                    "Serve a probe's answer again for this long (default 60s; 0s: never)");
    cmd->add_option("--timeout", c->timeout,
                    "A probe's timeout without timeout= or Prometheus' scrape timeout header "
                    "(default 30s)");
    cmd->add_option("--max-connections", c->max_connections,
                    "Connections at once over all probes (default 32)")
        ->check(CLI::Range(1, 10000));
    cmd->add_option("--concurrent-probes", c->concurrent_probes,
                    "Probes running at once; others wait (default 4)")
        ->check(CLI::Range(1, 256));
    cmd->add_option("--dns", c->dns, "DNS server (HOST:PORT) for target host names");
    cmd->add_flag("--with-delivery", c->with_delivery,
                  "Run delivery checks too: each probe then sends a real message");
    cmd->callback([c, &action] { action = [c] { return serve(*c); }; });
}

}  // namespace mailspec
