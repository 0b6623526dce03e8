#pragma once
// A child process (the ssh client of an agent vantage, a queue command) with its stdin, stdout
// and stderr as Asio pipes. It runs in its own process group, so the terminal's Ctrl-C reaches
// only the runner, which then stops an agent in order (closing its stdin) instead of cutting
// the connection.

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mailspec::transport {

class ChildProcess {
  public:
    // Throws std::runtime_error when the program cannot be started (not found, no pipes).
    ChildProcess(boost::asio::any_io_executor ex, const std::vector<std::string>& argv);
    ~ChildProcess();  // terminates and reaps a child still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    boost::asio::posix::stream_descriptor& in() { return in_; }
    boost::asio::posix::stream_descriptor& out() { return out_; }
    boost::asio::posix::stream_descriptor& err() { return err_; }

    void close_stdin();
    void terminate();  // SIGTERM to the process group
    void kill();       // SIGKILL to the process group
    // Reaps the child if it has ended: its wait status; nullopt while it runs.
    std::optional<int> poll();
    // "exit status N" or "killed by signal N".
    static std::string describe(int wait_status);

  private:
    pid_t pid_ = -1;
    std::optional<int> status_;
    boost::asio::posix::stream_descriptor in_, out_, err_;
};

}  // namespace mailspec::transport
