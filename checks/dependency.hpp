#pragma once
// A check that reads another check's results (maillog's `after:`): the runner runs that check
// first, from the same vantage, and hands its results over through this store, keyed by the
// suite being run (its address: one Suite object per run), the check id and the vantage.

#include <string>
#include <vector>

#include "checks/check.hpp"
#include "model/location.hpp"
#include "model/result.hpp"

namespace mailspec {

struct CheckDependency {
    std::string id;
    Location where;  // of the `after:` value, for load errors
};

// The check `c` depends on, or null.
const CheckDependency* dependency_of(const Check& c);

void publish_earlier(const Suite& s, const std::string& id, const std::string& vantage,
                     std::vector<Result> results);
// Empty when nothing was published (the check did not run or was not found).
std::vector<Result> earlier_results(const Suite& s, const std::string& id,
                                    const std::string& vantage);
void forget_earlier(const Suite& s);

}  // namespace mailspec
