#include "runner/cmd_spf.hpp"

#include <boost/asio/io_context.hpp>
#include <charconv>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>

#include "protocol/spf/check.hpp"
#include "protocol/text.hpp"
#include "reporters/json_bytes.hpp"
#include "runner/exit_codes.hpp"
#include "transport/dns/cares_resolver.hpp"

namespace mailspec {

namespace {

// "500ms", "5s", "2m" (a bare number is seconds).
std::optional<std::chrono::milliseconds> parse_timeout(std::string_view s) {
    long long n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end == s.data() || n <= 0) return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(s.data() + s.size() - end));
    if (unit == "ms") return std::chrono::milliseconds(n);
    if (unit == "s" || unit.empty()) return std::chrono::seconds(n);
    if (unit == "m") return std::chrono::minutes(n);
    return std::nullopt;
}

// Every value from DNS is shown through text::escape: a TXT record may hold any bytes.
void print_text(const spf::Result& r, const std::string& ip, std::ostream& out) {
    using text::escape;
    out << "spf: " << spf::to_string(r.code) << "\n";
    auto line = [&out](const char* label, const std::string& value) {
        if (!value.empty()) out << "  " << label << escape(value) << "\n";
    };
    line("identity:    ", r.identity);
    line("ip:          ", ip);
    line("sender:      ", r.sender);
    line("domain:      ", r.domain);
    line("record:      ", r.record);
    if (r.decided_by_domain != r.domain) {
        line("decided in:  ", r.decided_by_domain);
        line("its record:  ", r.decided_by_record);
    }
    line("mechanism:   ", r.mechanism);
    for (std::size_t i = 0; i < r.path.size(); ++i)
        out << (i == 0 ? "  path:        " : "               ") << escape(r.path[i]) << "\n";
    line("explanation: ", r.explanation);
    line("reason:      ", r.reason);
    out << "  limits:      " << r.dns_terms << "/10 DNS-querying terms, " << r.void_lookups
        << "/2 void lookups, " << r.queries << " queries\n";
    out << "lookups:\n";
    if (r.lookups.empty()) out << "  (none)\n";
    for (std::size_t i = 0; i < r.lookups.size(); ++i) {
        const auto& l = r.lookups[i];
        out << "  " << i + 1 << ". " << dns::to_string(l.question.type) << " "
            << escape(l.question.name) << " -> " << dns::to_string(l.status);
        for (std::size_t k = 0; k < l.records.size(); ++k)
            out << (k == 0 ? ": " : ", ") << escape(l.records[k]);
        out << "  [" << escape(l.purpose) << "]\n";
    }
}

}  // namespace

// Records, names and explanations come from DNS and may hold any bytes (reports::put_bytes).
nlohmann::json spf_result_to_json(const spf::Result& r) {
    using reports::put_bytes, reports::put_list;
    nlohmann::json lookups = nlohmann::json::array();
    for (const auto& l : r.lookups) {
        nlohmann::json lj = nlohmann::json::object();
        put_bytes(lj, "name", l.question.name);
        lj["type"] = std::string(dns::to_string(l.question.type));
        lj["status"] = std::string(dns::to_string(l.status));
        put_list(lj, "records", l.records);
        put_bytes(lj, "purpose", l.purpose);
        lookups.push_back(std::move(lj));
    }
    nlohmann::json j = {{"result", std::string(spf::to_string(r.code))}};
    put_bytes(j, "identity", r.identity);
    put_bytes(j, "sender", r.sender);
    put_bytes(j, "domain", r.domain);
    put_bytes(j, "record", r.record);
    nlohmann::json decided = nlohmann::json::object();
    put_bytes(decided, "domain", r.decided_by_domain);
    put_bytes(decided, "record", r.decided_by_record);
    j["decided_by"] = std::move(decided);
    put_bytes(j, "mechanism", r.mechanism);
    put_list(j, "path", r.path);
    put_bytes(j, "explanation", r.explanation);
    put_bytes(j, "reason", r.reason);
    j["dns_terms"] = r.dns_terms;
    j["void_lookups"] = r.void_lookups;
    j["queries"] = r.queries;
    j["lookups"] = std::move(lookups);
    return j;
}

