#include "checks/tls_scan.hpp"

#include <algorithm>
#include <set>

#include "checks/connection_gate.hpp"
#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "checks/tls_assertions.hpp"
#include "protocol/text.hpp"
#include "transport/parallel.hpp"
#include "transport/tls_catalog.hpp"

namespace mailspec {

using transport::TlsVersion;

// --- parsing --------------------------------------------------------------------------------

namespace {

// Every suite name this OpenSSL knows at any version (OpenSSL's and IANA's), lower-cased.
const std::set<std::string>& known_suites() {
    static const std::set<std::string> k = [] {
        std::set<std::string> s;
        for (auto v : {TlsVersion::tls1_0, TlsVersion::tls1_2, TlsVersion::tls1_3})
            for (const auto& c : transport::offerable_ciphers(v)) {
                s.insert(text::to_lower(c.name));
                if (!c.iana.empty()) s.insert(text::to_lower(c.iana));
            }
        return s;
    }();
    return k;
}

using Canon = std::optional<std::string> (*)(std::string_view, std::string&);

std::optional<std::string> canon_version(std::string_view v, std::string& why) {
    if (auto c = canonical_version(v)) return c;
    why = "is not a protocol version: use SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3";
    return std::nullopt;
}

std::optional<std::string> canon_group(std::string_view g, std::string& why) {
    if (auto c = canonical_group(g)) return c;
    why = "is not a group: use X25519, X448, P-256, P-384, P-521 or ffdhe2048..ffdhe8192";
    return std::nullopt;
}

std::optional<std::string> canon_cipher(std::string_view c, std::string& why) {
    if (is_cipher_class(c)) {
        for (const auto& k : cipher_classes())
            if (text::to_lower(k.name) == text::to_lower(c)) return std::string(k.name);
    }
    if (known_suites().count(text::to_lower(c))) return std::string(c);
    std::string classes;
    for (const auto& k : cipher_classes())
        classes += (classes.empty() ? "" : ", ") + std::string(k.name);
    why = "is neither a cipher class (" + classes + ") nor a suite the local OpenSSL knows";
    return std::nullopt;
}

void read_list_rule(SpecReader& r, const yaml::Node& n, const std::string& what, Canon canon,
                    ListRule& out) {
    Fields f(r, n, what);
    if (!f.valid()) return;
    for (auto [key, list] : {std::pair{"has", &out.has}, std::pair{"lacks", &out.lacks},
                             std::pair{"only", &out.only}}) {
        if (!f.has(key)) continue;
        auto node = f.take(key);
        std::vector<yaml::Node> items;
        if (node.is_list())
            for (yaml::Node item : node.items())
                items.push_back(item);
        else
            items.push_back(node);
        for (const auto& item : items) {
            // `[RC4, NULL]` as written in audits: YAML reads a plain NULL as null.
            std::optional<std::string> text;
            if (item.is_null() && text::to_lower(item.scalar()) == "null")
                text = "NULL";
            else
                text = r.scalar(item, "each item of " + what + " " + key);
            if (!text) continue;
            std::string why;
            if (auto c = canon(*text, why))
                list->push_back(*c);
            else
                r.error(item, what + " " + key + ": \"" + *text + "\" " + why);
        }
    }
    f.done();
}

}  // namespace

std::optional<TlsProfile> read_tls_profile(SpecReader& r, const yaml::Node& n,
                                           const std::string& what) {
    auto named = [&](const yaml::Node& at, const std::string& name) -> std::optional<TlsProfile> {
        if (auto p = named_profile(name)) return p;
        std::string names;
        for (auto k : profile_names())
            names += (names.empty() ? "" : ", ") + std::string(k);
        r.error(at, what + " profile \"" + name + "\" is not a known profile: use " + names);
        return std::nullopt;
    };
    if (n.is_scalar()) {
        auto s = r.scalar(n, what);
        if (!s) return std::nullopt;
        return named(n, *s);
    }
    Fields f(r, n, what);
    if (!f.valid()) return std::nullopt;
    const std::size_t errors = r.error_count();
    TlsProfile p;
    if (f.has("profile")) {
        auto node = f.take("profile");
        if (auto s = r.scalar(node, what + " profile"))
            if (auto base = named(node, *s)) p = *base;
    }
    if (auto v = f.take("versions"); v.defined())
        read_list_rule(r, v, what + " versions", canon_version, p.versions);
    if (auto v = f.take("ciphers"); v.defined())
        read_list_rule(r, v, what + " ciphers", canon_cipher, p.ciphers);
    if (auto v = f.take("groups"); v.defined())
        read_list_rule(r, v, what + " groups", canon_group, p.groups);
    if (auto v = f.integer("min_rsa_bits", 512, 16384)) p.min_rsa_bits = static_cast<int>(*v);
    if (auto v = f.integer("min_dh_bits", 512, 16384)) p.min_dh_bits = static_cast<int>(*v);
    if (auto v = f.choice("forward_secrecy", {"required", "optional"}))
        p.forward_secrecy = *v == "required";
    if (auto v = f.choice("secure_renegotiation", {"required", "optional"}))
        p.secure_renegotiation = *v == "required";
    if (auto v = f.choice("early_data", {"refused", "allowed"})) p.no_early_data = *v == "refused";
    if (auto v = f.choice("compression", {"refused", "allowed"}))
        p.no_compression = *v == "refused";
    f.done();
    if (r.error_count() != errors) return std::nullopt;
    return p;
}

std::shared_ptr<const Check> parse_tls_scan(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<TlsScanCheck>();
    const std::string what = "tls_scan of check '" + ctx.spec.id + "'";
    if (body.is_null()) return c;
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    const std::size_t errors = ctx.reader.error_count();
    if (auto v = f.choice("protocol", {"smtp", "pop3", "imap"}))
        c->protocol = *v == "pop3"   ? ScanProtocol::pop3
                      : *v == "imap" ? ScanProtocol::imap
                                     : ScanProtocol::smtp;
    if (auto v = f.boolean("starttls")) c->starttls = *v;
    if (auto v = f.str("name")) c->name = *v;
    if (auto v = f.boolean("groups")) c->groups = *v;
    if (auto v = f.duration("backoff")) c->backoff = *v;
    if (auto n = f.take("tls_profile"); n.defined())
        c->profile = read_tls_profile(ctx.reader, n, what + " tls_profile");
    f.done();
    if (ctx.reader.error_count() != errors) return nullptr;
    return c;
}

// --- the scan -------------------------------------------------------------------------------

namespace {

constexpr int kRetries = 3;

std::vector<std::string> minus(const std::vector<std::string>& all,
                               const std::vector<std::string>& taken) {
    std::vector<std::string> out;
    for (const auto& a : all)
        if (std::find(taken.begin(), taken.end(), a) == taken.end()) out.push_back(a);
    return out;
}

std::string short_list(const std::vector<std::string>& names) {
    if (names.empty()) return "[]";
    if (names.size() == 1) return "[" + names[0] + "]";
    return "[" + names[0] + " +" + std::to_string(names.size() - 1) + "]";
}

class Scanner {
  public:
    Scanner(CheckRun& run, const TlsScanCheck& spec)
        : run_(run),
          spec_(spec),
          gate_(run.executor(), run.target().max_connections, run.target().delay) {
        way_.protocol = spec.protocol;
        way_.implicit = spec.starttls ? !*spec.starttls : run.target().tls == TlsMode::implicit;
        way_.server_name = spec.name;
    }

