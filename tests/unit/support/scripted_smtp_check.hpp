#pragma once
// A GoogleTest fixture that runs one check against a SCRIPTED loopback SMTP server (not a mail
// server): it greets with `greeting` and answers every command line with `answer(line)`
// ("" = "250 ok"), QUIT with 221. Used to replay exact reply texts of MTAs the lab cannot be
// made to run on cue (Postfix with VRFY enabled, qmail, Exim ACL wordings).

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "tests/unit/support/check_runner.hpp"
#include "tests/unit/support/temp_file.hpp"
#include "tests/unit/transport/loopback_server.hpp"

namespace mailspec::test {

namespace asio = boost::asio;
using testing::LoopbackServer;
using testing::ServerConn;

// Answers per command: `answer(line)` gives the reply (with CRLF) or "" for "250 ok".
using Answer = std::function<std::string(const std::string&)>;
// How long the server waits before answering a command line (none when unset).
using Delay = std::function<std::chrono::milliseconds(const std::string&)>;

class ScriptedSmtpCheckTest : public ::testing::Test {
  protected:
    std::vector<Result> run(const std::string& greeting, Answer answer, const std::string& check,
                            const std::string& defaults = "") {
        LoopbackServer server(io_, [&](ServerConn& c) -> asio::awaitable<void> {
            co_await c.send(greeting);
            for (;;) {
                auto l = co_await c.read_line();
                if (l.starts_with("QUIT")) {
                    co_await c.send("221 Bye\r\n");
                    co_return;
                }
                // No ?: inside co_await: g++ 12 destroys its temporary twice.
                std::string a = answer(l);
                if (a.empty()) a = "250 ok\r\n";
                if (delay_) {
                    auto d = delay_(l);
                    if (d.count() > 0) {
                        asio::steady_timer t(co_await asio::this_coro::executor, d);
                        co_await t.async_wait(asio::use_awaitable);
                    }
                }
                co_await c.send(a);
            }
        });
        const std::string yaml =
            "suite: t\ntargets:\n  mx: { host: 127.0.0.1, port: " + std::to_string(server.port()) +
            " }\ndefaults: { timeout: 5s" + defaults +
            " }\nchecks:\n  - id: c\n    target: mx\n    " + check + "\n";
        auto results = run_check(io_, dir_.write("s.yaml", yaml), "c", [&] { server.stop(); });
        lines_ = server.conns_.empty() ? std::vector<std::string>{} : server.conns_.front()->lines;
        return results;
    }
    Result run_one(const std::string& greeting, Answer answer, const std::string& check,
                   const std::string& defaults = "") {
        auto rs = run(greeting, std::move(answer), check, defaults);
        if (rs.size() != 1) {
            ADD_FAILURE() << "expected one result, got " << rs.size();
            return {};
        }
        return rs.front();
    }
    bool sent(const std::string& prefix) const {
        for (const auto& l : lines_)
            if (l.starts_with(prefix)) return true;
        return false;
    }
    asio::io_context io_;
    TempDir dir_;
    std::vector<std::string> lines_;
    Delay delay_;  // set before run() to make the server slow on some commands
};

}  // namespace mailspec::test
