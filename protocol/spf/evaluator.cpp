#include "protocol/spf/evaluator.hpp"

#include <algorithm>

#include "protocol/spf/macro.hpp"
#include "protocol/spf/record.hpp"
#include "protocol/text.hpp"

namespace mailspec::spf {

const dns::Answer* LookupCache::find(const dns::Question& q) const {
    auto it = answers_.find(q);
    return it == answers_.end() ? nullptr : &it->second;
}

void LookupCache::store(const dns::Question& q, dns::Answer a) {
    answers_[q] = std::move(a);
}

dns::Question make_question(std::string name, dns::RrType type) {
    if (!name.empty() && name.back() == '.') name.pop_back();
    return {text::to_lower(name), type};
}

namespace {

// Thrown when the cache lacks an answer: the run unwinds and reports what it needs.
struct Suspend {};

// Thrown for temperror / permerror: RFC 7208 makes both end the whole check (§4.4, §4.6.4,
// §5.2, §6.1), however deep in include/redirect they happen.
struct Abort {
    Abort(Code c, std::string why) : code(c), reason(std::move(why)) {}
    Code code;
    std::string reason;
    std::string domain, record;  // where it happened; filled by the innermost check_host
    bool located = false;
};

struct Outcome {
    Code code = Code::none;
    std::string domain, record, mechanism, explanation, reason;
    std::vector<std::string> path;
};

Code code_of(Qualifier q) {
    switch (q) {
        case Qualifier::pass:
            return Code::pass;
        case Qualifier::fail:
            return Code::fail;
        case Qualifier::softfail:
            return Code::softfail;
        case Qualifier::neutral:
            return Code::neutral;
    }
    return Code::neutral;
}

// §4.3 asks for a fully qualified domain: several labels, and no address literal such as a
// HELO of "[192.0.2.1]" or "192.0.2.1" (a top label is never all digits).
bool is_fqdn(std::string_view d) {
    if (!d.empty() && d.back() == '.') d.remove_suffix(1);
    auto dot = d.rfind('.');
    if (dot == std::string_view::npos) return false;
    if (d.find_first_of("[]") != std::string_view::npos) return false;
    return d.substr(dot + 1).find_first_not_of("0123456789") != std::string_view::npos;
}

// "a.example.com" is `base` itself or one of its subdomains (case-insensitively).
bool within(std::string_view name, std::string_view base) {
    if (text::iequals(name, base)) return true;
    return name.size() > base.size() && name[name.size() - base.size() - 1] == '.' &&
           text::iequals(name.substr(name.size() - base.size()), base);
}

class Evaluation {
  public:
    Evaluation(const Request& r, const LookupCache& c) : req_(r), cache_(c) {}

    Step run() {
        Result res;
        ip_ = req_.ip.unmapped();  // §5: IPv4-mapped IPv6 clients are IPv4 clients
        std::string domain;
        res.identity = req_.identity == Identity::helo ? "helo" : "mailfrom";
        // §2.3/§2.4: HELO checks and the null reverse-path use postmaster@<HELO name>.
        std::string sender = req_.sender;
        if (req_.identity == Identity::helo || sender.empty()) sender = "postmaster@" + req_.helo;
        auto at = sender.rfind('@');
        if (at == std::string::npos) {
            sender = "postmaster@" + sender;
            at = sender.rfind('@');
        }
        local_ = sender.substr(0, at);
        sender_domain_ = sender.substr(at + 1);
        if (local_.empty()) local_ = "postmaster";  // §4.3
        sender_ = local_ + "@" + sender_domain_;
        domain = sender_domain_;
        if (!domain.empty() && domain.back() == '.') domain.pop_back();
        res.sender = sender_;
        res.domain = domain;
        try {
            Outcome o = check_host(domain, true, 0);
            res.code = o.code;
            res.decided_by_domain = o.domain;
            res.decided_by_record = o.record;
            res.mechanism = o.mechanism;
            res.explanation = o.explanation;
            res.reason = o.reason;
            res.path = o.path;
        } catch (const Suspend&) {
            return Step{std::nullopt, needs_};
        } catch (const Abort& a) {
            res.code = a.code;
            res.reason = a.reason;
            res.decided_by_domain = a.domain;
            res.decided_by_record = a.record;
        }
        res.record = top_record_;
        res.lookups = std::move(trace_);
        res.dns_terms = terms_;
        res.void_lookups = voids_;
        return Step{std::move(res), {}};
    }

