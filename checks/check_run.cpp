#include "checks/check_run.hpp"

namespace mailspec {

CheckRun::CheckRun(Context c) : c_(std::move(c)), started_(std::chrono::steady_clock::now()) {}

Result CheckRun::result(std::string variant) const {
    Result r;
    r.suite = c_.suite.name;
    r.check_id = c_.spec.id;
    r.variant = std::move(variant);
    r.kind = c_.spec.kind;
    r.target = c_.target.name;
    r.endpoint = (c_.target.host.find(':') != std::string::npos ? "[" + c_.target.host + "]"
                                                                : c_.target.host) +
                 ":" + std::to_string(c_.target.port);
    r.vantage = c_.vantage.name;
    r.tags = c_.spec.tags;
    r.rfc = c_.spec.rfc;
    return r;
}

void CheckRun::emit(Result r) {
    if (r.duration.count() == 0) r.duration = std::chrono::steady_clock::now() - started_;
    ++emitted_;
    c_.sink(std::move(r));
}

}  // namespace mailspec
