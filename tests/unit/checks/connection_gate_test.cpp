// ConnectionGate: at most `limit` holders at once, starts `delay` apart, and a back-off that
// holds every new start.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <vector>

#include "checks/connection_gate.hpp"

namespace mailspec {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Trace {
    unsigned now = 0, peak = 0;
    std::vector<Clock::time_point> starts;
};

boost::asio::awaitable<void> hold(ConnectionGate& gate, Trace& t, Clock::duration busy) {
    co_await gate.acquire();
    t.starts.push_back(Clock::now());
    t.peak = std::max(t.peak, ++t.now);
    boost::asio::steady_timer work(co_await boost::asio::this_coro::executor, busy);
    co_await work.async_wait(boost::asio::use_awaitable);
    --t.now;
    gate.release();
}

TEST(ConnectionGate, NeverMoreThanTheLimit) {
    boost::asio::io_context io;
    ConnectionGate gate(io.get_executor(), 2, 0ms);
    Trace t;
    for (int i = 0; i < 7; ++i)
        boost::asio::co_spawn(io, hold(gate, t, 10ms), boost::asio::detached);
    io.run();
    EXPECT_EQ(t.starts.size(), 7u);
    EXPECT_EQ(t.peak, 2u);
    EXPECT_EQ(gate.peak(), 2u);
}

TEST(ConnectionGate, StartsAreDelayApart) {
    boost::asio::io_context io;
    ConnectionGate gate(io.get_executor(), 8, 20ms);
    Trace t;
    for (int i = 0; i < 4; ++i)
        boost::asio::co_spawn(io, hold(gate, t, 1ms), boost::asio::detached);
    io.run();
    ASSERT_EQ(t.starts.size(), 4u);
    for (std::size_t i = 1; i < t.starts.size(); ++i)
        EXPECT_GE(t.starts[i] - t.starts[i - 1], 19ms) << i;
}

TEST(ConnectionGate, BackOffHoldsNewStarts) {
    boost::asio::io_context io;
    ConnectionGate gate(io.get_executor(), 4, 0ms);
    Trace t;
    const auto t0 = Clock::now();
    gate.back_off(50ms);
    boost::asio::co_spawn(io, hold(gate, t, 1ms), boost::asio::detached);
    io.run();
    ASSERT_EQ(t.starts.size(), 1u);
    EXPECT_GE(t.starts[0] - t0, 49ms);
}

}  // namespace
}  // namespace mailspec
