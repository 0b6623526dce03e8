#include "checks/mailbox_support.hpp"

#include <algorithm>

namespace mailspec {

transport::MailboxClientOptions mailbox_options(const CheckRun& run, const TlsAssertions& tls) {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - run.started());
    return mailbox_options(run, run.target(), tls.name, run.spec().timeout - elapsed);
}

transport::MailboxClientOptions mailbox_options(const CheckRun& run, const Target& target,
                                                const std::string& tls_name,
                                                std::chrono::milliseconds budget) {
    transport::MailboxClientOptions o;
    auto left = std::max(budget, std::chrono::milliseconds(1));
    o.timeouts.total = left;
    o.timeouts.connect = std::min(o.timeouts.connect, left);
    o.timeouts.greeting = std::min(o.timeouts.greeting, left);
    o.timeouts.reply = std::min(o.timeouts.reply, left);
    o.timeouts.tls_handshake = std::min(o.timeouts.tls_handshake, left);
    o.implicit_tls = target.tls == TlsMode::implicit;
    o.tls.server_name = tls_name.empty() ? target.tls_name : tls_name;
    o.tls.ca_file = target.ca_file;
    o.tls.verify = false;
    o.origin = run.started();
    return o;
}

void attach_evidence(transport::MailboxConnection& c, Result& r) {
    if (auto ep = c.endpoint()) r.endpoint = ep->to_string();
    if (const auto& tls = c.tls_info())
        for (auto& [k, v] : tls->properties())
            r.properties[k] = v;
    for (auto& f : c.take_findings())
        r.findings.push_back(std::move(f));
    auto t = c.take_transcript();
    r.transcript.insert(r.transcript.end(), std::make_move_iterator(t.begin()),
                        std::make_move_iterator(t.end()));
}

Result step_error(const CheckRun& run, transport::MailboxConnection& c,
                  const transport::StepError& e) {
    Result r = run.result();
    r.status = Status::error;
    r.message = e.what();
    attach_evidence(c, r);
    return r;
}

std::string join_words(const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (const auto& i : items)
        s += (s.empty() ? "" : sep) + i;
    return s;
}

bool read_mailbox_access(Fields& f, MailboxAccess& a, bool imap) {
    auto& reader = f.reader();
    const std::size_t before = reader.error_count();
    a.starttls = f.boolean("starttls");
    if (f.has("greeting")) {
        auto node = f.take("greeting");
        if (auto v = reader.scalar(node, f.what() + " greeting")) {
            try {
                a.greeting.emplace(*v, std::regex::ECMAScript);
                a.greeting_pattern = *v;
            } catch (const std::regex_error& e) {
                reader.error(node, f.what() + " greeting is not a valid regex: " + e.what());
            }
        }
    }
    auto read_caps = [&](const char* key, std::vector<std::string>& has,
                         std::vector<std::string>& lacks) {
        auto n = f.take(key);
        if (!n.defined()) return;
        Fields c(reader, n, f.what() + " " + key);
        if (!c.valid()) return;
        if (auto v = c.strings("has")) has = *v;
        if (auto v = c.strings("lacks")) lacks = *v;
        c.done();
    };
    read_caps("capabilities", a.has, a.lacks);
    read_caps("capabilities_tls", a.tls_has, a.tls_lacks);
    if (f.choice("plaintext_login", {"refused"})) a.plaintext_refused = true;
    if (auto v = f.str("user")) a.user = *v;
    a.secret = f.secret();
    if (auto v = f.choice("login", {"accepted", "rejected"})) a.login_accepted = *v == "accepted";
    if (auto v = f.integer("messages_at_least", 0, 1'000'000'000))
        a.messages_at_least = static_cast<std::uint64_t>(*v);
    if (imap) {
        if (auto v = f.str("mailbox")) a.mailbox = *v;
    }
    if (auto n = f.take("tls"); n.defined()) {
        Fields t(reader, n, f.what() + " tls");
        if (t.valid()) {
            read_tls_assertions(t, a.tls);
            t.done();
        }
    }
    f.done();
    if (reader.error_count() != before) return false;
    if (a.messages_at_least && !a.login_accepted) a.login_accepted = true;
    if (a.login_accepted) {
        if (a.user.empty()) reader.error(f.node(), f.what() + " needs user");
        if (!a.secret) reader.error(f.node(), f.what() + " needs password_env or password_file");
    }
    if (a.messages_at_least && a.login_accepted == false)
        reader.error(f.node(), f.what() + ": messages_at_least needs login: accepted");
    if (a.plaintext_refused && a.starttls == false)
        reader.error(f.node(), f.what() +
                                   ": plaintext_login: refused needs the plaintext channel "
                                   "before STARTTLS (starttls: false forbids it)");
    return reader.error_count() == before;
}

void Verdict::conclude(Result& r) const {
    r.expected = join_words(expected, ", ");
    r.actual = join_words(facts, "; ");
    if (!problems.empty()) {
        r.status = Status::fail;
        r.message = join_words(problems, "; ");
    } else if (early) {
        r.status = *early;
        r.message = early_message;
    } else {
        r.status = Status::pass;
        r.message = join_words(facts, "; ");
    }
}

std::optional<std::string> read_password(const MailboxAccess& a, Verdict& v) {
    if (!a.login_accepted) return std::string();
    std::string why;
    auto value = read_secret(*a.secret, why);
    if (!value)
        v.stop(Status::error, "cannot read the password (" + a.secret->describe() + "): " + why);
    return value;
}

}  // namespace mailspec
