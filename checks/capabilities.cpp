#include "checks/capabilities.hpp"

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "protocol/text.hpp"

namespace mailspec {

namespace {

void read_rules(Fields& f, CapabilityRules& rules) {
    if (auto v = f.strings("has")) rules.has = *v;
    if (auto v = f.strings("lacks")) rules.lacks = *v;
    if (auto n = f.take("size"); n.defined()) {
        Fields size(f.reader(), n, f.what() + " size");
        if (auto v = size.integer("min", 0, INT64_MAX))
            rules.size_min = static_cast<std::uint64_t>(*v);
        if (auto v = size.integer("max", 0, INT64_MAX))
            rules.size_max = static_cast<std::uint64_t>(*v);
        size.done();
    }
}

}  // namespace

std::shared_ptr<const Check> parse_capabilities(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<CapabilitiesCheck>();
    std::string what = "capabilities of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    read_rules(f, c->plain);
    // before_tls: the same rules as the top level, spelled out for readability.
    if (auto n = f.take("before_tls"); n.defined()) {
        Fields before(ctx.reader, n, what + " before_tls");
        read_rules(before, c->plain);
        before.done();
    }
    if (auto n = f.take("after_tls"); n.defined()) {
        Fields after(ctx.reader, n, what + " after_tls");
        c->after_tls.emplace();
        read_rules(after, *c->after_tls);
        after.done();
    }
    if (auto v = f.boolean("tls_verify")) c->tls_verify = *v;
    f.done();
    if (c->plain.empty() && (!c->after_tls || c->after_tls->empty()))
        ctx.reader.error(body, what + " asserts nothing: give has, lacks, size or after_tls");
    return c;
}

}  // namespace mailspec

namespace mailspec {

namespace {

// "AUTH PLAIN" -> keyword AUTH with parameter PLAIN; "STARTTLS" -> keyword only.
bool offers(const smtp::Capabilities& caps, std::string_view item) {
    auto words = text::split_words(item);
    if (words.empty()) return false;
    if (words.size() == 1) return caps.has(words[0]);
    if (text::iequals(words[0], "AUTH")) {
        for (std::size_t i = 1; i < words.size(); ++i)
            if (!caps.offers_auth(words[i])) return false;
        return true;
    }
    const auto* ext = caps.find(words[0]);
    if (ext == nullptr) return false;
    for (std::size_t i = 1; i < words.size(); ++i) {
        bool found = false;
        for (const auto& p : ext->params)
            found = found || text::iequals(p, words[i]);
        if (!found) return false;
    }
    return true;
}

}  // namespace

std::vector<std::string> capability_problems(const CapabilityRules& rules,
                                             const smtp::Capabilities& caps) {
    std::vector<std::string> problems;
    for (const auto& h : rules.has)
        if (!offers(caps, h)) problems.push_back("lacks " + h);
    for (const auto& l : rules.lacks)
        if (offers(caps, l)) problems.push_back("offers " + l);
    if (rules.size_min || rules.size_max) {
        auto size = caps.size();
        if (!size) {
            problems.push_back("no SIZE limit advertised");
        } else {
            // SIZE 0 means "no fixed limit" (RFC 1870): it satisfies any minimum, no maximum.
            if (rules.size_min && *size != 0 && *size < *rules.size_min)
                problems.push_back("SIZE " + std::to_string(*size) + " < " +
                                   std::to_string(*rules.size_min));
            if (rules.size_max && (*size == 0 || *size > *rules.size_max))
                problems.push_back("SIZE " + std::to_string(*size) + " > " +
                                   std::to_string(*rules.size_max));
        }
    }
    return problems;
}

std::string describe_capabilities(const smtp::Capabilities& caps) {
    std::string s;
    for (const auto& e : caps.extensions)
        s += (s.empty() ? "" : ", ") + e.line;
    return s.empty() ? "(no extensions)" : s;
}

std::string describe_rules(const CapabilityRules& rules) {
    std::string s;
    auto list = [&](const char* label, const std::vector<std::string>& items) {
        if (items.empty()) return;
        s += (s.empty() ? "" : "; ") + std::string(label);
        for (std::size_t i = 0; i < items.size(); ++i)
            s += (i ? ", " : " ") + items[i];
    };
    list("has", rules.has);
    list("lacks", rules.lacks);
    if (rules.size_min)
        s += (s.empty() ? "" : "; ") + std::string("SIZE >= ") + std::to_string(*rules.size_min);
    if (rules.size_max)
        s += (s.empty() ? "" : "; ") + std::string("SIZE <= ") + std::to_string(*rules.size_max);
    return s;
}

boost::asio::awaitable<void> CapabilitiesCheck::run(CheckRun& run) const {
    auto client = make_smtp_client(run, {tls_verify});
    Result r = run.result();
    std::vector<std::string> problems;
    std::string expected, actual;
    auto judge = [&](const CapabilityRules& rules, const smtp::Capabilities& caps,
                     const char* when) {
        if (rules.empty()) return;
        expected += (expected.empty() ? "" : " | ") + std::string(when) + describe_rules(rules);
        actual += (actual.empty() ? "" : " | ") + std::string(when) + describe_capabilities(caps);
        for (auto& p : capability_problems(rules, caps))
            problems.push_back(when + p);
    };
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, "capabilities")) {
            attach_evidence(*client, *bad);
            run.emit(std::move(*bad));
            co_return;
        }
        auto ehlo = co_await client->ehlo(run.spec().helo);
        if (!ehlo.capabilities) {
            r.status = Status::fail;
            r.expected = "250 reply to EHLO";
            r.actual = one_line(ehlo.reply);
            r.message = "EHLO refused: " + first_line(ehlo.reply);
            co_await quit_quietly(*client);
            attach_evidence(*client, r);
            run.emit(std::move(r));
            co_return;
        }
        judge(plain, *ehlo.capabilities, "");
        if (after_tls) {
            if (!ehlo.capabilities->has("STARTTLS")) {
                problems.push_back(
                    "STARTTLS not offered, so capabilities after TLS cannot be seen");
            } else {
                auto tls = co_await client->starttls();
                if (tls.code != 220) {
                    problems.push_back("STARTTLS refused: " + first_line(tls));
                } else {
                    auto again = co_await client->ehlo(run.spec().helo);
                    if (!again.capabilities)
                        problems.push_back("EHLO after STARTTLS refused: " +
                                           first_line(again.reply));
                    else
                        judge(*after_tls, *again.capabilities, "after TLS: ");
                }
            }
        }
        co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        run.emit(step_error(run, *client, e));
        co_return;
    }
    r.expected = expected;
    r.actual = actual;
    if (problems.empty()) {
        r.status = Status::pass;
        r.message = expected;
    } else {
        r.status = Status::fail;
        for (std::size_t i = 0; i < problems.size(); ++i)
            r.message += (i ? "; " : "") + problems[i];
    }
    attach_evidence(*client, r);
    run.emit(std::move(r));
}

}  // namespace mailspec
