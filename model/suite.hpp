#pragma once
// The suite model: what a YAML suite says, typed and checked at load time (DESIGN §2).
// Plain data; each check's own settings live in its typed spec (checks/), reached through
// CheckSpec::check.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/duration.hpp"
#include "model/location.hpp"
#include "model/secret.hpp"

namespace mailspec {

class Check;  // checks/check.hpp: a check kind's typed spec, able to run itself

enum class TlsMode { none, implicit };  // STARTTLS is a step of a check, not of the target

struct Target {
    std::string name;
    std::string host;
    std::uint16_t port = 25;
    TlsMode tls = TlsMode::none;
    std::string tls_name;          // name for SNI and the certificate check; default: host
    std::string ca_file;           // trust anchors instead of the system store
    std::string dns;               // DNS server (IP[:PORT]) for the domain kinds; empty: --dns
    unsigned max_connections = 4;  // politeness: concurrent connections to this target
    Millis delay{0};               // politeness: pause between connections
    Location where;
};

enum class VantageKind { local, bind, netns, socks5, xclient, ssh, exim_bh };

struct Vantage {
    std::string name;
    VantageKind kind = VantageKind::local;
    std::string address;  // bind: source address; netns, ssh: optional source address inside it /
                          // on the probe; exim_bh: the client address Exim pretends to serve
    std::string netns;    // netns: the namespace's name (/var/run/netns/NAME)
    std::string proxy_host;  // socks5: the proxy
    std::uint16_t proxy_port = 1080;
    std::string user;                   // socks5: RFC 1929 username (empty: no authentication)
    std::optional<SecretRef> password;  // socks5: where the password is read at run time
    // xclient: Postfix XCLIENT attributes (ADDR, NAME, HELO, ...) sent after the first EHLO.
    // The loader resolves `via`: the vantage then carries via's kind and transport fields.
    std::vector<std::pair<std::string, std::string>> xclient;
    std::string via;
    // ssh: run `BINARY agent` on DESTINATION ([user@]host) through the system's OpenSSH client.
    std::string ssh_destination;
    std::uint16_t ssh_port = 0;            // 0: ssh's own default (22 or ~/.ssh/config)
    std::string ssh_binary = "mailspec";   // path of mailspec on the probe
    std::vector<std::string> ssh_options;  // each passed as `-o OPTION`
    std::string ssh_identity_file;         // resolved path; empty: ssh's default keys
    // exim_bh: the SMTP dialogue runs through `COMMAND... -bh ADDRESS` on stdin/stdout.
    std::vector<std::string> exim_command{"exim"};
    Location where;
};

struct Defaults {
    Millis timeout{10'000};
    std::string helo = "probe.mailspec.test";
    std::vector<std::string> from;  // vantage names; empty = the implicit "local" vantage
    bool strict = false;            // protocol violations fail (docs/findings.md)
};

struct CheckSpec {
    std::string id;
    std::string kind;
    std::string target;
    std::vector<std::string> from;
    Millis timeout{0};
    std::string helo;
    std::vector<std::string> tags;
    std::string rfc;
    std::string description;
    bool strict = false;  // a result with a protocol violation is a fail (CheckRun::emit)
    Location where;
    std::shared_ptr<const Check> check;
    // The check as written (YAML), for handing it to a remote agent. Filled in only for checks
    // that run from an ssh vantage: dumping every check's YAML doubled `validate`'s time.
    std::string source;
};

struct Suite {
    std::string name;
    std::string description;
    std::string file;
    std::map<std::string, Target> targets;
    std::map<std::string, Vantage> vantages;
    Defaults defaults;
    std::vector<CheckSpec> checks;
    // `mailspec run --dns`: the DNS server of the domain kinds when neither the check nor its
    // target names one; empty: the system resolver.
    std::string dns;
};

// The vantage a check runs from when neither it nor the defaults name one.
inline constexpr const char* kLocalVantage = "local";

}  // namespace mailspec
