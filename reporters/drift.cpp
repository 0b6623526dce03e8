#include "reporters/drift.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "reporters/json_bytes.hpp"
#include "reporters/text_format.hpp"

namespace mailspec::reports {

std::string_view to_string(DriftClass c) {
    switch (c) {
        case DriftClass::regression:
            return "regression";
        case DriftClass::improvement:
            return "improvement";
        case DriftClass::neutral:
            return "neutral";
    }
    return "neutral";
}

namespace {

std::set<std::string> words(const std::string& s) {
    std::set<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;)
        out.insert(w);
    return out;
}

// TLSv1 < TLSv1.1 < TLSv1.2 < TLSv1.3; -1 for no TLS or a name not known.
int tls_rank(const std::string& v) {
    static const std::map<std::string, int> rank{
        {"SSLv3", 0}, {"TLSv1", 1}, {"TLSv1.1", 2}, {"TLSv1.2", 3}, {"TLSv1.3", 4}};
    auto it = rank.find(v);
    return it == rank.end() ? -1 : it->second;
}

// Words that matter in a capability list: losing a way into TLS, or the server's refusal of
// plaintext logins, is a regression; gaining them an improvement. Anything else is neutral.
const std::set<std::string> kSecurityCapabilities{"STARTTLS", "STLS", "LOGINDISABLED"};

Change classify(Change c) {
    auto& f = c.fact;
    auto had = !c.before.empty(), has = !c.after.empty();
    auto better = [&](bool cond, const std::string& yes, const std::string& no) {
        c.cls = cond ? DriftClass::improvement : DriftClass::regression;
        c.why = cond ? yes : no;
    };
    if (f == "starttls") {
        better(c.after == "yes", "STARTTLS now offered", "STARTTLS no longer offered");
    } else if (f == "auth") {
        // Mechanisms offered before TLS: any new one exposes passwords to the network.
        auto b = words(c.before), a = words(c.after);
        bool added = std::any_of(a.begin(), a.end(), [&](auto& m) { return !b.count(m); });
        if (added) {
            c.cls = DriftClass::regression, c.why = "AUTH offered before TLS";
        } else if (a.size() < b.size()) {
            c.cls = DriftClass::improvement, c.why = "fewer AUTH mechanisms before TLS";
        }
    } else if (f == "auth_tls") {
        if (had && !has) c.cls = DriftClass::regression, c.why = "AUTH no longer offered after TLS";
    } else if (f == "tls.version") {
        int b = tls_rank(c.before), a = tls_rank(c.after);
        if (a != b)
            better(a > b, "newer TLS version", had && !has ? "TLS lost" : "older TLS version");
    } else if (f == "tls.verified") {
        better(c.after == "yes", "certificate now verifies", "certificate no longer verifies");
    } else if (f == "ehlo" || f == "ehlo_tls" || f.find("capa") != std::string::npos ||
               f.find("capability") != std::string::npos) {
        auto b = words(c.before), a = words(c.after);
        for (auto& w : kSecurityCapabilities) {
            if (b.count(w) && !a.count(w)) {
                c.cls = DriftClass::regression, c.why = w + " no longer offered";
                return c;
            }
            if (!b.count(w) && a.count(w))
                c.cls = DriftClass::improvement, c.why = w + " now offered";
        }
    }
    if (c.why.empty()) {
        // Certificate renewal, cipher, greeting text, SIZE, other extensions: worth seeing.
        if (f == "tls.fingerprint" || f == "tls.not_after" || f == "tls.not_before")
            c.why = "certificate renewed or replaced";
        else
            c.why = had && has ? "changed" : has ? "now present" : "no longer present";
    }
    return c;
}

}  // namespace

std::vector<Change> diff_baselines(const Baseline& base, const Baseline& current) {
    using Key = std::pair<std::string, std::string>;
    std::map<Key, const Surface*> b, a;
    for (auto& s : base.surfaces)
        b[{s.endpoint, s.vantage}] = &s;
    for (auto& s : current.surfaces)
        a[{s.endpoint, s.vantage}] = &s;
    std::set<Key> keys;
    for (auto& [k, _] : b)
        keys.insert(k);
    for (auto& [k, _] : a)
        keys.insert(k);

    std::vector<Change> out;
    for (auto& k : keys) {
        auto ib = b.find(k), ia = a.find(k);
        if (ia == a.end()) {
            out.push_back({k.first, k.second, "surface", "seen", "", DriftClass::regression,
                           "no longer observed (unreachable, or not probed)"});
            continue;
        }
        if (ib == b.end()) {
            out.push_back({k.first, k.second, "surface", "", "seen", DriftClass::neutral,
                           "not in the baseline"});
            continue;
        }
        auto& fb = ib->second->facts;
        auto& fa = ia->second->facts;
        std::set<std::string> names;
        for (auto& [n, _] : fb)
            names.insert(n);
        for (auto& [n, _] : fa)
            names.insert(n);
        for (auto& n : names) {
            auto vb = fb.count(n) ? fb.at(n) : "", va = fa.count(n) ? fa.at(n) : "";
            if (vb == va) continue;
            out.push_back(classify({k.first, k.second, n, vb, va, DriftClass::neutral, ""}));
        }
    }
    return out;
}

std::size_t count_class(const std::vector<Change>& changes, DriftClass c) {
    return static_cast<std::size_t>(
        std::count_if(changes.begin(), changes.end(), [c](auto& x) { return x.cls == c; }));
}

std::string render_drift_text(const std::vector<Change>& changes) {
    std::string out;
    std::string group;
    for (auto& c : changes) {
        auto g = c.endpoint + " from " + c.vantage;
        if (g != group) out += visible(g) + "\n", group = g;
        auto show = [](const std::string& v) {
            return v.empty() ? std::string("(none)") : visible(v);
        };
        out += fmt::format("  {:<11} {}: {} -> {} ({})\n", to_string(c.cls), c.fact, show(c.before),
                           show(c.after), c.why);
    }
    out += fmt::format("{} changes: {} regressions, {} improvements, {} neutral\n", changes.size(),
                       count_class(changes, DriftClass::regression),
                       count_class(changes, DriftClass::improvement),
                       count_class(changes, DriftClass::neutral));
    return out;
}

std::string render_drift_json(const std::vector<Change>& changes) {
    nlohmann::ordered_json j;
    j["format"] = "mailspec-drift";
    j["version"] = 1;
    j["summary"] = {{"regressions", count_class(changes, DriftClass::regression)},
                    {"improvements", count_class(changes, DriftClass::improvement)},
                    {"neutral", count_class(changes, DriftClass::neutral)}};
    j["changes"] = nlohmann::ordered_json::array();
    for (auto& c : changes) {
        // Reversible like every JSON mailspec writes: escaped text plus a _base64 sibling.
        nlohmann::ordered_json e;
        put_bytes(e, "endpoint", c.endpoint);
        put_bytes(e, "vantage", c.vantage);
        put_bytes(e, "fact", c.fact);
        put_bytes(e, "before", c.before);
        put_bytes(e, "after", c.after);
        e["class"] = to_string(c.cls);
        put_bytes(e, "why", c.why);
        j["changes"].push_back(std::move(e));
    }
    return dump_json(j, 2) + "\n";
}

}  // namespace mailspec::reports
