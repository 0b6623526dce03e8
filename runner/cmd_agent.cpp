// mailspec agent: the far end of an ssh vantage. Started by the runner through ssh, it reads
// one request from stdin, runs those checks from this host and streams the results to
// stdout as JSON lines (runner/agent_protocol.hpp). Not meant to be run by hand.

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "runner/agent_protocol.hpp"
#include "runner/command.hpp"
#include "runner/connectors.hpp"
#include "runner/exit_codes.hpp"
#include "runner/scheduler.hpp"
#include "runner/suite_loader.hpp"
#include "version.hpp"

namespace mailspec {

namespace {

namespace asio = boost::asio;

void send(const agent::Message& m) {
    std::string line = agent::encode(m);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

// Streams every result as a line as soon as it exists.
class LineReporter : public Reporter {
  public:
    void result(const Result& r) override { send(agent::ResultLine{r}); }
};

// A private folder for the files that came with the request (CA bundles); removed at exit.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "mailspec-agent-XXXXXX").string();
        if (mkdtemp(tmpl.data()) == nullptr)
            throw std::runtime_error("cannot create a temporary folder");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

int fail(const std::string& message) {
    send(agent::Failure{message});
    return exit_code::usage;
}

int run_agent() {
    send(agent::Hello{agent::kProtocolVersion, kVersion});
    std::string line;
    if (!std::getline(std::cin, line)) return exit_code::ok;  // the runner went away
    if (line.size() > agent::kMaxLine) return fail("request line too long");
    agent::Request req;
    try {
        req = agent::decode_request(line);
    } catch (const agent::ProtocolError& e) {
        return fail(std::string("malformed request: ") + e.what());
    }
    line.clear();
    line.shrink_to_fit();
    if (req.protocol != agent::kProtocolVersion || req.version != kVersion)
        return fail("version mismatch: this agent is mailspec " + std::string(kVersion) +
                    " (protocol " + std::to_string(agent::kProtocolVersion) + "), the runner " +
                    req.version + " (protocol " + std::to_string(req.protocol) + ")");

    std::unique_ptr<TempDir> dir;
    std::vector<Suite> suites;
    try {
        dir = std::make_unique<TempDir>();
        for (const auto& [name, content] : req.files) {
            if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
                return fail("bad file name in the request");
            std::ofstream out(dir->path / name, std::ios::binary);
            out << content;
            if (!out) return fail("cannot write " + name + " into the temporary folder");
        }
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    // ${VAR}s expand from what the runner sent, never from this host's environment.
    LoadOptions lo;
    lo.env = [&req](const std::string& name) -> std::optional<std::string> {
        auto it = req.env.find(name);
        if (it == req.env.end()) return std::nullopt;
        return it->second;
    };
    for (std::size_t i = 0; i < req.suites.size(); ++i) {
        auto path = (dir->path / ("suite-" + std::to_string(i + 1) + ".yaml")).string();
        auto loaded = load_suite_text(req.suites[i].yaml, path, lo);
        if (!loaded.suite) {
            std::string why = req.suites[i].name + ": ";
            for (std::size_t d = 0; d < loaded.diagnostics.size() && d < 3; ++d)
                why += (d ? "; " : "") + loaded.diagnostics[d].message;
            return fail("the suite does not load here: " + why);
        }
        suites.push_back(std::move(*loaded.suite));
    }
    // Passwords reach the checks the way suites name them: as environment variables.
    for (const auto& [name, value] : req.secrets)
        if (!name.starts_with("MAILSPEC_AGENT_SECRET_") ||
            setenv(name.c_str(), value.c_str(), 1) != 0)
            return fail("bad secret name in the request");
    req.secrets.clear();

    asio::io_context io;
    LineReporter reporter;
    SchedulerOptions so;
    so.connector_for = [](const Vantage& v) { return make_connector(v); };
    Scheduler scheduler(io, reporter, so);
    bool interrupted = false;
    auto stop = [&] {
        interrupted = true;
        scheduler.interrupt();
    };
    // The runner closing our stdin (or ssh going away) means stop.
    asio::posix::stream_descriptor in(io, ::dup(STDIN_FILENO));
    char sink[256];
    std::function<void()> watch_stdin = [&] {
        in.async_read_some(asio::buffer(sink), [&](boost::system::error_code ec, std::size_t) {
            if (ec == asio::error::operation_aborted) return;
            if (ec) return stop();
            watch_stdin();
        });
    };
    watch_stdin();
    asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (!ec) stop();
    });
    asio::steady_timer heartbeat(io);
    std::function<void()> beat = [&] {
        heartbeat.expires_after(std::chrono::seconds(5));
        heartbeat.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            send(agent::Alive{});
            beat();
        });
    };
    beat();
    RunSummary summary = scheduler.run(suites);
    send(agent::End{summary.incomplete || interrupted});
    return summary.incomplete || interrupted ? exit_code::interrupted : exit_code::ok;
}

}  // namespace

void add_agent_command(CLI::App& app, Action& action) {
    auto* cmd = app.add_subcommand(
        "agent", "Run checks sent by a runner over ssh (started by ssh vantages, not by hand)");
    cmd->callback([&action] { action = [] { return run_agent(); }; });
}

}  // namespace mailspec
