#pragma once
// The resolver seam: SPF (and later DANE/MX checks) ask questions through this interface. The
// c-ares implementation lives in transport/dns; unit tests answer from an in-memory zone.

#include <functional>

#include "protocol/dns/types.hpp"

namespace mailspec::dns {

class Resolver {
  public:
    using Handler = std::function<void(Answer)>;
    virtual ~Resolver() = default;
    // Calls `done` exactly once with the answer, possibly before resolve() returns (in-memory
    // zones do). Failures arrive as an Answer whose status says what went wrong.
    virtual void resolve(const Question& q, Handler done) = 0;
};

}  // namespace mailspec::dns
