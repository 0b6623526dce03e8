#pragma once
// Boost 1.74 has neither awaitable operators nor parallel_group: this runs several coroutines
// concurrently on one executor and resumes when all have ended. A steady_timer that never fires
// on its own serves as the wake-up signal (cancelled by the last task to end).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <vector>

namespace mailspec {

inline boost::asio::awaitable<void> run_all(boost::asio::any_io_executor ex,
                                            std::vector<boost::asio::awaitable<void>> tasks) {
    struct Shared {
        explicit Shared(boost::asio::any_io_executor e)
            : done(e, boost::asio::steady_timer::time_point::max()) {}
        boost::asio::steady_timer done;
        std::size_t left = 0;
        std::exception_ptr first_error;
    };
    if (tasks.empty()) co_return;
    auto shared = std::make_shared<Shared>(ex);
    shared->left = tasks.size();
    for (auto& t : tasks)
        boost::asio::co_spawn(ex, std::move(t), [shared](std::exception_ptr e) {
            if (e && !shared->first_error) shared->first_error = e;
            if (--shared->left == 0) shared->done.cancel();
        });
    boost::system::error_code ec;
    while (shared->left > 0)
        co_await shared->done.async_wait(
            boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (shared->first_error) std::rethrow_exception(shared->first_error);
}

}  // namespace mailspec
