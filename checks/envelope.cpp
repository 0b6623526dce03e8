#include "checks/envelope.hpp"

#include "checks/smtp_support.hpp"

namespace mailspec {

std::string EnvelopeExpect::describe() const {
    return accepted ? "MAIL FROM and RCPT TO accepted (2xx)" : "refused with " + refusal.describe();
}

std::optional<EnvelopeExpect> read_envelope_expect(SpecReader& r, const yaml::Node& n,
                                                   std::string_view what) {
    EnvelopeExpect e;
    if (n.is_scalar() && n.scalar() == "accepted") {
        e.accepted = true;
        return e;
    }
    auto reply = read_reply_expectation(r, n, what);
    if (!reply) return std::nullopt;
    e.refusal = std::move(*reply);
    if (e.refusal.empty()) {
        r.error(n, std::string(what) + ": give a refusal (code, enhanced, matches) or 'accepted'");
        return std::nullopt;
    }
    return e;
}

std::string bare_address(std::string a) {
    if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
    return a;
}

namespace {

std::string mail_cmd(const EnvelopeProbe& p) {
    return "MAIL FROM:<" + p.sender + ">";
}
std::string rcpt_cmd(const EnvelopeProbe& p) {
    return "RCPT TO:<" + p.rcpt + ">";
}

}  // namespace

void judge_envelope(const EnvelopeProbe& p, const EnvelopeReplies& x, Result& r) {
    const bool mail_ok = x.mail_code / 100 == 2;
    const bool rcpt_ok = x.rcpt_code && *x.rcpt_code / 100 == 2;
    r.expected = p.expect.describe();
    r.actual = mail_cmd(p) + " -> " + x.mail_line;
    if (x.rcpt_code) r.actual += "; " + rcpt_cmd(p) + " -> " + x.rcpt_line;

    // The reply that decides: the first one that is not 2xx, else the RCPT reply.
    const bool at_mail = !mail_ok;
    const int code = at_mail ? x.mail_code : x.rcpt_code.value_or(0);
    const std::string& enhanced = at_mail ? x.mail_enhanced : x.rcpt_enhanced;
    const std::string& text = at_mail ? x.mail_text : x.rcpt_text;
    const std::string& line = at_mail ? x.mail_line : x.rcpt_line;
    const std::string cmd = at_mail ? mail_cmd(p) : rcpt_cmd(p);

    if (mail_ok && rcpt_ok && !p.expect.accepted && !p.acceptance_proves_nothing.empty()) {
        r.status = Status::inconclusive;
        r.message = cmd + " answered " + line + ": " + p.acceptance_proves_nothing;
        return;
    }
    if (mail_ok && rcpt_ok) {
        r.status = p.expect.accepted ? Status::pass : Status::fail;
        r.message = p.expect.accepted
                        ? "accepted: " + cmd + " answered " + line
                        : "expected " + p.subject + " to be refused with " +
                              p.expect.refusal.describe() + ", but " + cmd + " answered " + line;
        return;
    }
    const bool matches = !p.expect.accepted && p.expect.refusal.match(code, enhanced, text);
    if (matches && x.control_code && *x.control_code / 100 != 2) {
        r.status = Status::inconclusive;
        r.message = cmd + " answered " + line + ", but the server refused the control " +
                    std::string(p.control_is_sender ? "sender <" : "recipient <") + p.control +
                    "> too (" + x.control_line + "): the refusal may not be about " + p.subject;
        return;
    }
    if (matches) {
        r.status = Status::pass;
        r.message = "refused as expected: " + cmd + " answered " + line;
        if (auto note = p.expect.refusal.unusual(code, enhanced, line); !note.empty())
            r.findings.push_back({Severity::notice, "unusual_reply", cmd + ": " + note});
        return;
    }
    if (code == 421 || code / 100 == 4) {
        r.status = Status::inconclusive;
        r.message =
            cmd + " answered " + line + ": a temporary refusal proves nothing about " + p.subject;
        return;
    }
    if (at_mail && p.mail_refusal_untested) {
        r.status = Status::error;
        r.message = cmd + " was refused (" + line + "), so " + p.subject + " could not be tested";
        return;
    }
    r.status = Status::fail;
    r.message =
        p.expect.accepted
            ? "expected " + p.subject + " to be accepted, but " + cmd + " answered " + line
            : "expected " + p.expect.refusal.describe() + ", but " + cmd + " answered " + line;
}

namespace {

void keep(const smtp::Reply& reply, int& code, std::string& enhanced, std::string& text,
          std::string& line) {
    code = reply.code;
    enhanced = reply.enhanced ? reply.enhanced->to_string() : "";
    text = reply.text();
    line = first_line(reply);
}

// The verdict is already known: a server that drops the line at RSET does not change it.
boost::asio::awaitable<void> rset_and_quit(transport::SmtpClient& client) {
    bool ok = client.is_open();
    if (ok) try {
            co_await client.rset();
        } catch (const transport::StepError&) {
            ok = false;
        }
    if (ok) co_await quit_quietly(client);
}

}  // namespace

boost::asio::awaitable<void> run_envelope_probe(
    CheckRun& run, const EnvelopeProbe& probe,
    const std::map<std::string, std::string>& properties) {
    auto client = make_smtp_client(run);
    Result r = run.result();
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, probe.subject)) {
            r = std::move(*bad);
        } else {
            co_await client->ehlo(run.spec().helo);
            EnvelopeReplies x;
            if (probe.control_is_sender && !probe.control.empty()) {
                auto cm = co_await client->mail_from(probe.control);
                smtp::Reply decisive = cm;
                if (cm.klass() == 2) {
                    auto cr = co_await client->rcpt_to(probe.rcpt);
                    decisive = std::move(cr);
                }
                x.control_code = decisive.code;
                x.control_line = first_line(decisive);
                co_await client->rset();
            }
            auto mail = co_await client->mail_from(probe.sender);
            keep(mail, x.mail_code, x.mail_enhanced, x.mail_text, x.mail_line);
            if (mail.klass() == 2 && !probe.control_is_sender && !probe.control.empty()) {
                auto cr = co_await client->rcpt_to(probe.control);
                x.control_code = cr.code;
                x.control_line = first_line(cr);
            }
            if (mail.klass() == 2) {
                auto rc = co_await client->rcpt_to(probe.rcpt);
                int code = 0;
                keep(rc, code, x.rcpt_enhanced, x.rcpt_text, x.rcpt_line);
                x.rcpt_code = code;
            }
            judge_envelope(probe, x, r);
            co_await rset_and_quit(*client);
        }
    } catch (const transport::StepError& e) {
        r = step_error(run, *client, e);
        r.expected = probe.expect.describe();
        for (const auto& [k, v] : properties)
            r.properties[k] = v;
        run.emit(std::move(r));
        co_return;
    }
    for (const auto& [k, v] : properties)
        r.properties[k] = v;
    r.properties["envelope.mail_from"] = "<" + probe.sender + ">";
    r.properties["envelope.rcpt_to"] = "<" + probe.rcpt + ">";
    if (!probe.control.empty()) r.properties["envelope.control"] = "<" + probe.control + ">";
    attach_evidence(*client, r);
    run.emit(std::move(r));
}

}  // namespace mailspec
