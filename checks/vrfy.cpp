#include "checks/vrfy.hpp"

#include <random>

#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_vrfy(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<VrfyCheck>();
    const std::string what = "vrfy of check '" + ctx.spec.id + "'";
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    f.require("address");
    if (auto s = f.str("address")) c->address = *s;
    if (auto s = f.str("unknown")) c->unknown = *s;
    if (auto s = f.choice("command", {"VRFY", "EXPN"})) c->expn = *s == "EXPN";
    if (auto b = f.boolean("differential")) c->differential = *b;
    if (auto b = f.boolean("rcpt_differential")) c->rcpt_differential = *b;
    if (auto s = f.str("sender")) c->sender = *s;
    (void)f.choice("expect", {"no-disclosure"});  // the only expectation, for readability
    if (!c->unknown.empty() && !c->differential)
        ctx.reader.error(f.take("unknown"), what + ": 'unknown' needs differential: true");
    f.done();
    return c;
}

VrfyVerdict judge_vrfy(const std::string& command, int code, const std::string& line) {
    if (code == 250 || code == 251)
        return {Status::fail, command + " disclosed the mailbox: " + line};
    if (code == 252) return {Status::pass, "non-committal: " + line};
    if (code / 100 == 5) return {Status::pass, command + " refused: " + line};
    if (code == 421 || code / 100 == 4)
        return {Status::inconclusive,
                command + " answered " + line + ": a temporary refusal proves nothing"};
    return {Status::fail, command + " answered " + line + ", neither a refusal nor 252"};
}

VrfyVerdict judge_differential(const std::string& command, const std::string& real_address,
                               const ProbeReply& real, const std::string& unknown_address,
                               const ProbeReply& unknown) {
    const std::string both = command + " " + real_address + " -> " + real.line + "; " + command +
                             " " + unknown_address + " (unknown) -> " + unknown.line;
    if (real.code / 100 == 4 || unknown.code / 100 == 4)
        return {Status::inconclusive, both + ": a temporary refusal proves nothing"};
    const bool rcpt = command == "RCPT TO";
    // VRFY/EXPN that confirm the real mailbox disclose it, differential or not.
    if (!rcpt && judge_vrfy(command, real.code, real.line).status == Status::fail)
        return judge_vrfy(command, real.code, real.line);
    if (real.code != unknown.code || real.enhanced != unknown.enhanced)
        return {Status::fail, command + " tells a real mailbox from an unknown one (" + both + ")"};
    if (rcpt)
        return {Status::pass, "RCPT TO answers a real and an unknown mailbox alike (" +
                                  std::to_string(real.code) + ")"};
    auto v = judge_vrfy(command, unknown.code, unknown.line);
    if (v.status == Status::pass)
        v.message = command + " answers a real and an unknown mailbox alike: " + real.line;
    return v;
}

std::string random_unknown_address(const std::string& address) {
    static constexpr char hex[] = "0123456789abcdef";
    std::random_device rd;
    std::string local = "mailspec-probe-";
    for (int i = 0; i < 12; ++i)
        local += hex[rd() % 16];
    const auto at = address.rfind('@');
    return at == std::string::npos ? local : local + address.substr(at);
}

namespace {

ProbeReply probe_reply(const smtp::Reply& r) {
    return {r.code, r.enhanced ? r.enhanced->to_string() : "", first_line(r)};
}

// if/else, not ?: -- g++ 12 destroys a co_await result in a conditional twice.
boost::asio::awaitable<ProbeReply> ask(transport::SmtpClient& client, bool expn,
                                       std::string address) {
    smtp::Reply reply;
    if (expn) {
        auto x = co_await client.expn(std::move(address));
        reply = std::move(x);
    } else {
        auto x = co_await client.vrfy(std::move(address));
        reply = std::move(x);
    }
    co_return probe_reply(reply);
}

std::string angle(const std::string& a) {
    return !a.empty() && a.front() == '<' ? a : "<" + a + ">";
}

}  // namespace

boost::asio::awaitable<void> VrfyCheck::run(CheckRun& run) const {
    auto client = make_smtp_client(run);
    Result r = run.result();
    const std::string command = expn ? "EXPN" : "VRFY";
    const std::string other = unknown.empty() ? random_unknown_address(address) : unknown;
    const std::string expected =
        differential ? command +
                           " answers a real and an unknown mailbox alike (refused, or 252), "
                           "never 250/251"
                     : command + " refused (5xx) or non-committal (252), not 250/251";
    std::optional<Result> rcpt_result;
    try {
        auto greeting = co_await client->open(endpoint_of(run.target()));
        if (auto bad = unusable_greeting(run, greeting, command)) {
            r = std::move(*bad);
        } else {
            co_await client->ehlo(run.spec().helo);
            const ProbeReply real = co_await ask(*client, expn, address);
            r.actual = command + " " + address + " -> " + real.line;
            VrfyVerdict v = judge_vrfy(command, real.code, real.line);
            if (differential) {
                const ProbeReply unk = co_await ask(*client, expn, other);
                r.actual += "; " + command + " " + other + " -> " + unk.line;
                v = judge_differential(command, address, real, other, unk);
            }
            r.status = v.status;
            r.message = v.message;
            if (rcpt_differential) {
                Result rr = run.result("rcpt");
                rr.expected = "RCPT TO answers a real and an unknown mailbox alike";
                auto mail = co_await client->mail_from(sender);
                if (mail.klass() != 2) {
                    rr.status = mail.klass() == 4 ? Status::inconclusive : Status::error;
                    rr.message = "MAIL FROM:" + angle(sender) + " refused (" + first_line(mail) +
                                 "): RCPT TO could not be compared (set 'sender')";
                } else {
                    auto ra = co_await client->rcpt_to(address);
                    const ProbeReply a = probe_reply(ra);
                    auto rb = co_await client->rcpt_to(other);
                    const ProbeReply b = probe_reply(rb);
                    auto w = judge_differential("RCPT TO", address, a, other, b);
                    rr.status = w.status;
                    rr.message = w.message;
                    rr.actual = "RCPT TO " + address + " -> " + a.line + "; RCPT TO " + other +
                                " -> " + b.line;
                    co_await client->rset();  // never DATA
                }
                rcpt_result = std::move(rr);
            }
            co_await quit_quietly(*client);
        }
    } catch (const transport::StepError& e) {
        r = step_error(run, *client, e);
        r.expected = expected;
        run.emit(std::move(r));
        co_return;
    }
    r.expected = expected;
    attach_evidence(*client, r);
    if (rcpt_result) {
        // Both results come from one dialogue: each carries the whole transcript.
        rcpt_result->transcript = r.transcript;
        rcpt_result->findings = r.findings;
        rcpt_result->endpoint = r.endpoint;
        run.emit(std::move(r));
        run.emit(std::move(*rcpt_result));
    } else {
        run.emit(std::move(r));
    }
}

}  // namespace mailspec
