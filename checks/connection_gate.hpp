#pragma once
// Politeness inside one check that opens many connections (tls_scan): at most `limit` at once
// (the target's max_connections), starts at least `delay` apart (the target's delay), and a
// pause for everyone after the server pushed back (421, refused connection). Single-threaded:
// every user runs on the check's strand. Boost 1.74 has no channels or semaphores, so a timer
// that never fires on its own is the wake-up signal (cancelled when a slot frees).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace mailspec {

class ConnectionGate {
  public:
    using Clock = std::chrono::steady_clock;

    ConnectionGate(boost::asio::any_io_executor ex, unsigned limit, Clock::duration delay)
        : ex_(ex), freed_(ex, Clock::time_point::max()), limit_(limit ? limit : 1), delay_(delay) {}

    // Waits for a free slot and for the pause since the last start; the caller must release().
    boost::asio::awaitable<void> acquire() {
        boost::system::error_code ec;
        for (;;) {
            if (in_use_ >= limit_) {
                co_await freed_.async_wait(
                    boost::asio::redirect_error(boost::asio::use_awaitable, ec));
                continue;
            }
            if (Clock::now() < next_start_) {
                boost::asio::steady_timer pause(ex_, next_start_);
                co_await pause.async_wait(
                    boost::asio::redirect_error(boost::asio::use_awaitable, ec));
                continue;  // another waiter may have taken the slot meanwhile
            }
            break;
        }
        ++in_use_;
        next_start_ = Clock::now() + delay_;
        peak_ = std::max(peak_, in_use_);
    }

    void release() {
        --in_use_;
        freed_.cancel();  // wakes every waiter; each checks again
    }

    // No connection starts before `pause` from now.
    void back_off(Clock::duration pause) {
        next_start_ = std::max(next_start_, Clock::now() + pause);
    }

    unsigned peak() const { return peak_; }

  private:
    boost::asio::any_io_executor ex_;
    boost::asio::steady_timer freed_;
    unsigned limit_;
    Clock::duration delay_;
    unsigned in_use_ = 0;
    unsigned peak_ = 0;
    Clock::time_point next_start_{};
};

}  // namespace mailspec
