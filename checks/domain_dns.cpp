#include "checks/domain_dns.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "checks/check_run.hpp"
#include "transport/dns/cares_resolver.hpp"

namespace mailspec {

std::optional<DomainSpec> read_domain_spec(Fields& f) {
    DomainSpec d;
    f.require("domain");
    if (auto s = f.str("domain")) {
        d.domain = *s;
        for (auto& c : d.domain)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (!d.domain.empty() && d.domain.back() == '.') d.domain.pop_back();
        if (!dns::is_valid_domain_name(d.domain)) {
            f.reader().error(f.take("domain"),
                             f.what() + ": domain '" + *s + "' is not a domain name");
            return std::nullopt;
        }
    }
    if (auto s = f.str("dns")) {
        d.dns = *s;
        if (!transport::normalize_dns_server(*s)) {
            f.reader().error(f.take("dns"), f.what() + ": dns '" + *s +
                                                "' is not IP[:PORT] (c-ares takes addresses)");
            return std::nullopt;
        }
    }
    if (d.domain.empty()) return std::nullopt;
    return d;
}

DomainDns::DomainDns(boost::asio::any_io_executor ex, const std::string& server,
                     std::chrono::milliseconds timeout)
    : ex_(ex) {
    transport::DnsOptions o;
    o.server = server;
    o.timeout = timeout;
    resolver_ = std::make_shared<transport::CaresResolver>(ex, o);
}

DomainDns::~DomainDns() = default;

boost::asio::awaitable<dns::Answer> DomainDns::query(std::string name, dns::RrType type) {
    // The resolver's own per-query deadline guarantees the handler runs; the timer only wakes
    // this coroutine when it does.
    struct State {
        explicit State(boost::asio::any_io_executor e)
            : timer(e, boost::asio::steady_timer::time_point::max()) {}
        std::optional<dns::Answer> answer;
        boost::asio::steady_timer timer;
    };
    auto state = std::make_shared<State>(ex_);
    resolver_->resolve(dns::Question{name, type}, [state](dns::Answer a) {
        state->answer = std::move(a);
        state->timer.cancel();
    });
    while (!state->answer) {
        boost::system::error_code ec;
        co_await state->timer.async_wait(
            boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    dns::Answer a = std::move(*state->answer);
    log_.push_back(
        std::string(dns::to_string(type)) + " " + name + " -> " +
        std::string(dns::to_string(a.status)) +
        (a.status == dns::Status::ok ? " (" + std::to_string(a.record_count()) + ")" : ""));
    co_return a;
}

std::string DomainDns::log_text() const {
    std::string s;
    for (const auto& l : log_)
        s += (s.empty() ? "" : "; ") + l;
    return s;
}

std::string describe_status(const dns::Answer& a) {
    switch (a.status) {
        case dns::Status::ok:
            return "an answer";
        case dns::Status::nxdomain:
            return "NXDOMAIN";
        case dns::Status::nodata:
            return "no data";
        case dns::Status::servfail:
            return "SERVFAIL";
        case dns::Status::refused:
            return "REFUSED";
        case dns::Status::timeout:
            return "no answer (timeout)";
        case dns::Status::error:
            return "a DNS error" + (a.detail.empty() ? "" : " (" + a.detail + ")");
    }
    return "?";
}

std::string choose_dns_server(const std::string& check_dns, const std::string& target_dns,
                              const std::string& run_dns) {
    if (!check_dns.empty()) return check_dns;
    if (!target_dns.empty()) return target_dns;
    return run_dns;
}

std::string dns_server_for(const CheckRun& run, const std::string& check_dns) {
    return choose_dns_server(check_dns, run.target().dns, run.suite().dns);
}

std::chrono::milliseconds per_query_timeout(const CheckRun& run) {
    auto t = std::chrono::duration_cast<std::chrono::milliseconds>(run.spec().timeout);
    return std::clamp(t / 4, std::chrono::milliseconds(500), std::chrono::milliseconds(5000));
}

std::unique_ptr<DomainDns> open_domain_dns(CheckRun& run, const DomainSpec& d, Result& r) {
    try {
        return std::make_unique<DomainDns>(run.executor(), dns_server_for(run, d.dns),
                                           per_query_timeout(run));
    } catch (const std::exception& e) {
        r.status = Status::error;
        r.message = std::string("DNS resolver: ") + e.what();
        run.emit(std::move(r));
        return nullptr;
    }
}

void emit_domain_result(CheckRun& run, Result& r, const DomainDns& dns, Status s,
                        std::string message) {
    r.status = s;
    r.message = std::move(message);
    r.properties["dns.lookups"] = dns.log_text();
    run.emit(std::move(r));
}

}  // namespace mailspec