    boost::asio::awaitable<void> scan() {
        VersionScan ssl3;
        ssl3.version = "SSLv3";
        ssl3.note = transport::can_offer_sslv3() ? "not asked: the scan speaks TLS 1.0 to 1.3"
                                                 : "the local OpenSSL cannot offer SSLv3";
        report_.versions.push_back(std::move(ssl3));
        for (auto v :
             {TlsVersion::tls1_0, TlsVersion::tls1_1, TlsVersion::tls1_2, TlsVersion::tls1_3}) {
            VersionScan s;
            s.version = std::string(transport::to_string(v));
            report_.versions.push_back(std::move(s));
        }
        std::vector<boost::asio::awaitable<void>> tasks;
        for (std::size_t i = 1; i < report_.versions.size(); ++i)
            tasks.push_back(scan_version(i, static_cast<TlsVersion>(i - 1)));
        co_await run_all(run_.executor(), std::move(tasks));
        if (report_.early_data == Answer::not_tested)
            report_.early_data_note = "TLS 1.3 not accepted";
        report_.compression_note = transport::compression_note();
        if (spec_.groups)
            co_await scan_groups();
        else
            report_.groups_note = "groups: false";
        if (best_) {
            report_.key_type = best_->key_type;
            report_.key_bits = best_->key_bits;
            report_.key_curve = best_->key_curve;
            report_.signature_algorithm = best_->signature_algorithm;
        }
    }

    const ScanReport& report() const { return report_; }
    const std::optional<transport::TlsInfo>& best() const { return best_; }
    const std::string& why_none() const { return why_none_; }
    bool pushed_back() const { return pushed_back_; }
    Transcript& evidence() { return evidence_; }
    Transcript& notes() { return notes_; }

