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

namespace {

// --strict: the server broke the protocol, whatever the check itself concluded.
void apply_strict(Result& r) {
    const std::size_t n = r.violations();
    if (n == 0 || r.status == Status::fail || r.status == Status::skip) return;
    const Finding* first = nullptr;
    for (const auto& f : r.findings)
        if (!first && f.severity == Severity::violation) first = &f;
    std::string was =
        std::string(to_string(r.status)) + (r.message.empty() ? "" : ": " + r.message);
    r.message = "strict: " + std::to_string(n) + " protocol violation" + (n == 1 ? "" : "s") +
                " (first: " + first->text + "); without strict: " + was;
    r.expected = "no protocol violations (strict)" + (r.expected.empty() ? "" : "; " + r.expected);
    r.status = Status::fail;
}

}  // namespace

void CheckRun::emit(Result r) {
    if (r.duration.count() == 0) r.duration = std::chrono::steady_clock::now() - started_;
    if (c_.spec.strict) apply_strict(r);
    ++emitted_;
    c_.sink(std::move(r));
}

}  // namespace mailspec
