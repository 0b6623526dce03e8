#pragma once
// A vantage whose checks run somewhere else and come back as results (kind ssh: a remote
// `mailspec agent`). The scheduler hands it all checks of one (suite, vantage) at once.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <vector>

#include "model/result.hpp"
#include "model/suite.hpp"

namespace mailspec {

struct RemoteCheck {
    const Suite* suite = nullptr;
    const CheckSpec* spec = nullptr;
    const Target* target = nullptr;
};

class RemoteVantage {
  public:
    virtual ~RemoteVantage() = default;
    // emit(i, result) for checks[i], with the vantage already set. When run() returns, every
    // check got at least one result, unless the run was interrupted.
    using Emit = std::function<void(std::size_t, Result)>;
    virtual boost::asio::awaitable<void> run(std::vector<RemoteCheck> checks, Emit emit) = 0;
    // Stop soon: results already under way may still arrive.
    virtual void interrupt() = 0;
};

}  // namespace mailspec