  private:
    void note(std::string text) {
        notes_.push_back({std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - run_.started()),
                          Direction::note, std::move(text)});
    }

    // One question, retried after the server pushed back.
    boost::asio::awaitable<HandshakeReply> ask(const Offer& offer, const std::string& label) {
        HandshakeReply p;
        for (int attempt = 0;; ++attempt) {
            co_await gate_.acquire();
            ++report_.handshakes;
            p = co_await ask_handshake(run_, way_, offer);
            gate_.release();
            if (!p.pushed_back) break;
            pushed_back_ = true;
            if (evidence_.empty()) evidence_ = p.transcript;  // the 421 itself, for the record
            if (attempt == kRetries) break;
            ++report_.backoffs;
            const auto pause = spec_.backoff * (1 << attempt);
            note(label + ": server pushed back (" + p.reason + "), pausing " +
                 format_duration(std::chrono::duration_cast<Millis>(pause)));
            gate_.back_off(pause);
        }
        std::string outcome = std::string(to_string(p.answer));
        if (p.info)
            outcome += " " + p.info->cipher + (p.info->group.empty() ? "" : " " + p.info->group);
        if (!p.reason.empty() && p.answer != Answer::accepted) outcome += " (" + p.reason + ")";
        note(label + " -> " + outcome);
        if (p.answer == Answer::accepted) record_session_facts(*p.info);
        if (p.answer == Answer::accepted && !kept_dialogue_) {
            kept_dialogue_ = true;
            evidence_.insert(evidence_.begin(), p.transcript.begin(), p.transcript.end());
        }
        if (p.answer == Answer::unanswered && why_none_.empty()) why_none_ = p.reason;
        co_return p;
    }

    // Renegotiation and 0-RTT come with every accepted handshake; one without RFC 5746, or
    // one ticket allowing early data, decides.
    void record_session_facts(const transport::TlsInfo& info) {
        if (info.secure_renegotiation) {
            if (report_.secure_renegotiation != false) {
                report_.secure_renegotiation = *info.secure_renegotiation;
                if (!*info.secure_renegotiation) report_.insecure_renegotiation_at = info.version;
            }
        }
        if (info.version != "TLSv1.3") return;
        if (info.ticket_max_early_data && *info.ticket_max_early_data > 0) {
            report_.early_data = Answer::accepted;
            report_.max_early_data = std::max(report_.max_early_data, *info.ticket_max_early_data);
        } else if (report_.early_data != Answer::accepted) {
            if (info.ticket_max_early_data) {
                report_.early_data = Answer::refused;
                report_.early_data_note = "session tickets allow no early data";
            } else if (report_.early_data != Answer::refused) {
                report_.early_data = Answer::refused;
                report_.early_data_note = "no session ticket: no resumption, so no 0-RTT";
            }
        }
    }

    Offer offer_for(TlsVersion v, const std::vector<std::string>& names) const {
        Offer o;
        o.version = v;
        if (v == TlsVersion::tls1_3) {
            for (const auto& n : names)
                o.ciphersuites += (o.ciphersuites.empty() ? "" : ":") + n;
            o.ciphers = "ALL:@SECLEVEL=0";
        } else {
            o.ciphers = transport::cipher_list(names);
        }
        return o;
    }

