#pragma once
// The runner's side of an ssh vantage: starts `ssh ... BINARY agent`, checks the agent's
// hello, sends the checks (runner/agent_request.hpp) and turns the streamed result lines into
// results of this vantage. Whatever goes wrong (ssh cannot connect, the binary is missing,
// versions differ, a malformed line, the agent dies or stalls) ends the session, and every
// check not yet reported becomes `error` with that one reason.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "runner/agent_remote.hpp"

namespace mailspec::agent {

struct SessionOptions {
    // The program and arguments; empty: ssh_command(vantage). Tests start a script instead.
    std::vector<std::string> command;
    // The agent says something at least every 5 s (results or heartbeats); silence this long
    // (also before the hello: ssh connecting) stops it.
    std::chrono::milliseconds stall{30'000};
    // After an interrupt: how long the agent may take to end before it is killed.
    std::chrono::milliseconds grace{2'000};
    std::string version;  // expected on the far side; empty: this binary's version
};

// transport::ssh_argv(v, {BINARY, "agent"}): ssh ... -- DESTINATION 'BINARY' 'agent'.
std::vector<std::string> ssh_command(const Vantage& v);

std::shared_ptr<RemoteVantage> make_agent_session(boost::asio::any_io_executor ex, Vantage v,
                                                  SessionOptions options);

}  // namespace mailspec::agent
