#pragma once
// Running a local command (an argv list, never a shell string) with its output captured and
// a deadline: the child (and its process group) is killed when the deadline passes. Used by
// checks that ask the server's own tools (postqueue, exim -bp, qmail-qread).

#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without it

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mailspec::transport {

struct CommandOutput {
    std::string out, err;
    std::optional<int> exit_code;  // nullopt: killed by a signal or by the deadline
    bool timed_out = false;
    bool truncated = false;  // stdout exceeded max_output
    std::string status;      // "exit status 0", "killed by signal 9"
};

// Throws StepError (step "run <program>") when the program cannot be started.
boost::asio::awaitable<CommandOutput> run_command(const std::vector<std::string>& argv,
                                                  std::chrono::steady_clock::time_point deadline,
                                                  std::size_t max_output = 16 << 20);

}  // namespace mailspec::transport
