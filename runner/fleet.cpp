#include "runner/fleet.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <ostream>
#include <stdexcept>

#include "checks/dependency.hpp"
#include "protocol/text.hpp"

namespace mailspec {

namespace {

std::optional<unsigned> number(std::string_view s) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

}  // namespace

bool valid_host(std::string_view h) {
    if (h.empty() || h.size() > 253) return false;
    // A leading '-' could read as an option wherever the host reaches a command line (ssh).
    if (h.front() == '-' || h.front() == '.' || h.find("..") != std::string_view::npos)
        return false;
    for (char c : h)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
              c == '_'))
            return false;
    return true;
}

std::vector<std::string> read_targets_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot be read");
    std::vector<std::string> hosts;
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        const auto host = text::trim(line);
        if (host.empty()) continue;
        if (!valid_host(host))
            throw std::runtime_error(path + ":" + std::to_string(n) + ": '" + std::string(host) +
                                     "' is not a host name or IP address (one per line)");
        hosts.emplace_back(host);
    }
    if (hosts.empty()) throw std::runtime_error(path + ": names no host");
    return hosts;
}

Suite retarget(const Suite& suite, const std::string& host) {
    Suite s = suite;
    s.name = suite.name + "@" + host;
    for (auto& [_, t] : s.targets) {
        t.host = host;
        t.tls_name = host;  // the certificate must be valid for the host we talk to
    }
    return s;
}

std::optional<Shard> parse_shard(const std::string& text, const char* job_index, std::string& why) {
    Shard s;
    const auto slash = text.find('/');
    if (slash == std::string::npos) {
        auto n = number(text);
        if (!n || *n == 0) {
            why = "--shard takes I/N (1 <= I <= N) or N with JOB_COMPLETION_INDEX, not '" + text +
                  "'";
            return std::nullopt;
        }
        if (!job_index) {
            why = "--shard " + text +
                  " needs JOB_COMPLETION_INDEX (set by a Kubernetes Indexed "
                  "Job) or the form I/N";
            return std::nullopt;
        }
        auto i = number(job_index);
        if (!i || *i >= *n) {
            why = "JOB_COMPLETION_INDEX '" + std::string(job_index) + "' is not in 0.." +
                  std::to_string(*n - 1);
            return std::nullopt;
        }
        s.count = *n;
        s.index = *i + 1;
        return s;
    }
    auto i = number(std::string_view(text).substr(0, slash));
    auto n = number(std::string_view(text).substr(slash + 1));
    if (!i || !n || *n == 0 || *i == 0 || *i > *n) {
        why = "--shard takes I/N with 1 <= I <= N, not '" + text + "'";
        return std::nullopt;
    }
    s.index = *i;
    s.count = *n;
    return s;
}

void keep_shard(std::vector<Suite>& suites, const Shard& shard) {
    std::size_t k = 0;
    for (auto& s : suites) {
        // Pair k of the whole run goes to shard (k mod N) + 1, except that a check with an
        // after: (maillog) goes, vantage by vantage, where the check it follows goes: the
        // scheduler needs both in one run.
        std::map<std::pair<std::string, std::string>, bool> mine;
        for (const auto& c : s.checks)
            for (const auto& v : c.from)
                mine[{c.id, v}] = k++ % shard.count == shard.index - 1;
        std::vector<CheckSpec> kept;
        for (auto& c : s.checks) {
            const CheckDependency* dep = c.check ? dependency_of(*c.check) : nullptr;
            std::vector<std::string> from;
            for (auto& v : c.from) {
                auto it = dep ? mine.find({dep->id, v}) : mine.end();
                if (it != mine.end() ? it->second : mine.at({c.id, v})) from.push_back(v);
            }
            if (from.empty()) continue;
            c.from = std::move(from);
            kept.push_back(std::move(c));
        }
        s.checks = std::move(kept);
    }
}

void add_fleet_options(CLI::App& cmd, FleetOptions& o) {
    cmd.add_option("--targets", o.targets_file,
                   "Run every suite against each host of FILE (one per line): target hosts "
                   "and certificate names replaced, suites named SUITE@HOST")
        ->check(CLI::ExistingFile);
    cmd.add_option("--shard", o.shard,
                   "Only shard I of N (I/N, 1-based) of the (check, vantage) pairs; 'N' takes I "
                   "from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs). mailspec merge of the N "
                   "JSON reports is the whole run's report");
}

bool apply_fleet_options(const FleetOptions& o, std::vector<Suite>& suites, std::ostream& err,
                         const std::string& cmd) {
    if (!o.targets_file.empty()) {
        std::vector<std::string> hosts;
        try {
            hosts = read_targets_file(o.targets_file);
        } catch (const std::exception& e) {
            err << "mailspec " << cmd << ": --targets: " << e.what() << "\n";
            return false;
        }
        std::vector<Suite> per_host;
        for (const auto& host : hosts)
            for (const auto& s : suites)
                per_host.push_back(retarget(s, host));
        suites = std::move(per_host);
    }
    if (!o.shard.empty()) {
        std::string why;
        auto shard = parse_shard(o.shard, std::getenv("JOB_COMPLETION_INDEX"), why);
        if (!shard) {
            err << "mailspec " << cmd << ": " << why << "\n";
            return false;
        }
        keep_shard(suites, *shard);
    }
    return true;
}

}  // namespace mailspec
