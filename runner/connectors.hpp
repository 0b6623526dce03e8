#pragma once
// The transport connector behind each vantage kind.

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "model/suite.hpp"
#include "transport/connector.hpp"

namespace mailspec {

struct SchedulerOptions;

// Throws std::runtime_error with a one-line reason when the vantage cannot be used here.
// Host names are resolved through `resolver` (nullptr: the system resolver).
std::shared_ptr<transport::Connector> make_connector(
    const Vantage& v, std::shared_ptr<transport::Resolver> resolver = nullptr);

// What a real run on `io` connects with: a connector per vantage resolving host names with
// c-ares (through `dns` HOST:PORT, else resolv.conf's servers), and `mailspec agent` over
// OpenSSH for ssh vantages. Throws std::runtime_error when `dns` is unusable.
void connect_for_real(SchedulerOptions& so, boost::asio::io_context& io, const std::string& dns);

}  // namespace mailspec
