#pragma once
// The engine of `mailspec load`: N concurrent SMTP sessions, each a coroutine that connects,
// reads the greeting, says EHLO, optionally upgrades with STARTTLS and authenticates, then
// sends messages (pipelined or in lock-step) until the run's message budget or time is used up.
// Lean on purpose: no transcripts, one fixed read buffer per session reused across its
// connections, the message and commands built once and shared; one timer sweeps all sessions
// for stalls instead of a timer per operation.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "transport/load/load_options.hpp"
#include "transport/load/load_report.hpp"

namespace mailspec::load {

class LoadGenerator {
  public:
    // `to`: the resolved addresses of the target, tried in order. Throws std::runtime_error
    // when TLS cannot be set up (e.g. an unreadable --ca-file).
    LoadGenerator(boost::asio::any_io_executor ex, LoadOptions options,
                  std::vector<boost::asio::ip::tcp::endpoint> to);
    ~LoadGenerator();
    LoadGenerator(const LoadGenerator&) = delete;
    LoadGenerator& operator=(const LoadGenerator&) = delete;

    // Spawns the sessions; `done` runs once on the executor when the last one ended.
    void start(std::function<void()> done);
    // No new messages; sessions finish the transaction in hand and quit.
    void stop();
    // Live figures (elapsed is up to now while running).
    const LoadReport& report();

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace mailspec::load
