#pragma once
// Drives evaluate() against a dns::Resolver: asks the questions a run reports, stores the
// answers, runs again, until the result is known. Works with asynchronous resolvers (c-ares on
// an Asio loop: `done` is called from the loop) and synchronous ones (in-memory zones: `done`
// is called before check_host_async returns).

#include <functional>

#include "protocol/dns/resolver.hpp"
#include "protocol/spf/evaluator.hpp"

namespace mailspec::spf {

// Upper bound on queries for one check, far above what the §4.6.4 limits allow (about 125);
// reaching it means a bug, and gives temperror rather than a loop.
inline constexpr unsigned kMaxQueries = 250;

void check_host_async(dns::Resolver& resolver, Request request, std::function<void(Result)> done);

// For resolvers that answer synchronously (in-memory zones in tests). Returns temperror when
// the resolver did not complete synchronously.
Result check_host(dns::Resolver& resolver, Request request);

}  // namespace mailspec::spf