    // The version offered alone with every suite the local OpenSSL has for it, then the
    // suites it accepts: each round offers what is left and drops the suite the server chose.
    boost::asio::awaitable<void> scan_version(std::size_t index, TlsVersion v) {
        auto& vs = report_.versions[index];
        const auto catalog = transport::offerable_ciphers(v);
        std::vector<std::string> names;
        for (const auto& c : catalog) {
            names.push_back(c.name);
            if (auto t = parse_cipher_description(c.description)) {
                t->iana = c.iana;
                report_.traits[c.name] = *t;
            }
        }
        vs.offered = names.size();
        if (names.empty()) {
            vs.answer = Answer::not_tested;
            vs.note = "the local OpenSSL cannot offer " + vs.version;
            co_return;
        }
        auto all = offer_for(v, names);
        auto first = co_await ask(all, vs.version + " " + short_list(names));
        vs.answer = first.answer;
        if (first.answer != Answer::accepted) {
            vs.note = first.reason;
            co_return;
        }
        if (!best_ || v >= best_version_) {
            best_ = first.info;
            best_version_ = v;
        }
        const std::string top = first.info->cipher;
        vs.ciphers.push_back(top);
        vs.key_exchange[top] = first.info->group;
        // The same suites in reverse: a server that imposes its order picks the same one.
        std::vector<std::string> reversed(names.rbegin(), names.rend());
        std::optional<std::string> second;
        if (names.size() > 1) {
            auto rev = offer_for(v, reversed);
            auto p = co_await ask(rev, vs.version + " reversed " + short_list(reversed));
            if (p.answer == Answer::accepted) {
                second = p.info->cipher;
                if (*second != top) {
                    vs.ciphers.push_back(*second);
                    vs.key_exchange[*second] = p.info->group;
                }
            } else if (p.answer == Answer::unanswered) {
                vs.complete = false;
                report_.unanswered.push_back(vs.version + " suite order: " + p.reason);
            }
        }
        const bool server_order = second && *second == top;
        auto rest = minus(names, vs.ciphers);
        if (server_order) {
            co_await chain(v, vs, rest);  // the rounds then give the server's order
        } else {
            // The server follows the client: the order of the rounds means nothing, so the
            // rest is split and the slices asked about concurrently.
            const std::size_t slices = std::max<std::size_t>(1, run_.target().max_connections);
            std::vector<std::vector<std::string>> parts(std::min(slices, rest.size()));
            for (std::size_t i = 0; i < rest.size(); ++i)
                parts[i % parts.size()].push_back(rest[i]);
            std::vector<boost::asio::awaitable<void>> tasks;
            for (auto& part : parts)
                tasks.push_back(chain(v, vs, part));
            co_await run_all(run_.executor(), std::move(tasks));
            // Accepted suites in the client's (OpenSSL's) order, which this server follows.
            std::vector<std::string> ordered;
            for (const auto& n : names)
                if (std::find(vs.ciphers.begin(), vs.ciphers.end(), n) != vs.ciphers.end())
                    ordered.push_back(n);
            vs.ciphers = ordered;
        }
        if (vs.ciphers.size() > 1 && second) vs.server_order = server_order;
    }

    boost::asio::awaitable<void> chain(TlsVersion v, VersionScan& vs,
                                       std::vector<std::string> left) {
        while (!left.empty()) {
            auto o = offer_for(v, left);
            auto p = co_await ask(o, vs.version + " " + short_list(left));
            if (p.answer == Answer::refused || p.answer == Answer::not_tested) co_return;
            if (p.answer == Answer::unanswered) {
                vs.complete = false;
                report_.unanswered.push_back(vs.version + " suites " + short_list(left) + ": " +
                                             p.reason);
                co_return;
            }
            const std::string chosen = p.info->cipher;
            auto it = std::find(left.begin(), left.end(), chosen);
            if (it == left.end()) {  // chose a suite not offered: stop rather than loop
                report_.unanswered.push_back(vs.version + ": server chose " + chosen +
                                             ", which was not offered");
                vs.complete = false;
                co_return;
            }
            left.erase(it);
            vs.ciphers.push_back(chosen);
            vs.key_exchange[chosen] = p.info->group;
        }
    }

    // Groups at the best version: TLS 1.3 offers one group in the key share; TLS 1.2 offers
    // one curve with the accepted ECDHE suites (there the server picks DHE parameters itself,
    // so ffdhe groups are not asked).
    boost::asio::awaitable<void> scan_groups() {
        const VersionScan* at = nullptr;
        for (const auto& v : report_.versions)
            if (v.answer == Answer::accepted && (v.version == "TLSv1.3" || v.version == "TLSv1.2"))
                at = &v;
        if (!at) {
            report_.groups_note = "neither TLS 1.2 nor 1.3 accepted";
            co_return;
        }
        report_.groups_version = at->version;
        const bool tls13 = at->version == "TLSv1.3";
        std::vector<std::string> ecdhe;
        for (const auto& c : at->ciphers)
            if (auto it = report_.traits.find(c);
                it != report_.traits.end() && it->second.kx == "ECDH")
                ecdhe.push_back(c);
        std::vector<boost::asio::awaitable<void>> tasks;
        for (const auto& g : transport::scan_groups()) {
            GroupScan s{g.name, Answer::not_tested, ""};
            const bool ffdhe = g.name.rfind("ffdhe", 0) == 0;
            if (!g.offerable)
                s.note = "the local OpenSSL cannot offer it";
            else if (!tls13 && ffdhe)
                s.note = "not asked at TLS 1.2 (the server chooses DHE parameters)";
            else if (!tls13 && ecdhe.empty())
                s.note = "no ECDHE suite accepted at TLS 1.2";
            else
                s.answer = Answer::unanswered;  // to be asked
            report_.groups.push_back(s);
        }
        for (std::size_t i = 0; i < report_.groups.size(); ++i)
            if (report_.groups[i].answer == Answer::unanswered)
                tasks.push_back(ask_group(i, tls13, ecdhe));
        co_await run_all(run_.executor(), std::move(tasks));
    }

