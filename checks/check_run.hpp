#pragma once
// What a running check sees: its spec, target and vantage, the connector for its vantage, the
// executor, and where to emit results.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "model/result.hpp"
#include "model/suite.hpp"

namespace mailspec {

namespace transport {
class Connector;
}

class CheckRun {
  public:
    struct Context {
        const Suite& suite;
        const CheckSpec& spec;
        const Target& target;
        const Vantage& vantage;
        std::shared_ptr<transport::Connector> connector;
        boost::asio::any_io_executor executor;
        std::function<void(Result)> sink;
    };

    explicit CheckRun(Context c);

    const Suite& suite() const { return c_.suite; }
    const CheckSpec& spec() const { return c_.spec; }
    const Target& target() const { return c_.target; }
    const Vantage& vantage() const { return c_.vantage; }
    const std::shared_ptr<transport::Connector>& connector() const { return c_.connector; }
    const boost::asio::any_io_executor& executor() const { return c_.executor; }
    std::chrono::steady_clock::time_point started() const { return started_; }

    // A result with the identity fields filled in (suite, check, kind, target, vantage, tags).
    Result result(std::string variant = {}) const;
    // Hands a result to the reporters; sets its duration from the check's start when unset.
    void emit(Result r);
    std::size_t emitted() const { return emitted_; }

  private:
    Context c_;
    std::chrono::steady_clock::time_point started_;
    std::size_t emitted_ = 0;
};

}  // namespace mailspec
