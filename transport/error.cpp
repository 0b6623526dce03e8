#include "transport/error.hpp"

namespace mailspec::transport {

std::string_view to_string(StepError::Kind kind) {
    switch (kind) {
        case StepError::Kind::timeout:
            return "timeout";
        case StepError::Kind::resolve:
            return "resolve";
        case StepError::Kind::connect:
            return "connect";
        case StepError::Kind::closed:
            return "closed";
        case StepError::Kind::limit:
            return "limit";
        case StepError::Kind::protocol:
            return "protocol";
        case StepError::Kind::tls:
            return "tls";
        case StepError::Kind::verify:
            return "verify";
        case StepError::Kind::io:
            return "io";
        case StepError::Kind::usage:
            return "usage";
        case StepError::Kind::unsupported:
            return "unsupported";
    }
    return "unknown";
}

}  // namespace mailspec::transport
