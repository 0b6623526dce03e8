#include "reporters/baseline.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "reporters/json_bytes.hpp"
#include "reporters/json_reporter.hpp"
#include "reporters/text_format.hpp"

namespace mailspec::reports {

namespace {

bool is_server(Direction d) {
    return d == Direction::server || d == Direction::server_tls;
}
bool is_tls(Direction d) {
    return d == Direction::client_tls || d == Direction::server_tls;
}

std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
    std::string s;
    for (auto& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

// The reply lines that follow transcript line `at` on the same side of TLS: a multi-line SMTP
// reply ends at "ddd ", a POP3 CAPA list at ".", an IMAP exchange at the tagged line.
std::vector<std::string> reply_after(const Transcript& t, std::size_t at) {
    std::vector<std::string> lines;
    bool tls = is_tls(t[at].dir);
    for (std::size_t i = at + 1; i < t.size(); ++i) {
        if (t[i].dir == Direction::note) continue;
        if (!is_server(t[i].dir) || is_tls(t[i].dir) != tls) break;
        lines.push_back(t[i].text);
    }
    return lines;
}

using Facts = std::map<std::string, std::string>;

void set_once(Facts& f, const std::string& k, std::string v) {
    f.emplace(k, std::move(v));
}

// EHLO extensions: "SIZE 10240000", "AUTH PLAIN LOGIN", ... (the first line names the host).
void ehlo_facts(Facts& f, const std::vector<std::string>& reply, bool tls) {
    std::vector<std::string> ext;
    std::string auth, size;
    for (std::size_t i = 0; i < reply.size(); ++i) {
        auto& l = reply[i];
        if (l.size() < 4 || l[0] != '2') return;  // refused: nothing to record
        if (i == 0) continue;
        auto e = upper(l.substr(4));
        auto word = e.substr(0, e.find(' '));
        ext.push_back(word);
        if (word == "AUTH" && e.size() > 5) auth = e.substr(5);
        if (word == "SIZE") size = e.size() > 5 ? e.substr(5) : "0";
        if (l[3] == ' ') break;
    }
    std::sort(ext.begin(), ext.end());
    set_once(f, tls ? "ehlo_tls" : "ehlo", join(ext, " "));
    set_once(f, tls ? "auth_tls" : "auth", auth);
    if (!tls)
        set_once(f, "starttls",
                 std::find(ext.begin(), ext.end(), "STARTTLS") != ext.end() ? "yes" : "no");
    if (!size.empty()) set_once(f, tls ? "size_tls" : "size", size);
}

// POP3 "CAPA" (+OK, lines, "."), IMAP "* CAPABILITY ..." (untagged, before the tagged OK).
void mailbox_facts(Facts& f, const std::vector<std::string>& reply, bool pop3, bool tls) {
    std::vector<std::string> caps;
    if (pop3) {
        if (reply.empty() || reply[0].rfind("+OK", 0) != 0) return;
        for (std::size_t i = 1; i < reply.size() && reply[i] != "."; ++i)
            caps.push_back(upper(reply[i]));
    } else {
        for (auto& l : reply) {
            auto u = upper(l);
            if (u.rfind("* CAPABILITY ", 0) != 0) continue;
            std::string rest = u.substr(13);
            for (std::size_t at = 0; at < rest.size();) {
                auto sp = rest.find(' ', at);
                if (sp == std::string::npos) sp = rest.size();
                if (sp > at) caps.push_back(rest.substr(at, sp - at));
                at = sp + 1;
            }
        }
        if (caps.empty()) return;
    }
    std::sort(caps.begin(), caps.end());
    set_once(f, std::string(pop3 ? "pop3.capa" : "imap.capability") + (tls ? "_tls" : ""),
             join(caps, " "));
}

void transcript_facts(Facts& f, const Transcript& t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        auto& l = t[i];
        if (is_server(l.dir) && !f.count("greeting")) {
            // The first thing the server said: the greeting (SMTP 220, POP3 +OK, IMAP * OK).
            std::vector<std::string> reply{l.text};
            auto continued = [](const std::string& s) { return s.size() > 3 && s[3] == '-'; };
            for (std::size_t k = i + 1;
                 k < t.size() && is_server(t[k].dir) && continued(reply.back()); ++k)
                reply.push_back(t[k].text);
            set_once(f, "greeting", visible(join(reply, "\n"), true));
        }
        if (l.dir != Direction::client && l.dir != Direction::client_tls) continue;
        bool tls = is_tls(l.dir);
        auto u = upper(l.text);
        if (u.rfind("EHLO ", 0) == 0)
            ehlo_facts(f, reply_after(t, i), tls);
        else if (u == "CAPA")
            mailbox_facts(f, reply_after(t, i), true, tls);
        else if (u.find(" CAPABILITY") != std::string::npos && u.find(' ') == u.find(" CAPABILITY"))
            mailbox_facts(f, reply_after(t, i), false, tls);
    }
}

// The TLS layer's properties that describe the server (not this one connection's timing).
constexpr std::string_view kTlsProperties[] = {
    "tls.version", "tls.cipher",     "tls.verified",  "tls.subject",    "tls.issuer",
    "tls.sans",    "tls.not_before", "tls.not_after", "tls.fingerprint"};

}  // namespace

Baseline extract_baseline(const RunRecord& rec) {
    std::vector<const Result*> order;
    for (auto& r : rec.results)
        if (!r.endpoint.empty()) order.push_back(&r);
    std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) {
        return std::tie(a->suite, a->check_id, a->variant) <
               std::tie(b->suite, b->check_id, b->variant);
    });
    std::map<std::pair<std::string, std::string>, Facts> by_key;
    for (auto* r : order) {
        auto& f = by_key[{r->endpoint, r->vantage}];
        for (auto p : kTlsProperties)
            if (auto it = r->properties.find(std::string(p)); it != r->properties.end())
                set_once(f, it->first, visible(it->second));
        transcript_facts(f, r->transcript);
    }
    Baseline b;
    b.created = iso8601_utc(rec.run.started);
    for (auto& [key, facts] : by_key)
        if (!facts.empty()) b.surfaces.push_back(Surface{key.first, key.second, facts});
    return b;
}