  private:
    const dns::Answer& lookup(const dns::Question& q, const std::string& purpose) {
        const dns::Answer* a = cache_.find(q);
        if (!a) {
            needs_.push_back(q);
            throw Suspend{};
        }
        trace_.push_back({q, a->status, a->record_strings(), purpose});
        return *a;
    }

    // Asks for all missing answers of a term at once (MX hosts, PTR names) to save round trips.
    void prefetch(const std::vector<dns::Question>& qs) {
        for (const auto& q : qs)
            if (!cache_.find(q) && std::find(needs_.begin(), needs_.end(), q) == needs_.end())
                needs_.push_back(q);
        if (!needs_.empty()) throw Suspend{};
    }

    void count_term(const std::string& term) {
        if (++terms_ > req_.limits.dns_terms)
            throw Abort{Code::permerror, "more than " + std::to_string(req_.limits.dns_terms) +
                                             " DNS-querying terms (RFC 7208 §4.6.4) at '" + term +
                                             "'"};
    }

    void count_void(const dns::Answer& a, const std::string& term) {
        if (!a.is_void()) return;
        if (++voids_ > req_.limits.void_lookups)
            throw Abort{Code::permerror, "more than " + std::to_string(req_.limits.void_lookups) +
                                             " void lookups (RFC 7208 §4.6.4) at '" + term + "'"};
    }

    [[noreturn]] void dns_error(const dns::Question& q, const dns::Answer& a) {
        std::string why = "DNS " + std::string(dns::to_string(a.status)) + " for " +
                          std::string(dns::to_string(q.type)) + " " + q.name;
        if (!a.detail.empty()) why += " (" + a.detail + ")";
        throw Abort{Code::temperror, why};
    }

    dns::RrType address_type() const { return ip_.is_v4() ? dns::RrType::a : dns::RrType::aaaa; }

    MacroContext context(const std::string& domain) {
        MacroContext c;
        c.sender = sender_;
        c.local_part = local_;
        c.sender_domain = sender_domain_;
        c.domain = domain;
        c.ip = ip_;
        c.helo = req_.helo;
        c.receiver = req_.receiver;
        c.timestamp = req_.timestamp;
        c.validated_name = [this, domain] { return p_macro(domain); };
        return c;
    }

    // Expands a target domain-spec (or uses the current domain) and checks the name's shape.
    std::string target(const Mechanism& m, const std::string& domain, const MacroContext& ctx) {
        if (!m.domain) return domain;
        return expand_name(*m.domain, ctx, m.text, true);
    }

    std::string expand_name(const MacroString& spec, const MacroContext& ctx,
                            const std::string& term, bool must_be_valid) {
        std::string name = truncate_domain(spec.expand(ctx));
        if (!name.empty() && name.back() == '.') name.pop_back();
        if (must_be_valid && !dns::is_valid_domain_name(name))
            throw Abort{Code::permerror, "'" + term + "' expands to invalid name '" + name + "'"};
        return name;
    }

    // §5.5: names from the PTR lookup whose A/AAAA records include the client IP.
    std::vector<std::string> validated_names(const std::string& purpose, bool count_voids) {
        auto q = make_question(ip_.reverse_name(), dns::RrType::ptr);
        const auto& ans = lookup(q, purpose);
        if (ans.is_error()) return {};  // §5.5: a DNS error makes "ptr" not match
        if (count_voids) count_void(ans, purpose);
        std::vector<std::string> names = ans.names;
        // §4.6.4: names beyond the limit MUST be ignored.
        if (names.size() > req_.limits.ptr_names) names.resize(req_.limits.ptr_names);
        std::vector<dns::Question> qs;
        for (const auto& n : names)
            qs.push_back(make_question(n, address_type()));
        prefetch(qs);
        std::vector<std::string> out;
        for (std::size_t i = 0; i < names.size(); ++i) {
            const auto& a = lookup(qs[i], purpose + " (validate " + names[i] + ")");
            if (a.is_error()) continue;  // §5.5: skip the name, go on
            if (std::find(a.addresses.begin(), a.addresses.end(), ip_) != a.addresses.end())
                out.push_back(qs[i].name);
        }
        return out;
    }

