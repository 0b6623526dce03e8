#include "protocol/spf/check.hpp"

#include <memory>
#include <optional>

namespace mailspec::spf {

namespace {

class Driver : public std::enable_shared_from_this<Driver> {
  public:
    Driver(dns::Resolver& r, Request req, std::function<void(Result)> done)
        : resolver_(r), request_(std::move(req)), done_(std::move(done)) {}

    // Loops while answers arrive synchronously; returns when waiting on asynchronous ones (the
    // last of them calls step() again).
    void step() {
        for (;;) {
            Step s = evaluate(request_, cache_);
            if (s.result) {
                s.result->queries = queries_;
                finish(std::move(*s.result));
                return;
            }
            if (queries_ + s.needs.size() > kMaxQueries) {
                Result r;
                r.code = Code::temperror;
                r.reason = "query budget exhausted";
                r.queries = queries_;
                finish(std::move(r));
                return;
            }
            pending_ = s.needs.size();
            issuing_ = true;
            auto self = shared_from_this();
            for (const auto& q : s.needs) {
                ++queries_;
                resolver_.resolve(q, [self, q](dns::Answer a) {
                    self->cache_.store(q, std::move(a));
                    if (--self->pending_ == 0 && !self->issuing_) self->step();
                });
            }
            issuing_ = false;
            if (pending_ > 0) return;
        }
    }

  private:
    void finish(Result r) {
        auto done = std::move(done_);
        if (done) done(std::move(r));
    }

    dns::Resolver& resolver_;
    Request request_;
    std::function<void(Result)> done_;
    LookupCache cache_;
    std::size_t pending_ = 0;
    bool issuing_ = false;
    unsigned queries_ = 0;
};

}  // namespace

void check_host_async(dns::Resolver& resolver, Request request, std::function<void(Result)> done) {
    std::make_shared<Driver>(resolver, std::move(request), std::move(done))->step();
}

Result check_host(dns::Resolver& resolver, Request request) {
    // Shared, so a resolver that answers late (misuse) writes into live memory.
    auto out = std::make_shared<std::optional<Result>>();
    check_host_async(resolver, std::move(request), [out](Result r) { *out = std::move(r); });
    if (!*out) {
        Result r;
        r.code = Code::temperror;
        r.reason = "resolver did not answer synchronously";
        return r;
    }
    return std::move(**out);
}

}  // namespace mailspec::spf