int run_spf_command(const SpfCommandOptions& o, std::ostream& out, std::ostream& err) {
    auto ip = dns::IpAddress::parse(o.ip);
    if (!ip) {
        err << "mailspec spf: --ip '" << o.ip << "' is not an IPv4 or IPv6 address\n";
        return exit_code::usage;
    }
    auto timeout = parse_timeout(o.timeout);
    if (!timeout) {
        err << "mailspec spf: --timeout '" << o.timeout << "' is not a duration (500ms, 5s)\n";
        return exit_code::usage;
    }
    spf::Request req;
    req.ip = *ip;
    req.sender = o.sender == "<>" ? "" : o.sender;
    if (req.sender.size() > 2 && req.sender.front() == '<' && req.sender.back() == '>')
        req.sender = req.sender.substr(1, req.sender.size() - 2);
    req.helo = o.helo;
    req.identity = o.identity == "helo" ? spf::Identity::helo : spf::Identity::mail_from;
    if ((req.sender.empty() || req.identity == spf::Identity::helo) && req.helo.empty()) {
        err << "mailspec spf: --helo is needed for the null sender and for --identity helo\n";
        return exit_code::usage;
    }
    req.receiver = "mailspec";
    req.timestamp = static_cast<std::int64_t>(std::time(nullptr));

    boost::asio::io_context io;
    std::unique_ptr<transport::CaresResolver> resolver;
    try {
        resolver = std::make_unique<transport::CaresResolver>(
            io.get_executor(), transport::DnsOptions{o.dns, *timeout, 2});
    } catch (const std::exception& e) {
        err << "mailspec spf: " << e.what() << "\n";
        return exit_code::usage;
    }
    std::optional<spf::Result> result;
    spf::check_host_async(*resolver, req, [&](spf::Result r) { result = std::move(r); });
    // Every query ends by its own deadline, and the §4.6.4 limits bound their number.
    io.run();
    if (!result) {
        err << "mailspec spf: the check did not complete\n";
        return exit_code::failed;
    }
    if (o.json)
        out << reports::dump_json(spf_result_to_json(*result), 2) << "\n";
    else
        print_text(*result, ip->to_string(), out);
    return exit_code::ok;
}

void add_spf_command(CLI::App& app, std::function<int()>& action) {
    auto opts = std::make_shared<SpfCommandOptions>();
    auto* cmd = app.add_subcommand(
        "spf", "Evaluate SPF (RFC 7208) for an address and sender; show result, record, lookups");
    cmd->footer(
        "Exit codes: 0 the check ran (whatever the SPF result, which is printed); 2 usage error.");
    cmd->add_option("--ip", opts->ip, "Client IP address (IPv4 or IPv6)")->required();
    cmd->add_option("--sender", opts->sender, "MAIL FROM address; \"<>\" for the null sender")
        ->required();
    cmd->add_option("--helo", opts->helo, "HELO/EHLO name (%{h}; the domain for the null sender)");
    cmd->add_option("--identity", opts->identity, "Identity to check: mailfrom (default) or helo")
        ->check(CLI::IsMember({"mailfrom", "helo"}));
    cmd->add_option("--dns", opts->dns, "DNS server HOST:PORT (default: system resolver)");
    cmd->add_option("--timeout", opts->timeout, "Per-query DNS timeout, retries included")
        ->capture_default_str();
    cmd->add_flag("--json", opts->json, "Print the result as a JSON object");
    cmd->callback([opts, &action] {
        action = [opts] { return run_spf_command(*opts, std::cout, std::cerr); };
    });
}

}  // namespace mailspec