    // §7.3 "p": a validated name equal to, else under, <domain>; else any; else "unknown".
    std::string p_macro(const std::string& domain) {
        auto names = validated_names("%{p}", false);
        for (const auto& n : names)
            if (text::iequals(n, domain)) return n;
        for (const auto& n : names)
            if (within(n, domain)) return n;
        return names.empty() ? "unknown" : names.front();
    }

    bool in_cidr(const dns::IpAddress& addr, const Mechanism& m) const {
        return ip_.in_network(addr, ip_.is_v4() ? m.cidr4 : m.cidr6);
    }

    bool matches(const Mechanism& m, const std::string& domain, const MacroContext& ctx, int depth,
                 std::vector<std::string>& path) {
        switch (m.kind) {
            case MechanismKind::all:
                return true;
            case MechanismKind::ip4:
                return ip_.is_v4() && ip_.in_network(m.network, m.cidr4);
            case MechanismKind::ip6:
                return ip_.is_v6() && ip_.in_network(m.network, m.cidr6);
            case MechanismKind::include: {
                count_term(m.text);
                std::string name = truncate_domain(m.domain->expand(ctx));
                Outcome o = check_host(name, false, depth + 1);
                // §5.2: include of a domain without a record is a permerror.
                if (o.code == Code::none)
                    throw Abort{Code::permerror, "'" + m.text + "': " + o.reason};
                if (o.code != Code::pass) return false;
                path = o.path;
                return true;
            }
            case MechanismKind::a: {
                count_term(m.text);
                auto q = make_question(target(m, domain, ctx), address_type());
                const auto& ans = lookup(q, m.text);
                if (ans.is_error()) dns_error(q, ans);
                count_void(ans, m.text);
                for (const auto& addr : ans.addresses)
                    if (in_cidr(addr, m)) return true;
                return false;
            }
            case MechanismKind::mx: {
                count_term(m.text);
                auto q = make_question(target(m, domain, ctx), dns::RrType::mx);
                const auto& ans = lookup(q, m.text);
                if (ans.is_error()) dns_error(q, ans);
                count_void(ans, m.text);
                if (ans.mx.size() > req_.limits.mx_names)
                    throw Abort{Code::permerror,
                                "'" + m.text + "': " + std::to_string(ans.mx.size()) +
                                    " MX records, more than " +
                                    std::to_string(req_.limits.mx_names) + " (RFC 7208 §4.6.4)"};
                std::vector<dns::Question> qs;
                for (const auto& mx : ans.mx)
                    if (!mx.exchange.empty() && mx.exchange != ".")  // null MX: no host
                        qs.push_back(make_question(mx.exchange, address_type()));
                prefetch(qs);
                for (const auto& hq : qs) {
                    const auto& a = lookup(hq, m.text + " (MX host)");
                    if (a.is_error()) dns_error(hq, a);
                    for (const auto& addr : a.addresses)
                        if (in_cidr(addr, m)) return true;
                }
                return false;
            }
            case MechanismKind::ptr: {
                count_term(m.text);
                std::string want = target(m, domain, ctx);
                for (const auto& n : validated_names(m.text, true))
                    if (within(n, want)) return true;
                return false;
            }
            case MechanismKind::exists: {
                count_term(m.text);
                // §5.7: always an A query, whatever the client's address family.
                auto q = make_question(target(m, domain, ctx), dns::RrType::a);
                const auto& ans = lookup(q, m.text);
                if (ans.is_error()) dns_error(q, ans);
                count_void(ans, m.text);
                return !ans.addresses.empty();
            }
        }
        return false;
    }

