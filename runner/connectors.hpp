#pragma once
// The transport connector behind each vantage kind.

#include <memory>

#include "model/suite.hpp"
#include "transport/connector.hpp"

namespace mailspec {

// Throws std::runtime_error with a one-line reason when the vantage cannot be used here.
// Host names are resolved through `resolver` (nullptr: the system resolver).
std::shared_ptr<transport::Connector> make_connector(const Vantage& v,
                                                     std::shared_ptr<transport::Resolver> resolver = nullptr);

}  // namespace mailspec
