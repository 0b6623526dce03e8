// mailspec load: drive N concurrent SMTP sessions at a server and report rates and latencies.

#include "runner/cmd_load.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "model/duration.hpp"
#include "reporters/json_bytes.hpp"
#include "runner/exit_codes.hpp"
#include "transport/load/load_generator.hpp"

namespace mailspec {

namespace asio = boost::asio;

namespace {

struct LoadCli {
    load::LoadOptions o;
    std::string duration, timeout = "30s";
    std::string password_env, password_file;
    bool json = false, quiet = false;
};

// 1000 sessions need more descriptors than the usual soft limit of 1024 leaves.
void raise_fd_limit() {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
}

bool read_password(LoadCli& c) {
    if (!c.password_env.empty()) {
        const char* v = std::getenv(c.password_env.c_str());
        if (!v) {
            std::cerr << "mailspec load: --password-env: " << c.password_env << " is not set\n";
            return false;
        }
        c.o.password = v;
    } else if (!c.password_file.empty()) {
        std::ifstream in(c.password_file, std::ios::binary);
        if (!in) {
            std::cerr << "mailspec load: --password-file: cannot read " << c.password_file << "\n";
            return false;
        }
        std::getline(in, c.o.password);
    }
    return true;
}

int run_load(LoadCli& c) {
    if (!c.duration.empty()) {
        auto d = parse_duration(c.duration);
        if (!d) {
            std::cerr << "mailspec load: --duration: not a duration (e.g. 30s, 2m)\n";
            return exit_code::usage;
        }
        c.o.duration = *d;
    }
    auto t = parse_duration(c.timeout);
    if (!t || t->count() <= 0) {
        std::cerr << "mailspec load: --timeout: not a duration (e.g. 30s)\n";
        return exit_code::usage;
    }
    c.o.timeout = *t;
    if (!read_password(c)) return exit_code::usage;
    auto problems = load::validate(c.o);
    for (const auto& p : problems)
        std::cerr << "mailspec load: " << p << "\n";
    if (!problems.empty()) return exit_code::usage;

    asio::io_context resolving;
    std::vector<asio::ip::tcp::endpoint> to;
    boost::system::error_code ec;
    asio::ip::tcp::resolver resolver(resolving);
    for (const auto& e : resolver.resolve(c.o.host, std::to_string(c.o.port), ec))
        to.push_back(e.endpoint());
    if (ec || to.empty()) {
        std::cerr << "mailspec load: cannot resolve " << c.o.host << ": " << ec.message() << "\n";
        return exit_code::usage;
    }
    // It sends real mail: only where it cannot leave a lab unless the user says so.
    for (const auto& e : to)
        if (!c.o.sends_anywhere && !load::is_private_address(e.address().to_string())) {
            std::cerr << "mailspec load: " << c.o.host << " (" << e.address().to_string()
                      << ") is not a loopback or private address; load sends real mail, so "
                         "add --i-know-this-sends-mail to send there anyway\n";
            return exit_code::usage;
        }
    raise_fd_limit();

    // One event loop per --threads part, each with its share of sessions and messages; the
    // reports are added up at the end. The first part runs on this thread with the signals.
    auto parts = load::split(c.o);
    std::vector<std::unique_ptr<asio::io_context>> loops;
    std::vector<std::unique_ptr<load::LoadGenerator>> gens;
    try {
        for (const auto& part : parts) {
            loops.push_back(std::make_unique<asio::io_context>(1));
            gens.push_back(
                std::make_unique<load::LoadGenerator>(loops.back()->get_executor(), part, to));
        }
    } catch (const std::exception& e) {
        std::cerr << "mailspec load: " << e.what() << "\n";
        return exit_code::usage;
    }
    asio::io_context& io = *loops.front();
    load::LoadGenerator& gen = *gens.front();
    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::steady_timer ticker(io);
    // The progress line reads live figures: only with one thread (no other thread writes them).
    bool tty = !c.quiet && parts.size() == 1 && isatty(STDERR_FILENO);
    std::function<void()> tick = [&] {
        ticker.expires_after(std::chrono::milliseconds(500));
        ticker.async_wait([&](boost::system::error_code e) {
            if (e) return;
            const auto& r = gen.report();
            std::fprintf(stderr, "\r%llu sent, %llu failed, %.0f msg/s   ",
                         static_cast<unsigned long long>(r.messages_ok),
                         static_cast<unsigned long long>(r.messages_failed),
                         r.messages_per_second());
            tick();
        });
    };
    if (tty) tick();
    std::atomic<std::size_t> running{parts.size()};
    signals.async_wait([&](boost::system::error_code e, int) {
        if (e) return;
        for (std::size_t i = 0; i < gens.size(); ++i)  // each stopped on its own loop
            asio::post(*loops[i], [g = gens[i].get()] { g->stop(); });
    });
    for (auto& g : gens)
        g->start([&] {
            if (--running == 0)
                asio::post(io, [&] {
                    signals.cancel();
                    ticker.cancel();
                });
        });
    std::vector<std::thread> helpers;
    for (std::size_t i = 1; i < loops.size(); ++i)
        helpers.emplace_back([&l = *loops[i]] { l.run(); });
    io.run();
    for (auto& t : helpers)
        t.join();
    if (tty) std::fprintf(stderr, "\r%60s\r", "");

    load::LoadReport r = gens.front()->report();
    for (std::size_t i = 1; i < gens.size(); ++i)
        r.add(gens[i]->report());
    if (c.json)
        std::cout << reports::dump_json(load::to_json(r), 2) << "\n";
    else
        std::cout << load::to_text(r);
    if (r.interrupted) return exit_code::interrupted;
    return r.messages_failed > 0 ? exit_code::failed : exit_code::ok;
}

}  // namespace

void add_load_command(CLI::App& app, std::function<int()>& action) {
    auto c = std::make_shared<LoadCli>();
    auto& o = c->o;
    auto* cmd = app.add_subcommand("load",
                                   "Send test mail over many concurrent SMTP sessions and "
                                   "report messages/s and latencies (sends real mail)");
    cmd->add_option("--host", o.host, "Server address or name (default 127.0.0.1)");
    cmd->add_option("--port", o.port, "Server port (default 25)");
    cmd->add_option("--sessions,-s", o.sessions, "Concurrent sessions (default 1)")
        ->check(CLI::Range(1, 100000));
    cmd->add_option("--threads", o.threads,
                    "Event loops (threads) sharing the sessions and messages (default 1)")
        ->check(CLI::Range(1, 256));
    cmd->add_option("--messages,-m", o.messages, "Messages to send in total");
    cmd->add_option("--duration", c->duration, "Send until this much time passed (30s, 2m)");
    cmd->add_option("--per-connection", o.per_connection,
                    "Messages per connection before QUIT (default 1)");
    cmd->add_option("--size", o.size, "Message size in octets, headers included (default 1024)")
        ->check(CLI::Range(0, 100 << 20));
    cmd->add_option("--recipients", o.recipients, "Recipients per message (default 1)")
        ->check(CLI::Range(1, 1000));
    cmd->add_option("--from", o.from, "Envelope sender");
    cmd->add_option("--to", o.to, "Envelope recipient (with --recipients N: local+1@domain ...)");
    cmd->add_option("--helo", o.helo, "EHLO name");
    cmd->add_flag("--ehlo", o.ehlo,
                  "Say EHLO even without --pipelining/--starttls/--auth (default there: HELO)");
    cmd->add_flag("--pipelining", o.pipelining,
                  "Send MAIL, RCPT and DATA in one batch when the server offers PIPELINING");
    cmd->add_flag("--starttls", o.starttls, "Upgrade every connection with STARTTLS");
    cmd->add_flag("--tls-on-connect", o.tls_on_connect,
                  "Implicit TLS from the first byte (SMTPS/submissions, port 465)");
    cmd->add_option("--ca-file", o.ca_file, "CA bundle (PEM) that verifies the server")
        ->check(CLI::ExistingFile);
    cmd->add_flag("--insecure", o.insecure, "STARTTLS without verifying the certificate");
    cmd->add_flag("!--no-tls-resume", o.tls_resume,
                  "Full TLS handshake on every connection (default: resume the previous session)");
    cmd->add_option("--server-name", o.server_name,
                    "TLS name to send and verify (default: --host)");
    cmd->add_option("--auth", o.auth_user,
                    "AUTH PLAIN as this user (password: --password-env/-file)");
    auto* env = cmd->add_option("--password-env", c->password_env,
                                "Environment variable holding the password");
    cmd->add_option("--password-file", c->password_file, "File holding the password")
        ->check(CLI::ExistingFile)
        ->excludes(env);
    cmd->add_option("--timeout", c->timeout,
                    "Give up on a connection idle this long (default 30s)");
    cmd->add_flag("--json", c->json, "Print the result as JSON");
    cmd->add_flag("--quiet,-q", c->quiet, "No progress line");
    cmd->add_flag("--i-know-this-sends-mail", o.sends_anywhere,
                  "Allow destinations that are not loopback or private addresses");
    cmd->callback([c, &action] { action = [c] { return run_load(*c); }; });
}

}  // namespace mailspec
