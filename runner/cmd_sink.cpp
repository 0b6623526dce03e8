// mailspec sink: a discard SMTP server for measuring senders and relays.

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "model/duration.hpp"
#include "reporters/json_bytes.hpp"
#include "runner/cmd_load.hpp"
#include "runner/exit_codes.hpp"
#include "transport/load/sink_server.hpp"

namespace mailspec {

namespace asio = boost::asio;

namespace {

struct SinkCli {
    std::string listen = "127.0.0.1:2525", duration, hostname = "sink.mailspec.test";
    std::string cert, key;
    bool tls_on_connect = false;
    std::uint64_t messages = 0;
    unsigned threads = 1;
    bool json = false;
};

int run_sink(const SinkCli& c) {
    load::SinkOptions o;
    auto ep = load::parse_listen_address(c.listen);
    if (!ep) {
        std::cerr << "mailspec sink: --listen: expected ADDRESS:PORT, e.g. 127.0.0.1:2525\n";
        return exit_code::usage;
    }
    o.listen = *ep;
    o.hostname = c.hostname;
    o.cert_file = c.cert;
    o.tls_on_connect = c.tls_on_connect;
    o.key_file = c.key;
    o.max_messages = c.messages;
    std::optional<Millis> duration;
    if (!c.duration.empty() && !(duration = parse_duration(c.duration))) {
        std::cerr << "mailspec sink: --duration: not a duration (e.g. 30s, 2m)\n";
        return exit_code::usage;
    }

    asio::io_context io(static_cast<int>(c.threads));
    std::unique_ptr<load::SinkServer> server;
    try {
        server = std::make_unique<load::SinkServer>(io.get_executor(), o);
    } catch (const std::exception& e) {
        std::cerr << "mailspec sink: " << c.listen << ": " << e.what() << "\n";
        return exit_code::usage;
    }
    auto started = std::chrono::steady_clock::now();
    // Signals, the timer and stopping run on one strand: --messages may trigger from any thread.
    auto control = asio::make_strand(io);
    asio::signal_set signals(control, SIGINT, SIGTERM);
    asio::steady_timer timer(control);
    std::function<void()> stop = [&] {
        asio::dispatch(control, [&] {
            server->stop();
            signals.cancel();
            timer.cancel();
        });
    };
    signals.async_wait([&](boost::system::error_code e, int) {
        if (!e) stop();
    });
    if (duration) {
        timer.expires_after(*duration);
        timer.async_wait([&](boost::system::error_code e) {
            if (!e) stop();
        });
    }
    server->start(stop);
    auto at = server->local_endpoint();
    std::cerr << "mailspec sink: listening on "
              << (at.address().is_v6() ? "[" + at.address().to_string() + "]"
                                       : at.address().to_string())
              << ":" << at.port() << std::endl;
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < c.threads; ++i)
        helpers.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : helpers)
        t.join();

    auto n = server->counts();
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    if (c.json) {
        nlohmann::json j = {{"connections", n.connections},
                            {"messages", n.messages},
                            {"recipients", n.recipients},
                            {"bytes", n.bytes},
                            {"tls", n.tls},
                            {"elapsed_s", elapsed.count()}};
        std::cout << reports::dump_json(j, 2) << "\n";
    } else {
        std::cout << fmt::format(
            "{} messages ({} recipients, {} octets) over {} connections ({} with TLS) in {:.2f} "
            "s\n",
            n.messages, n.recipients, n.bytes, n.connections, n.tls, elapsed.count());
    }
    return exit_code::ok;
}

}  // namespace

void add_sink_command(CLI::App& app, std::function<int()>& action) {
    auto c = std::make_shared<SinkCli>();
    auto* cmd = app.add_subcommand(
        "sink", "Accept and discard SMTP mail, counting it (a test server for load and relays)");
    cmd->add_option("--listen", c->listen, "ADDRESS:PORT to listen on (default 127.0.0.1:2525)");
    cmd->add_option("--hostname", c->hostname, "Name in the greeting and EHLO reply");
    auto* cert = cmd->add_option("--cert", c->cert, "Certificate chain (PEM): offer STARTTLS")
                     ->check(CLI::ExistingFile);
    auto* key =
        cmd->add_option("--key", c->key, "Private key (PEM) for --cert")->check(CLI::ExistingFile);
    cert->needs(key);
    key->needs(cert);
    cmd->add_flag("--tls-on-connect", c->tls_on_connect,
                  "Implicit TLS from the first byte (SMTPS, port 465) instead of STARTTLS")
        ->needs(cert);
    cmd->add_option("--duration", c->duration, "Stop after this long (30s, 2m)");
    cmd->add_option("--messages", c->messages, "Stop after this many messages");
    cmd->add_option("--threads", c->threads,
                    "Threads serving connections (default 1; more for many TLS handshakes)")
        ->check(CLI::Range(1, 256));
    cmd->add_flag("--json", c->json, "Print the counts as JSON");
    cmd->callback([c, &action] { action = [c] { return run_sink(*c); }; });
}

}  // namespace mailspec
