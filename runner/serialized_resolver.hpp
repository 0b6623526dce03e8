#pragma once
// A dns::Resolver that is not thread-safe (c-ares), made usable from checks on several threads
// (`run --jobs N`): every call runs on the strand the inner resolver was built on.

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <memory>

#include "protocol/dns/resolver.hpp"

namespace mailspec {

template <class Executor>
class SerializedResolver : public dns::Resolver {
  public:
    SerializedResolver(boost::asio::strand<Executor> strand, std::shared_ptr<dns::Resolver> inner)
        : strand_(std::move(strand)), inner_(std::move(inner)) {}

    void resolve(const dns::Question& q, Handler done) override {
        boost::asio::dispatch(strand_, [inner = inner_, q, done = std::move(done)]() mutable {
            inner->resolve(q, std::move(done));
        });
    }

  private:
    boost::asio::strand<Executor> strand_;
    std::shared_ptr<dns::Resolver> inner_;
};

}  // namespace mailspec
