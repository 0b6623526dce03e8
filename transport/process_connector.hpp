#pragma once
// A vantage that is a local process instead of a socket: `exim -bh ADDRESS` speaks SMTP on its
// stdin and stdout as if a client at ADDRESS had connected, and delivers nothing. connect()
// starts the program with both ends of a socketpair as stdin/stdout and hands back the other
// end as the "socket", so the SMTP client runs unchanged. Lines the program writes to stdout
// that start with "**** " (exim's "SMTP testing session" notices) and bare empty lines are
// dropped on the way: SMTP replies never look like that. stderr (exim's ACL trace) is dropped.
// The process lives as long as the stream: when the client closes it (QUIT, check deadline,
// runner gone), a helper process that watches the stream sends the program SIGTERM, then
// SIGKILL after 2 s.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <functional>
#include <string>
#include <vector>

#include "transport/connector.hpp"

namespace mailspec::transport {

class ProcessConnector : public Connector {
  public:
    // argv_for: the program and its arguments for a target (argv[0] is looked up in PATH);
    // description: what describe() says, e.g. "exim -bh 192.0.2.7".
    using ArgvFor = std::function<std::vector<std::string>(const Endpoint&)>;
    ProcessConnector(std::string description, ArgvFor argv_for);
    // Throws StepError(connect) when the program cannot be started.
    boost::asio::awaitable<boost::asio::ip::tcp::socket> connect(
        const Endpoint& to, std::chrono::steady_clock::time_point deadline) override;
    std::string describe() const override { return description_; }

  private:
    std::string description_;
    ArgvFor argv_for_;
};

// The argv of `exim -bh ADDRESS` for a target: `command` (default {"exim"}), then
// `-bh ADDRESS`, and `-oMi IP.PORT` when the target's host is an IP address, so ACLs that look
// at $received_ip_address / $received_port see the target's listener.
std::vector<std::string> exim_bh_argv(const std::vector<std::string>& command,
                                      const std::string& address, const Endpoint& target);

// The stdout filter, one chunk at a time (`at_line_start` and `dropping` carry over).
// Appends what passes to `out`. Exposed for the unit test.
struct NoticeFilter {
    bool at_line_start = true;
    bool dropping = false;
    std::size_t feed(const char* in, std::size_t n, char* out);  // out: room for n bytes
};

}  // namespace mailspec::transport
