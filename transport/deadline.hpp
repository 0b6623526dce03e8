#pragma once
// Step deadlines without cancel_after (Boost 1.74): a steady_timer that, when it fires while
// the guarded operation is still pending, calls a cancel function (socket.cancel()). The
// shared state keeps a late timer completion from touching anything after the guard is gone.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace mailspec::transport {

class DeadlineGuard {
  public:
    DeadlineGuard(const boost::asio::any_io_executor& ex, std::chrono::steady_clock::time_point at,
                  std::function<void()> cancel)
        : state_(std::make_shared<State>()), timer_(ex, at) {
        state_->cancel = std::move(cancel);
        timer_.async_wait([st = state_](const boost::system::error_code& ec) {
            if (ec || !st->active) return;
            st->expired = true;
            if (st->cancel) st->cancel();
        });
    }
    ~DeadlineGuard() {
        state_->active = false;
        state_->cancel = nullptr;
        timer_.cancel();
    }
    DeadlineGuard(const DeadlineGuard&) = delete;
    DeadlineGuard& operator=(const DeadlineGuard&) = delete;

    bool expired() const { return state_->expired; }

  private:
    struct State {
        bool active = true;
        bool expired = false;
        std::function<void()> cancel;
    };
    std::shared_ptr<State> state_;
    boost::asio::steady_timer timer_;
};

// "10s", "1.5s", "250ms".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace mailspec::transport
