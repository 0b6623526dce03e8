#include "runner/connectors.hpp"

#include <stdexcept>

#include "model/secret.hpp"
#include "runner/agent_session.hpp"
#include "runner/scheduler.hpp"
#include "runner/serialized_resolver.hpp"
#include "transport/cares_host_resolver.hpp"
#include "transport/dns/cares_resolver.hpp"
#include "transport/netns_connector.hpp"
#include "transport/process_connector.hpp"
#include "transport/socks5_connector.hpp"
#include "transport/ssh_argv.hpp"

namespace mailspec {

namespace {

std::optional<boost::asio::ip::address> source_of(const Vantage& v) {
    if (v.address.empty()) return std::nullopt;
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(v.address, ec);
    if (ec) throw std::runtime_error("source address \"" + v.address + "\" is not an IP address");
    return a;
}

std::shared_ptr<transport::Connector> socks5_connector(
    const Vantage& v, std::shared_ptr<transport::Resolver> resolver) {
    std::optional<socks5::UserPass> auth;
    if (v.password) {
        std::string why;
        auto pw = read_secret(*v.password, why);
        if (!pw) throw std::runtime_error("SOCKS5 password for user " + v.user + ": " + why);
        auth = socks5::UserPass{v.user, *pw};
    }
    auto inner = v.address.empty() ? transport::local_connector(resolver)
                                   : transport::bind_connector(v.address, resolver);
    return std::make_shared<transport::Socks5Connector>(
        transport::Endpoint(v.proxy_host, v.proxy_port), std::move(auth), std::move(inner));
}

}  // namespace

std::shared_ptr<transport::Connector> make_connector(
    const Vantage& v, std::shared_ptr<transport::Resolver> resolver) {
    switch (v.kind) {
        case VantageKind::local:
            return transport::local_connector(std::move(resolver));
        case VantageKind::bind:
            return transport::bind_connector(v.address, std::move(resolver));
        case VantageKind::netns:
            return std::make_shared<transport::NetnsConnector>(v.netns, source_of(v));
        case VantageKind::socks5:
            return socks5_connector(v, std::move(resolver));
        case VantageKind::exim_bh: {
            std::string what = v.ssh_destination.empty() ? "" : "ssh " + v.ssh_destination + " ";
            for (const auto& a : v.exim_command)
                what += a + " ";
            return std::make_shared<transport::ProcessConnector>(
                what + "-bh " + v.address, [v](const transport::Endpoint& to) {
                    auto argv = transport::exim_bh_argv(v.exim_command, v.address, to);
                    // Through ssh (exim_bh: { ssh: probe }): -T keeps stdin/stdout a plain pipe.
                    return v.ssh_destination.empty() ? argv : transport::ssh_argv(v, argv);
                });
        }
        default:
            throw std::runtime_error("this vantage kind is not supported yet");
    }
}

void connect_for_real(SchedulerOptions& so, boost::asio::io_context& io, const std::string& dns) {
    transport::DnsOptions opts;
    opts.server = dns;
    // c-ares is not thread-safe: with --jobs it lives on a strand of its own.
    auto dns_strand = boost::asio::make_strand(io);
    std::shared_ptr<transport::Resolver> resolver = std::make_shared<transport::CaresHostResolver>(
        std::make_shared<SerializedResolver<boost::asio::io_context::executor_type>>(
            dns_strand, std::make_shared<transport::CaresResolver>(dns_strand, opts)));
    so.connector_for = [resolver](const Vantage& v) { return make_connector(v, resolver); };
    so.remote_for = [](const Vantage& v, boost::asio::any_io_executor ex) {
        agent::SessionOptions o;
        return agent::make_agent_session(std::move(ex), v, o);
    };
}

}  // namespace mailspec
