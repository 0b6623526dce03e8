#include "runner/suite_loader.hpp"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "checks/check.hpp"
#include "checks/dependency.hpp"
#include "runner/yaml_file.hpp"
#include "transport/dns/cares_resolver.hpp"

namespace mailspec {

namespace {

// A plain loop, not std::regex: libstdc++ matches recursively per character, so a long id
// would overflow the stack.
constexpr std::size_t kMaxIdLength = 128;

bool valid_id(const std::string& id) {
    auto word = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    if (id.empty() || !word(id[0])) return false;
    return std::all_of(id.begin(), id.end(),
                       [&](char c) { return word(c) || c == '.' || c == '_' || c == '-'; });
}

bool is_ip_address(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::optional<Target> read_target(SpecReader& r, const std::string& name, const yaml::Node& n) {
    Fields f(r, n, "target '" + name + "'");
    if (!f.valid()) return std::nullopt;
    Target t;
    t.name = name;
    t.where = r.locate(n);
    f.require("host");
    if (auto h = f.str("host")) {
        t.host = *h;
        if (h->empty()) r.error(f.take("host"), "target '" + name + "': host is empty");
    }
    if (auto tls = f.choice("tls", {"none", "implicit"}))
        t.tls = *tls == "implicit" ? TlsMode::implicit : TlsMode::none;
    t.port = t.tls == TlsMode::implicit ? 465 : 25;
    if (auto p = f.integer("port", 1, 65535)) t.port = static_cast<std::uint16_t>(*p);
    if (auto s = f.str("tls_name")) t.tls_name = *s;
    if (auto s = f.str("ca_file")) t.ca_file = r.resolve_path(*s);
    if (auto s = f.str("dns")) {
        t.dns = *s;
        if (!transport::normalize_dns_server(*s))
            r.error(f.take("dns"), "target '" + name + "': dns '" + *s +
                                       "' is not IP[:PORT] (c-ares takes addresses)");
    }
    if (auto m = f.integer("max_connections", 1, 1000))
        t.max_connections = static_cast<unsigned>(*m);
    if (auto d = f.duration("delay")) t.delay = *d;
    f.done();
    return t;
}

// "host:port", "[v6]:port"; the port defaults to 1080 (SOCKS). Nullopt when malformed.
std::optional<std::pair<std::string, std::uint16_t>> host_port(const std::string& s) {
    std::string host = s, port;
    if (s.starts_with('[')) {
        auto close = s.find(']');
        if (close == std::string::npos) return std::nullopt;
        host = s.substr(1, close - 1);
        if (close + 1 < s.size()) {
            if (s[close + 1] != ':') return std::nullopt;
            port = s.substr(close + 2);
        } else {
            port = "1080";
        }
    } else if (auto colon = s.rfind(':'); colon != std::string::npos) {
        if (s.find(':') != colon) return std::nullopt;  // bare IPv6 needs brackets
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
    } else {
        port = "1080";
    }
    if (host.empty() || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    auto n = std::stoul(port);
    if (n == 0 || n > 65535) return std::nullopt;
    return std::make_pair(host, static_cast<std::uint16_t>(n));
}

// `bind: ADDR` inside a vantage kind's map (netns, socks5) or as the kind itself.
void read_source(SpecReader& r, Fields& f, const std::string& name, Vantage& v) {
    if (auto a = f.str("bind")) {
        v.address = *a;
        if (!is_ip_address(*a))
            r.error(f.take("bind"),
                    "vantage '" + name + "': bind needs an IPv4 or IPv6 address, not '" + *a + "'");
    }
}

// `netns: NAME` or `netns: { name: NAME, bind: ADDR }`.
void read_netns(SpecReader& r, const yaml::Node& n, const std::string& name, Vantage& v) {
    const std::string what = "vantage '" + name + "': netns";
    if (n.is_scalar()) {
        if (auto s = r.scalar(n, what)) v.netns = *s;
    } else {
        Fields f(r, n, what);
        if (!f.valid()) return;
        f.require("name");
        if (auto s = f.str("name")) v.netns = *s;
        read_source(r, f, name, v);
        f.done();
        if (!f.has("name")) return;  // reported by require()
    }
    if (v.netns.empty() || v.netns.find('/') != std::string::npos || v.netns == "." ||
        v.netns == "..")
        r.error(n, what + " needs a namespace name as `ip netns` shows it, not '" + v.netns + "'");
}

// `socks5: HOST:PORT` or `socks5: { proxy: HOST:PORT, user: NAME, password_env: VAR, bind: ADDR }`.
void read_socks5(SpecReader& r, const yaml::Node& n, const std::string& name, Vantage& v) {
    const std::string what = "vantage '" + name + "': socks5";
    auto set_proxy = [&](const std::string& s, const yaml::Node& at) {
        if (auto hp = host_port(s)) {
            v.proxy_host = hp->first;
            v.proxy_port = hp->second;
        } else {
            r.error(at,
                    what + " needs the proxy as HOST:PORT (IPv6 as [ADDR]:PORT), not '" + s + "'");
        }
    };
    if (n.is_scalar()) {
        if (auto s = r.scalar(n, what)) set_proxy(*s, n);
        return;
    }
    Fields f(r, n, what);
    if (!f.valid()) return;
    f.require("proxy");
    if (auto s = f.str("proxy")) set_proxy(*s, f.take("proxy"));
    if (auto u = f.str("user")) v.user = *u;
    const bool inline_password = f.has("password");  // refused by secret()
    v.password = f.secret();
    read_source(r, f, name, v);
    if (!v.user.empty() && !v.password && !inline_password)
        r.error(n, what + ": user needs password_env: VARIABLE or password_file: PATH");
    if (v.user.empty() && v.password)
        r.error(n, what + ": a password without user; add user: NAME");
    if (v.user.size() > 255)
        r.error(f.take("user"), what + ": user must be 1 to 255 octets (RFC 1929)");
    f.done();
}

// `xclient: { addr: 192.0.2.1, name: "[UNAVAILABLE]", helo: outside.example, via: VANTAGE }`.
void read_xclient(SpecReader& r, const yaml::Node& n, const std::string& name, Vantage& v) {
    const std::string what = "vantage '" + name + "': xclient";
    Fields f(r, n, what);
    if (!f.valid()) return;
    // Postfix's XCLIENT attributes, in the order they are sent.
    static const std::pair<const char*, const char*> attrs[] = {
        {"addr", "ADDR"}, {"port", "PORT"},   {"name", "NAME"},
        {"helo", "HELO"}, {"proto", "PROTO"}, {"login", "LOGIN"},
    };
    for (auto [key, attr] : attrs)
        if (auto s = f.str(key)) v.xclient.emplace_back(attr, *s);
    if (v.xclient.empty())
        r.error(n, what + " needs at least one attribute (addr, port, name, helo, proto, login)");
    if (auto s = f.str("via")) v.via = *s;
    f.done();
}

// `ssh: [user@]host` or `ssh: { destination: [user@]host, port: N, binary: PATH,
// ssh_options: [OPTION=VALUE...], identity_file: PATH, bind: ADDR }` (bind: the source
// address the agent's checks use on the probe).
void read_ssh(SpecReader& r, const yaml::Node& n, const std::string& name, Vantage& v) {
    const std::string what = "vantage '" + name + "': ssh";
    if (n.is_scalar()) {
        if (auto s = r.scalar(n, what)) v.ssh_destination = *s;
    } else {
        Fields f(r, n, what);
        if (!f.valid()) return;
        f.require("destination");
        if (auto s = f.str("destination")) v.ssh_destination = *s;
        if (auto p = f.integer("port", 1, 65535)) v.ssh_port = static_cast<std::uint16_t>(*p);
        if (auto s = f.str("binary")) {
            v.ssh_binary = *s;
            if (s->empty()) r.error(f.take("binary"), what + ": binary is empty");
        }
        if (auto o = f.strings("ssh_options")) {
            v.ssh_options = *o;
            for (const auto& opt : *o)
                if (opt.empty() || opt.front() == '-' || opt.find('=') == std::string::npos)
                    r.error(f.take("ssh_options"),
                            what + ": ssh_options are OPTION=VALUE pairs as for `ssh -o`, not '" +
                                opt + "'");
        }
        if (auto s = f.str("identity_file")) v.ssh_identity_file = r.resolve_path(*s);
        read_source(r, f, name, v);  // the probe's source address for its checks
        f.done();
        if (!f.has("destination")) return;  // reported by require()
    }
    // A leading '-' would reach ssh as an option.
    if (v.ssh_destination.empty() || v.ssh_destination.front() == '-' ||
        v.ssh_destination.find_first_of(" \t\r\n") != std::string::npos)
        r.error(n, what + " needs a destination as [user@]host, not '" + v.ssh_destination + "'");
}

// `exim_bh: 192.0.2.7` or `exim_bh: { address: 192.0.2.7, command: [exim4, -C, FILE] }`: the
// dialogue runs through Exim's host-checking mode (COMMAND -bh ADDRESS) instead of a socket.
void read_exim_bh(SpecReader& r, const yaml::Node& n, const std::string& name, Vantage& v) {
    const std::string what = "vantage '" + name + "': exim_bh";
    yaml::Node at = n;
    if (n.is_scalar()) {
        if (auto s = r.scalar(n, what)) v.address = *s;
    } else {
        Fields f(r, n, what);
        if (!f.valid()) return;
        f.require("address");
        if (f.has("address")) at = f.take("address");
        if (auto s = f.str("address")) v.address = *s;
        // ssh: VANTAGE runs the command on that ssh vantage's host (resolve_exim_ssh).
        if (auto s = f.str("ssh")) v.via = *s;
        if (const yaml::Node cn = f.take("command"); cn.defined()) {
            if (auto c = read_strings(r, cn, what + " command")) {
                if (c->empty() || c->front().empty()) {
                    r.error(cn, what + ": command needs at least the program, e.g. [exim]");
                } else {
                    // A program named by a path is relative to the suite file, like other paths
                    // (a remote one, through ssh, is the ssh host's).
                    if (v.via.empty() && c->front().find('/') != std::string::npos)
                        c->front() = r.resolve_path(c->front());
                    v.exim_command = *c;
                }
            }
        }
        f.done();
        if (v.address.empty()) return;  // reported by require()
    }
    if (!is_ip_address(v.address))
        r.error(at, what +
                        ": address must be an IP address (the client Exim pretends to serve), "
                        "not '" +
                        v.address + "'");
}

// An xclient vantage connects as its `via` vantage does (default: local): it takes over
// via's kind and transport fields, keeping its own name and XCLIENT attributes.
void resolve_xclient(SpecReader& r, std::map<std::string, Vantage>& vantages) {
    for (auto& [name, v] : vantages) {
        if (v.kind != VantageKind::xclient) continue;
        Vantage via;  // local
        if (!v.via.empty() && v.via != kLocalVantage) {
            auto it = vantages.find(v.via);
            if (it == vantages.end()) {
                r.error(v.where,
                        "vantage '" + name + "': xclient via unknown vantage '" + v.via + "'");
                continue;
            }
            if (it->second.kind == VantageKind::ssh) {
                r.error(v.where, "vantage '" + name + "': xclient via '" + v.via +
                                     "', an ssh vantage; XCLIENT is not sent through agents");
                continue;
            }
            if (it->second.kind == VantageKind::exim_bh) {
                r.error(v.where, "vantage '" + name + "': xclient via '" + v.via +
                                     "', an exim_bh vantage; exim -bh sets the address itself");
                continue;
            }
            if (it->second.kind == VantageKind::xclient || !it->second.xclient.empty()) {
                r.error(v.where, "vantage '" + name + "': xclient via '" + v.via +
                                     "', which is an xclient vantage too; name a plain one");
                continue;
            }
            via = it->second;
        }
        via.name = name;
        via.where = v.where;
        via.xclient = std::move(v.xclient);
        via.via = v.via;
        v = std::move(via);
    }
}

// An exim_bh vantage with `ssh: NAME` logs in as the ssh vantage NAME does: it takes over that
// vantage's ssh fields (its own kind, address and command stay).
void resolve_exim_ssh(SpecReader& r, std::map<std::string, Vantage>& vantages) {
    for (auto& [name, v] : vantages) {
        if (v.kind != VantageKind::exim_bh || v.via.empty()) continue;
        auto it = vantages.find(v.via);
        if (it == vantages.end() || it->second.kind != VantageKind::ssh) {
            r.error(v.where, "vantage '" + name + "': exim_bh ssh names no ssh vantage ('" + v.via +
                                 "'); define it under vantages: with ssh: { destination }");
            continue;
        }
        v.ssh_destination = it->second.ssh_destination;
        v.ssh_port = it->second.ssh_port;
        v.ssh_options = it->second.ssh_options;
        v.ssh_identity_file = it->second.ssh_identity_file;
    }
}

// A vantage names exactly one kind: `{ bind: ADDR }`, `{ netns: NAME }`, `{ socks5: HOST:PORT }`,
// `{ local: true }` or `{}` for local.
std::optional<Vantage> read_vantage(SpecReader& r, const std::string& name, const yaml::Node& n) {
    Vantage v;
    v.name = name;
    v.where = r.locate(n);
    if (n.is_null()) return v;  // `inside:` with nothing = local
    Fields f(r, n, "vantage '" + name + "'");
    if (!f.valid()) return std::nullopt;
    static const std::pair<const char*, VantageKind> kinds[] = {
        {"local", VantageKind::local},     {"bind", VantageKind::bind},
        {"netns", VantageKind::netns},     {"socks5", VantageKind::socks5},
        {"xclient", VantageKind::xclient}, {"ssh", VantageKind::ssh},
        {"exim_bh", VantageKind::exim_bh},
    };
    int found = 0;
    for (auto [key, kind] : kinds) {
        if (!f.has(key)) {
            f.take(key);  // known, for "did you mean"
            continue;
        }
        ++found;
        v.kind = kind;
        if (kind == VantageKind::local) {
            f.boolean("local");
        } else if (kind == VantageKind::bind) {
            read_source(r, f, name, v);
        } else if (kind == VantageKind::netns) {
            read_netns(r, f.take("netns"), name, v);
        } else if (kind == VantageKind::socks5) {
            read_socks5(r, f.take("socks5"), name, v);
        } else if (kind == VantageKind::xclient) {
            read_xclient(r, f.take("xclient"), name, v);
        } else if (kind == VantageKind::exim_bh) {
            read_exim_bh(r, f.take("exim_bh"), name, v);
        } else {
            read_ssh(r, f.take("ssh"), name, v);
        }
    }
    if (found > 1) r.error(n, "vantage '" + name + "' names more than one kind; keep one");
    f.done();
    return v;
}

void read_vantages(SpecReader& r, const yaml::Node& n, std::map<std::string, Vantage>& out) {
    if (!n.is_map()) {
        r.error(n,
                "'vantages' must map names to vantage points, e.g. outside: { bind: 127.0.0.2 }");
        return;
    }
    Fields dup_check(r, n, "'vantages'");
    for (auto [key, value] : n.entries()) {
        const std::string name(key.scalar());
        dup_check.take(name);
        if (auto v = read_vantage(r, name, value)) out[v->name] = *v;
    }
}

// Returns where `from` was written, for the unknown-vantage check that runs later.
Location read_defaults(SpecReader& r, const yaml::Node& n, Defaults& d) {
    Location from_at = r.locate(n);
    Fields f(r, n, "'defaults'");
    if (!f.valid()) return from_at;
    if (auto t = f.duration("timeout")) d.timeout = *t;
    if (auto h = f.str("helo")) d.helo = *h;
    if (auto s = f.boolean("strict")) d.strict = *s;
    if (f.has("from")) from_at = r.locate(f.take("from"));
    if (auto v = f.strings("from")) d.from = *v;
    f.done();
    return from_at;
}

std::optional<CheckSpec> read_check(SpecReader& r, const yaml::Node& n, std::size_t index,
                                    const Suite& suite) {
    Location at = r.locate(n);
    std::string label = "check #" + std::to_string(index + 1);
    if (auto id = n.get("id"); id.is_scalar() && id.scalar().size() <= kMaxIdLength)
        label = "check '" + std::string(id.scalar()) + "'";
    Fields f(r, n, label);
    if (!f.valid()) return std::nullopt;
    std::size_t errors_before = r.error_count();

    CheckSpec c;
    c.where = at;
    f.require("id");
    if (auto id = f.str("id")) {
        c.id = *id;
        if (c.id.size() > kMaxIdLength)
            r.error(f.take("id"),
                    "check id is longer than " + std::to_string(kMaxIdLength) + " characters");
        else if (!valid_id(c.id))
            r.error(f.take("id"), label + ": id may hold only letters, digits, '.', '_' and '-'");
    }
    if (auto t = f.str("target")) {
        c.target = *t;
        if (!suite.targets.count(c.target))
            r.error(f.take("target"), "unknown target '" + c.target + "'");
    } else if (suite.targets.size() == 1) {
        c.target = suite.targets.begin()->first;
    } else {
        r.error(n, label + " needs 'target' (the suite has " +
                       std::to_string(suite.targets.size()) + " targets)");
    }
    if (auto v = f.strings("from")) c.from = *v;
    c.timeout = suite.defaults.timeout;
    if (auto t = f.duration("timeout")) c.timeout = *t;
    c.helo = suite.defaults.helo;
    if (auto h = f.str("helo")) c.helo = *h;
    c.strict = suite.defaults.strict;
    if (auto s = f.boolean("strict")) c.strict = *s;
    if (auto t = f.strings("tags")) c.tags = *t;
    if (auto s = f.str("rfc")) c.rfc = *s;
    if (auto s = f.str("description")) c.description = *s;

    // Exactly one key names the check kind.
    const CheckKind* kind = nullptr;
    yaml::Node body;
    for (const auto& k : check_kinds()) {
        if (!f.has(k.name)) {
            f.take(k.name);
            continue;
        }
        if (kind != nullptr) {
            r.error(f.take(k.name), label + " names two check kinds ('" + std::string(kind->name) +
                                        "' and '" + std::string(k.name) +
                                        "'); split it into two checks");
            continue;
        }
        kind = &k;
        body = f.take(k.name);
    }
    std::size_t errors_before_done = r.error_count();
    f.done();
    if (kind == nullptr) {
        // A misspelt kind was just reported as an unknown key with a suggestion: enough said.
        if (r.error_count() > errors_before_done) return std::nullopt;
        std::string names;
        for (const auto& k : check_kinds())
            names += (names.empty() ? "" : ", ") + std::string(k.name);
        r.error(at, label + " names no check kind (one of: " + names + ")");
        return std::nullopt;
    }
    c.kind = kind->name;
    ParseContext ctx{r, c, &suite.vantages};
    auto check = kind->parse(body, ctx);
    if (!check || r.error_count() > errors_before) return std::nullopt;
    c.check = std::move(check);
    return c;
}

void check_references(SpecReader& r, Suite& s, const Location& defaults_from_at) {
    auto known = [&](const std::string& v) { return s.vantages.count(v) || (v == kLocalVantage); };
    for (const auto& v : s.defaults.from)
        if (!known(v)) r.error(defaults_from_at, "defaults: unknown vantage '" + v + "'");
    for (auto& c : s.checks) {
        if (c.from.empty()) c.from = s.defaults.from;
        if (c.from.empty()) c.from = {kLocalVantage};
        for (const auto& v : c.from)
            if (!known(v)) {
                std::string names;
                for (auto& [name, _] : s.vantages)
                    names += (names.empty() ? "" : ", ") + name;
                r.error(
                    c.where,
                    "check '" + c.id + "': unknown vantage '" + v + "'" +
                        (names.empty()
                             ? " (the suite defines no vantages; add them or pass --vantages FILE)"
                             : " (defined: " + names + ")"));
            }
    }
    // `after:` (maillog): an earlier check of this suite that records a queue id, run from
    // every vantage the dependent check runs from.
    for (auto& c : s.checks) {
        const CheckDependency* dep = c.check ? dependency_of(*c.check) : nullptr;
        if (!dep) continue;
        const CheckSpec* ref = nullptr;
        for (const auto& o : s.checks)
            if (o.id == dep->id) ref = &o;
        if (!ref) {
            r.error(dep->where, "check '" + c.id + "': after: names no check of this suite ('" +
                                    dep->id + "')");
            continue;
        }
        if (ref == &c) {
            r.error(dep->where, "check '" + c.id + "': after: names the check itself");
            continue;
        }
        if (ref->kind != "smtp" && ref->kind != "delivery") {
            r.error(dep->where, "check '" + c.id + "': after: '" + dep->id + "' is a " + ref->kind +
                                    " check; only smtp and delivery checks record a queue id");
            continue;
        }
        for (const auto& v : c.from)
            if (std::find(ref->from.begin(), ref->from.end(), v) == ref->from.end())
                r.error(dep->where, "check '" + c.id + "': after: '" + dep->id +
                                        "' does not run from vantage '" + v + "'");
    }
}

// The agent request is written with yaml-cpp's emitter (runner/agent_request.cpp).
YAML::Node to_yaml_cpp(yaml::Node n) {
    if (n.is_map()) {
        YAML::Node m(YAML::NodeType::Map);
        for (auto [key, value] : n.entries())
            m[std::string(key.scalar())] = to_yaml_cpp(value);
        return m;
    }
    if (n.is_list()) {
        YAML::Node l(YAML::NodeType::Sequence);
        for (yaml::Node item : n.items())
            l.push_back(to_yaml_cpp(item));
        return l;
    }
    if (n.is_scalar()) return YAML::Node(std::string(n.scalar()));
    return YAML::Node(YAML::NodeType::Null);
}

// Only checks sent to an ssh agent need their YAML text again; dumping every check cost as
// much as parsing the file (bench (d)), so it is done for those alone.
void keep_agent_sources(Suite& s, const std::vector<yaml::Node>& nodes) {
    for (std::size_t i = 0; i < s.checks.size() && i < nodes.size(); ++i) {
        auto& c = s.checks[i];
        bool remote = std::any_of(c.from.begin(), c.from.end(), [&](const std::string& v) {
            auto it = s.vantages.find(v);
            return it != s.vantages.end() && it->second.kind == VantageKind::ssh;
        });
        if (remote) c.source = YAML::Dump(to_yaml_cpp(nodes[i]));
    }
}

}  // namespace

namespace {

LoadedSuite load_suite_from(const std::string& path, const std::string* text,
                            const LoadOptions& options) {
    LoadedSuite out;
    SpecReader r(path, out.diagnostics, options.env);
    auto root = text != nullptr ? read_yaml_text(*text, path, r, options.max_file_bytes)
                                : read_yaml_file(path, r, options.max_file_bytes);
    if (!root) return out;

    Suite s;
    s.file = path;
    std::vector<yaml::Node> check_nodes;  // parallel to s.checks
    Fields top(r, root->root(), "the suite");
    if (!top.valid()) return out;
    top.require("suite");
    top.require("targets");
    top.require("checks");
    if (auto name = top.str("suite")) s.name = *name;
    if (auto d = top.str("description")) s.description = *d;

    if (auto t = top.take("targets"); t.defined()) {
        if (!t.is_map() || t.size() == 0) {
            r.error(t,
                    "'targets' must map names to servers, e.g. mx: { host: 127.0.0.1, port: 25 }");
        } else {
            Fields dup_check(r, t, "'targets'");
            for (auto [key, value] : t.entries()) {
                const std::string name(key.scalar());
                dup_check.take(name);
                if (value.is_null()) {  // pointed at by its key: an empty value has no place
                    r.error(key, "target '" + name + "' is empty: give at least its host");
                    continue;
                }
                if (auto target = read_target(r, name, value)) s.targets[target->name] = *target;
            }
        }
    }
    if (auto v = top.take("vantages"); v.defined()) read_vantages(r, v, s.vantages);
    for (const auto& [name, v] : options.vantages)
        s.vantages[name] = v;
    resolve_xclient(r, s.vantages);
    resolve_exim_ssh(r, s.vantages);
    Location defaults_from_at{path, 1, 1};
    if (auto d = top.take("defaults"); d.defined())
        defaults_from_at = read_defaults(r, d, s.defaults);

    if (auto checks = top.take("checks"); checks.defined()) {
        if (!checks.is_list() || checks.size() == 0) {
            r.error(checks,
                    "'checks' must be a non-empty list of checks (each starting with '- id:')");
        } else {
            std::map<std::string, Location> ids;
            for (std::size_t i = 0; i < checks.size(); ++i) {
                yaml::Node node = checks[i];
                auto c = read_check(r, node, i, s);
                if (!c) continue;
                if (auto [it, fresh] = ids.emplace(c->id, c->where); !fresh) {
                    r.error(c->where, "duplicate check id '" + c->id + "' (first at " +
                                          it->second.str() + ")");
                    continue;
                }
                s.checks.push_back(std::move(*c));
                check_nodes.push_back(std::move(node));
            }
        }
    }
    top.done();
    check_references(r, s, defaults_from_at);
    keep_agent_sources(s, check_nodes);
    if (out.diagnostics.empty()) out.suite = std::move(s);
    return out;
}

}  // namespace

LoadedSuite load_suite(const std::string& path, const LoadOptions& options) {
    return load_suite_from(path, nullptr, options);
}

LoadedSuite load_suite_text(const std::string& text, const std::string& path,
                            const LoadOptions& options) {
    return load_suite_from(path, &text, options);
}

std::map<std::string, Vantage> load_vantages_file(const std::string& path, Diagnostics& out,
                                                  const EnvLookup& env) {
    std::map<std::string, Vantage> vantages;
    SpecReader r(path, out, env);
    auto root = read_yaml_file(path, r, 1024 * 1024);
    if (!root) return vantages;
    Fields top(r, root->root(), "the vantages file");
    if (!top.valid()) return vantages;
    top.require("vantages");
    if (auto v = top.take("vantages"); v.defined()) read_vantages(r, v, vantages);
    top.done();
    return vantages;
}

}  // namespace mailspec