    // §6.2: a failing exp= lookup or expansion falls back to the default explanation.
    std::string explanation(const Record& rec, const MacroContext& ctx) {
        if (rec.exp) {
            try {
                std::string name = expand_name(*rec.exp, ctx, "exp=" + rec.exp->text(), true);
                const auto& ans = lookup(make_question(name, dns::RrType::txt), "exp=");
                if (ans.status == dns::Status::ok && ans.texts.size() == 1) {
                    auto text =
                        MacroString::parse(ans.texts.front(), MacroString::Syntax::explain_string);
                    if (text) return text->expand(ctx);
                }
            } catch (const Abort&) {
            }
        }
        static const auto def =
            MacroString::parse(kDefaultExplanation, MacroString::Syntax::explain_string);
        return def->expand(ctx);
    }

    Outcome check_host(std::string domain, bool explain, int depth) {
        domain = text::to_lower(domain);
        if (!domain.empty() && domain.back() == '.') domain.pop_back();
        Outcome out;
        out.domain = domain;
        // §4.3: a malformed or single-label domain gives "none".
        if (!dns::is_valid_domain_name(domain) || !is_fqdn(domain)) {
            out.reason = "'" + domain + "' is not a valid multi-label domain name";
            return out;
        }
        std::string record_text;
        try {
            auto q = make_question(domain, dns::RrType::txt);
            const auto& ans = lookup(q, depth == 0 ? "SPF record" : "SPF record of " + domain);
            if (ans.is_error()) dns_error(q, ans);  // §4.4: temperror
            std::vector<std::string> spf;
            for (const auto& t : ans.texts)
                if (is_spf_record(t)) spf.push_back(t);
            if (spf.empty()) {
                out.reason = ans.status == dns::Status::nxdomain ? domain + " does not exist"
                                                                 : domain + " has no SPF record";
                return out;
            }
            if (spf.size() > 1)  // §4.5
                throw Abort{Code::permerror,
                            domain + " has " + std::to_string(spf.size()) + " SPF records"};
            record_text = spf.front();
            if (depth == 0) top_record_ = record_text;
            auto parsed = parse_record(record_text);
            if (!parsed.record)  // §4.6: any syntax error is a permerror before evaluation
                throw Abort{Code::permerror, "syntax error: " + parsed.error};
            const Record& rec = *parsed.record;
            out.record = rec.text;
            auto ctx = context(domain);
            for (const auto& m : rec.mechanisms) {
                std::vector<std::string> sub;
                if (!matches(m, domain, ctx, depth, sub)) continue;
                out.code = code_of(m.qualifier);
                out.mechanism = m.text;
                out.path.push_back(domain + ": " + m.text);
                out.path.insert(out.path.end(), sub.begin(), sub.end());
                out.reason = "matched '" + m.text + "' in the record of " + domain;
                if (out.code == Code::fail && explain) out.explanation = explanation(rec, ctx);
                return out;
            }
            // §6.1 / §5.1: redirect applies only when nothing matched and there is no "all".
            if (rec.redirect && !rec.has_all()) {
                std::string term = "redirect=" + rec.redirect->text();
                count_term(term);
                std::string name = truncate_domain(rec.redirect->expand(ctx));
                Outcome o = check_host(name, explain, depth + 1);
                if (o.code == Code::none)
                    throw Abort{Code::permerror, "'" + term + "': " + o.reason};
                o.path.insert(o.path.begin(), domain + ": " + term);
                return o;
            }
            out.code = Code::neutral;  // §4.7
            out.mechanism = "default";
            out.reason = "no mechanism matched in the record of " + domain;
            return out;
        } catch (Abort& a) {
            if (!a.located) {
                a.located = true;
                a.domain = domain;
                a.record = record_text;
            }
            throw;
        }
    }

    const Request& req_;
    const LookupCache& cache_;
    dns::IpAddress ip_;
    std::string sender_, local_, sender_domain_, top_record_;
    std::vector<LookupTrace> trace_;
    std::vector<dns::Question> needs_;
    unsigned terms_ = 0, voids_ = 0;
};

}  // namespace

Step evaluate(const Request& request, const LookupCache& cache) {
    return Evaluation(request, cache).run();
}

}  // namespace mailspec::spf