std::string render_baseline_json(const Baseline& b) {
    nlohmann::ordered_json j;
    j["format"] = kBaselineFormat;
    j["version"] = kBaselineFormatVersion;
    j["created"] = b.created;
    j["surfaces"] = nlohmann::ordered_json::array();
    for (auto& s : b.surfaces) {
        // The endpoint and vantage are as a result (or a hostile agent) gave them: any bytes.
        nlohmann::ordered_json e;
        put_bytes(e, "endpoint", s.endpoint);
        put_bytes(e, "vantage", s.vantage);
        put_map(e, "facts", s.facts);
        j["surfaces"].push_back(std::move(e));
    }
    return dump_json(j, 2) + "\n";
}

Baseline read_baseline_json(std::string_view text, const std::string& origin) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw ResultsFormatError(origin + ": not JSON: " + e.what());
    }
    if (j.is_object() && j.value("format", "") == kResultsFormat)
        return extract_baseline(read_results_json(text, origin));
    if (!j.is_object() || j.value("format", "") != kBaselineFormat)
        throw ResultsFormatError(origin +
                                 ": not a mailspec baseline (mailspec snapshot --out) "
                                 "or results document (mailspec run --json)");
    if (j.value("version", 0) != kBaselineFormatVersion)
        throw ResultsFormatError(origin + ": baseline version " +
                                 dump_json(j.value("version", nlohmann::json())) + " is not " +
                                 std::to_string(kBaselineFormatVersion));
    Baseline b;
    try {
        b.created = j.value("created", "");
        const auto& surfaces = j.at("surfaces");
        for (std::size_t i = 0; i < surfaces.size(); ++i) {
            const std::string where = "$.surfaces[" + std::to_string(i) + "]";
            const auto& s = surfaces.at(i);
            b.surfaces.push_back(Surface{get_bytes(s, "endpoint", where).value_or(""),
                                         get_bytes(s, "vantage", where).value_or(""),
                                         get_map(s, "facts", where)});
        }
    } catch (const nlohmann::json::exception& e) {
        throw ResultsFormatError(origin + ": bad baseline: " + e.what());
    } catch (const JsonBytesError& e) {
        throw ResultsFormatError(origin + ": bad baseline: " + e.what());
    }
    return b;
}

}  // namespace mailspec::reports
