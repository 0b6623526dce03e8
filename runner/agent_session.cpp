#include "runner/agent_session.hpp"

#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <map>

#include "runner/agent_protocol.hpp"
#include "runner/agent_request.hpp"
#include "transport/child_process.hpp"
#include "transport/ssh_argv.hpp"
#include "version.hpp"

namespace mailspec::agent {

namespace asio = boost::asio;
using transport::ChildProcess;
using Clock = std::chrono::steady_clock;

namespace {

// The last few lines ssh or the remote shell printed, on one line, printable.
std::string stderr_summary(const std::string& text) {
    std::vector<std::string> lines;
    std::string cur;
    for (char c : text + "\n") {
        if (c == '\n' || c == '\r') {
            if (!cur.empty()) lines.push_back(cur);
            cur.clear();
        } else {
            cur += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
        }
    }
    std::string out;
    for (std::size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i)
        out += (out.empty() ? "" : "; ") + lines[i];
    if (out.size() > 500) out = out.substr(0, 500) + "...";
    return out;
}

// What the child, its stderr reader and the watchdog share; outlives the session's coroutine.
struct Shared {
    ChildProcess proc;
    std::string err;
    bool err_done = false;
    Clock::time_point last = Clock::now();
    bool finished = false;
    bool stalled = false;
    asio::steady_timer watch;  // the watchdog's; cancelled when the session ends
    Shared(asio::any_io_executor ex, const std::vector<std::string>& argv)
        : proc(ex, argv), watch(ex) {}
};

asio::awaitable<void> read_stderr(std::shared_ptr<Shared> sh) {
    char buf[4096];
    for (;;) {
        boost::system::error_code ec;
        auto n = co_await sh->proc.err().async_read_some(
            asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        if (sh->err.size() < 64 * 1024) sh->err.append(buf, n);
    }
    sh->err_done = true;
}

asio::awaitable<void> watchdog(std::shared_ptr<Shared> sh, std::chrono::milliseconds stall) {
    while (!sh->finished) {
        sh->watch.expires_at(sh->last + stall);
        boost::system::error_code ec;
        co_await sh->watch.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (sh->finished) break;
        if (Clock::now() >= sh->last + stall) {
            sh->stalled = true;
            sh->proc.kill();
            break;
        }
    }
}

asio::awaitable<void> pause(std::chrono::milliseconds d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

class AgentSession : public RemoteVantage {
  public:
    AgentSession(asio::any_io_executor ex, Vantage v, SessionOptions o)
        : ex_(std::move(ex)), v_(std::move(v)), o_(std::move(o)) {
        if (o_.command.empty()) o_.command = ssh_command(v_);
        if (o_.version.empty()) o_.version = kVersion;
        // A write to an agent that just died must be an error, not the end of the runner.
        ::signal(SIGPIPE, SIG_IGN);
    }

    void interrupt() override {
        interrupted_ = true;
        if (sh_) sh_->proc.close_stdin();  // the agent's cue to stop
    }

    asio::awaitable<void> run(std::vector<RemoteCheck> checks, Emit emit) override {
        checks_ = std::move(checks);
        emit_ = std::move(emit);
        got_.assign(checks_.size(), false);
        std::string reason = co_await session();
        co_await wind_down();
        if (interrupted_) co_return;
        for (std::size_t i = 0; i < checks_.size(); ++i)
            if (!got_[i]) fail(i, reason);
    }

  private:
    std::string where() const {
        return "ssh vantage '" + v_.name + "' (" + v_.ssh_destination + ")";
    }

    void fail(std::size_t i, const std::string& message) {
        const RemoteCheck& c = checks_[i];
        Result r;
        r.suite = c.suite->name;
        r.check_id = c.spec->id;
        r.kind = c.spec->kind;
        r.target = c.target->name;
        r.endpoint = c.target->host + ":" + std::to_string(c.target->port);
        r.vantage = v_.name;
        r.tags = c.spec->tags;
        r.rfc = c.spec->rfc;
        r.status = Status::error;
        r.message = message;
        got_[i] = true;
        emit_(i, std::move(r));
    }

    // Runs the protocol; returns the reason for checks left unreported.
    asio::awaitable<std::string> session() {
        std::vector<const CheckSpec*> specs;
        for (auto& c : checks_)
            specs.push_back(c.spec);
        BuiltPart part = build_part(*checks_.front().suite, specs, "", v_.address);
        std::vector<std::size_t> sent;
        for (std::size_t i = 0; i < checks_.size(); ++i) {
            if (auto it = part.unsendable.find(i); it != part.unsendable.end())
                fail(i, it->second);
            else
                sent.push_back(i);
        }
        if (sent.empty()) co_return std::string();
        for (std::size_t i : sent)
            by_id_[checks_[i].spec->id] = i;

        try {
            sh_ = std::make_shared<Shared>(ex_, o_.command);
        } catch (const std::exception& e) {
            co_return where() + ": " + e.what();
        }
        if (interrupted_) sh_->proc.close_stdin();
        asio::co_spawn(ex_, read_stderr(sh_), asio::detached);
        asio::co_spawn(ex_, watchdog(sh_, o_.stall), asio::detached);

        std::string buf;
        bool hello = false;
        std::string noise;  // lines before the hello that are not JSON (e.g. a shell's rc files)
        for (;;) {
            boost::system::error_code ec;
            auto n = co_await asio::async_read_until(sh_->proc.out(),
                                                     asio::dynamic_buffer(buf, kMaxLine), '\n',
                                                     asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (ec == asio::error::not_found)
                    co_return where() + ": the agent sent a line longer than " +
                        std::to_string(kMaxLine / (1024 * 1024)) + " MiB";
                co_return co_await ended(hello, noise);
            }
            std::string line = buf.substr(0, n - 1);
            buf.erase(0, n);
            sh_->last = Clock::now();
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (!hello && (line.empty() || line.front() != '{')) {
                noise = line;
                continue;
            }
            Message m;
            try {
                m = decode_message(line);
            } catch (const ProtocolError& e) {
                co_return where() + ": the agent sent a malformed line (" + e.what() + ")";
            }
            if (!hello) {
                auto* h = std::get_if<Hello>(&m);
                if (h == nullptr) co_return where() + ": the agent did not start with a hello";
                if (h->protocol != kProtocolVersion || h->version != o_.version)
                    co_return where() + ": version mismatch: the agent is mailspec " + h->version +
                        " (protocol " + std::to_string(h->protocol) +
                        "), this runner is mailspec " + o_.version + " (protocol " +
                        std::to_string(kProtocolVersion) +
                        "); install the same version on both sides";
                hello = true;
                Request req;
                req.version = o_.version;
                req.suites.push_back(part.part);
                req.env = part.env;
                req.secrets = part.secrets;
                req.files = part.files;
                std::string out = encode(req);
                boost::system::error_code wec;
                co_await asio::async_write(sh_->proc.in(), asio::buffer(out),
                                           asio::redirect_error(asio::use_awaitable, wec));
                // A failed write shows up as the end of the agent's output next.
                continue;
            }
            if (auto* r = std::get_if<ResultLine>(&m)) {
                auto it = by_id_.find(r->result.check_id);
                if (r->result.suite != checks_.front().suite->name || it == by_id_.end())
                    co_return where() + ": the agent reported a check it was not sent ('" +
                        r->result.suite + "' / '" + r->result.check_id + "')";
                Result res = std::move(r->result);
                res.vantage = v_.name;
                res.properties["ssh.destination"] = v_.ssh_destination;
                got_[it->second] = true;
                emit_(it->second, std::move(res));
            } else if (auto* e = std::get_if<End>(&m)) {
                co_return where() + (e->incomplete
                                         ? ": the agent was interrupted before this check ended"
                                         : ": the agent ended without reporting this check");
            } else if (auto* f = std::get_if<Failure>(&m)) {
                co_return where() + ": the agent could not run the checks: " + f->message;
            } else if (std::holds_alternative<Hello>(m)) {
                co_return where() + ": the agent sent a second hello";
            }
        }
    }

    // The agent's output ended without an `end` line: say why, from ssh's exit and stderr.
    asio::awaitable<std::string> ended(bool hello, const std::string& noise) {
        co_await wind_down();
        std::string status =
            sh_->proc.poll() ? ChildProcess::describe(*sh_->proc.poll()) : "still running";
        std::string err = stderr_summary(sh_->err);
        if (err.empty()) err = noise;
        std::string tail = " (" + status + (err.empty() ? "" : ": " + err) + ")";
        if (sh_->stalled)
            co_return where() + ": the agent sent nothing for " +
                std::to_string(o_.stall.count() / 1000) + " s and was stopped";
        if (!hello) {
            bool ssh_failed = sh_->proc.poll() && WIFEXITED(*sh_->proc.poll()) &&
                              WEXITSTATUS(*sh_->proc.poll()) == 255;
            co_return where() + (ssh_failed ? ": ssh failed" : ": the agent did not start") + tail;
        }
        co_return where() + ": the agent ended before reporting this check" + tail;
    }

    // Closes stdin, gives the agent `grace` to end, then kills it; waits for stderr to drain.
    asio::awaitable<void> wind_down() {
        if (!sh_ || sh_->finished) co_return;
        sh_->proc.close_stdin();
        auto deadline = Clock::now() + o_.grace;
        while (!sh_->proc.poll() && Clock::now() < deadline)
            co_await pause(std::chrono::milliseconds(20));
        if (!sh_->proc.poll()) {
            sh_->proc.kill();
            for (int i = 0; i < 50 && !sh_->proc.poll(); ++i)
                co_await pause(std::chrono::milliseconds(20));
        }
        for (int i = 0; i < 50 && !sh_->err_done; ++i)
            co_await pause(std::chrono::milliseconds(20));
        sh_->finished = true;
        sh_->watch.cancel();
    }

    asio::any_io_executor ex_;
    Vantage v_;
    SessionOptions o_;
    std::vector<RemoteCheck> checks_;
    Emit emit_;
    std::vector<bool> got_;
    std::map<std::string, std::size_t> by_id_;
    std::shared_ptr<Shared> sh_;
    bool interrupted_ = false;
};

}  // namespace

std::vector<std::string> ssh_command(const Vantage& v) {
    return transport::ssh_argv(v, {v.ssh_binary, "agent"});
}

std::shared_ptr<RemoteVantage> make_agent_session(asio::any_io_executor ex, Vantage v,
                                                  SessionOptions options) {
    return std::make_shared<AgentSession>(std::move(ex), std::move(v), std::move(options));
}

}  // namespace mailspec::agent
