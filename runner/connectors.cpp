#include "runner/connectors.hpp"

#include <stdexcept>

namespace mailspec {

std::shared_ptr<transport::Connector> make_connector(
    const Vantage& v, std::shared_ptr<transport::Resolver> resolver) {
    switch (v.kind) {
        case VantageKind::local:
            return transport::local_connector(std::move(resolver));
        case VantageKind::bind:
            return transport::bind_connector(v.address, std::move(resolver));
        default:
            throw std::runtime_error("this vantage kind is not supported yet");
    }
}

}  // namespace mailspec
