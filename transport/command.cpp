#include "transport/command.hpp"

#include <sys/wait.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "transport/child_process.hpp"
#include "transport/deadline.hpp"
#include "transport/error.hpp"
#include "transport/parallel.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;

namespace {

asio::awaitable<void> drain(asio::posix::stream_descriptor& from, std::string& into,
                            std::size_t max, bool& truncated) {
    char buf[8192];
    for (;;) {
        boost::system::error_code ec;
        auto n = co_await from.async_read_some(asio::buffer(buf),
                                               asio::redirect_error(asio::use_awaitable, ec));
        if (into.size() < max)
            into.append(buf, std::min(n, max - into.size()));
        else if (n)
            truncated = true;
        if (ec) co_return;
    }
}

}  // namespace

asio::awaitable<CommandOutput> run_command(const std::vector<std::string>& argv,
                                           std::chrono::steady_clock::time_point deadline,
                                           std::size_t max_output) {
    auto ex = co_await asio::this_coro::executor;
    const std::string step = "run " + (argv.empty() ? std::string("(nothing)") : argv[0]);
    std::shared_ptr<ChildProcess> child;
    try {
        child = std::make_shared<ChildProcess>(ex, argv);
    } catch (const std::exception& e) {
        throw StepError(StepError::Kind::io, step, e.what());
    }
    child->close_stdin();
    CommandOutput r;
    {
        DeadlineGuard guard(ex, deadline, [child] { child->kill(); });
        bool err_truncated = false;
        std::vector<asio::awaitable<void>> tasks;
        tasks.push_back(drain(child->out(), r.out, max_output, r.truncated));
        tasks.push_back(drain(child->err(), r.err, 64 << 10, err_truncated));
        co_await run_all(ex, std::move(tasks));
        // Both pipes closed: the child has ended or closed them; reap it (bounded).
        asio::steady_timer tick(ex);
        while (!child->poll()) {
            if (std::chrono::steady_clock::now() >= deadline) child->kill();
            tick.expires_after(std::chrono::milliseconds(5));
            boost::system::error_code ec;
            co_await tick.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        r.timed_out = guard.expired();
    }
    const int status = *child->poll();
    r.status = ChildProcess::describe(status);
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    co_return r;
}

}  // namespace mailspec::transport
