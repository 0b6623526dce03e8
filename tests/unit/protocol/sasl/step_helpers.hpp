#pragma once
// Small assertions over StepResult for the mechanism tests.

#include <gtest/gtest.h>

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::sasl::testing {

inline std::string response(const StepResult& r) {
    if (auto* f = std::get_if<Failure>(&r)) {
        ADD_FAILURE() << "unexpected failure: " << f->reason;
        return {};
    }
    return std::get<std::string>(r);
}

inline std::string failure(const StepResult& r) {
    if (auto* f = std::get_if<Failure>(&r)) return f->reason;
    ADD_FAILURE() << "expected a failure, got response \"" << std::get<std::string>(r) << "\"";
    return {};
}

}  // namespace mailspec::sasl::testing