    boost::asio::awaitable<void> ask_group(std::size_t index, bool tls13,
                                           std::vector<std::string> ecdhe) {
        auto& g = report_.groups[index];
        Offer o = tls13 ? offer_for(TlsVersion::tls1_3,
                                    {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                                     "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256",
                                     "TLS_AES_128_CCM_8_SHA256"})
                        : offer_for(TlsVersion::tls1_2, ecdhe);
        o.groups = g.name;
        auto p = co_await ask(o, std::string(tls13 ? "TLSv1.3" : "TLSv1.2") + " group " + g.name);
        g.answer = p.answer;
        if (p.answer == Answer::accepted && p.info->group != g.name) {
            g.answer = Answer::refused;
            g.note = "answered with " + p.info->group;
        } else if (p.answer != Answer::accepted) {
            g.note = p.reason;
            if (p.answer == Answer::unanswered)
                report_.unanswered.push_back("group " + g.name + ": " + p.reason);
        }
    }

    CheckRun& run_;
    const TlsScanCheck& spec_;
    ConnectionGate gate_;
    ScanWay way_;
    ScanReport report_;
    std::optional<transport::TlsInfo> best_;
    TlsVersion best_version_ = TlsVersion::tls1_0;
    std::string why_none_;
    bool pushed_back_ = false;
    bool kept_dialogue_ = false;
    Transcript evidence_, notes_;
};

std::string way_label(const TlsScanCheck& c, bool implicit) {
    const char* proto = c.protocol == ScanProtocol::pop3   ? "POP3"
                        : c.protocol == ScanProtocol::imap ? "IMAP"
                                                           : "SMTP";
    if (implicit) return std::string(proto) + " TLS at connect";
    return std::string(proto) + (c.protocol == ScanProtocol::pop3 ? " STLS" : " STARTTLS");
}

}  // namespace

boost::asio::awaitable<void> TlsScanCheck::run(CheckRun& run) const {
    Result r = run.result();
    const bool implicit = starttls ? !*starttls : run.target().tls == TlsMode::implicit;
    r.expected = "TLS scan over " + way_label(*this, implicit);
    if (profile) r.expected += "; " + describe_profile(*profile);
    r.endpoint = run.target().host + ":" + std::to_string(run.target().port);
    Scanner scanner(run, *this);
    co_await scanner.scan();
    const auto& report = scanner.report();

    r.transcript = std::move(scanner.evidence());
    auto& notes = scanner.notes();
    r.transcript.insert(r.transcript.end(), notes.begin(), notes.end());
    const auto at = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - run.started());
    for (auto& line : render_table(report))
        r.transcript.push_back({at, Direction::note, std::move(line)});
    if (scanner.best())
        for (auto& [k, v] : scanner.best()->properties())
            r.properties[k] = v;
    // The scan does not judge trust (its clients load no trust store): the starttls and tls
    // checks do.
    r.properties.erase("tls.verified");
    r.properties.erase("tls.verify_error");
    for (auto& [k, v] : scan_properties(report))
        r.properties[k] = v;
    r.actual = scan_summary(report);

    if (report.accepted_versions().empty()) {
        bool refused_all = true;
        for (const auto& v : report.versions)
            if (v.answer == Answer::unanswered) refused_all = false;
        if (refused_all) {
            r.status = Status::fail;
            r.message = "no TLS version accepted (" + way_label(*this, implicit) + ")";
        } else if (scanner.why_none().find("not offered") != std::string::npos) {
            r.status = Status::fail;
            r.message = scanner.why_none();
        } else {
            r.status = scanner.pushed_back() ? Status::inconclusive : Status::error;
            r.message = "no handshake answered: " + scanner.why_none();
        }
        run.emit(std::move(r));
        co_return;
    }
    std::vector<std::string> failing, notes_only;
    if (profile)
        for (auto& f : judge_profile(*profile, report))
            (f.failing ? failing : notes_only).push_back(f.message);
    if (!failing.empty()) {
        r.status = Status::fail;
        r.message = join_items(failing, "; ");
    } else if (!report.complete()) {
        r.status = scanner.pushed_back() ? Status::inconclusive : Status::error;
        r.message = "scan incomplete: " + join_items(report.unanswered, "; ");
    } else {
        r.status = Status::pass;
        r.message = scan_summary(report);
        if (profile)
            r.message += "; " + (profile->name.empty() ? "profile" : profile->name) + " met";
    }
    if (!notes_only.empty()) r.message += " (notes: " + join_items(notes_only, "; ") + ")";
    run.emit(std::move(r));
}

}  // namespace mailspec
