// mailspec-hostile: a DELIBERATELY MISBEHAVING SMTP server, for tests only. It serves the
// hostile scripts of hostile_server.hpp (endless lines, silence, resets, TLS garbage, ...) on
// loopback ports so the integration bench can point a whole `mailspec run` at them.
//
//   mailspec-hostile --scenario huge-line --scenario tls-garbage [--listen 127.0.0.1]
//
// prints one "NAME PORT" line per scenario, then "ready", and serves until SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>
#include <memory>
#include <vector>

#include "tests/hostile/hostile_server.hpp"

int main(int argc, char** argv) {
    namespace hostile = mailspec::testing::hostile;
    const auto all = hostile::scenarios();
    std::vector<std::string> names;
    std::string listen = "127.0.0.1";
    bool list = false;

    CLI::App app("mailspec-hostile: a deliberately misbehaving SMTP server for tests");
    app.add_option("--scenario", names, "scenario to serve (repeatable)");
    app.add_option("--listen", listen, "loopback address to listen on (ports are picked free)");
    app.add_flag("--list", list, "print the scenario names and exit");
    CLI11_PARSE(app, argc, argv);

    if (list) {
        for (const auto& [name, _] : all)
            std::cout << name << "\n";
        return 0;
    }
    if (names.empty()) {
        std::cerr << "mailspec-hostile: give at least one --scenario (--list shows them)\n";
        return 2;
    }
    boost::asio::io_context io;
    std::vector<std::unique_ptr<mailspec::testing::LoopbackServer>> servers;
    for (const auto& name : names) {
        auto it = all.find(name);
        if (it == all.end()) {
            std::cerr << "mailspec-hostile: unknown scenario '" << name
                      << "' (--list shows them)\n";
            return 2;
        }
        servers.push_back(
            std::make_unique<mailspec::testing::LoopbackServer>(io, it->second, listen.c_str()));
        std::cout << name << " " << servers.back()->port() << "\n";
    }
    std::cout << "ready" << std::endl;

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
        for (auto& s : servers)
            s->stop();
        io.stop();
    });
    io.run();
    for (auto& s : servers)
        for (const auto& e : s->errors)
            std::cerr << "mailspec-hostile: script error: " << e << "\n";
    return 0;
}
