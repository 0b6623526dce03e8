#include "checks/early_talker.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>

#include "checks/envelope.hpp"
#include "checks/kinds.hpp"
#include "checks/smtp_support.hpp"
#include "protocol/smtp/operation.hpp"

namespace mailspec {

std::shared_ptr<const Check> parse_early_talker(const yaml::Node& body, ParseContext& ctx) {
    auto c = std::make_shared<EarlyTalkerCheck>();
    const std::string what = "early_talker of check '" + ctx.spec.id + "'";
    if (body.is_scalar()) {
        auto v = ctx.reader.scalar(body, what);
        if (!v) return nullptr;
        if (*v != "rejected") {
            ctx.reader.error(body, what +
                                       ": expected 'rejected' (or a mapping with expect, "
                                       "pause, send, rcpt, sender), got '" +
                                       *v + "'");
            return nullptr;
        }
        return c;
    }
    Fields f(ctx.reader, body, what);
    if (!f.valid()) return nullptr;
    f.choice("expect", {"rejected"});
    if (auto d = f.duration("pause")) c->pause = *d;
    if (auto s = f.str("send")) {
        c->send = *s;
        if (s->empty() || s->find_first_of("\r\n") != std::string::npos)
            ctx.reader.error(f.take("send"), what + ": send must be one non-empty line");
    }
    if (auto s = f.str("rcpt")) c->rcpt = bare_address(*s);
    if (auto s = f.str("sender")) c->sender = bare_address(*s);
    f.done();
    if (!c->sender.empty() && c->rcpt.empty())
        ctx.reader.error(body, what + ": sender is only used with rcpt");
    return c;
}

std::pair<Status, std::string> judge_early_talker(const EarlyTalkerSeen& s) {
    if (s.closed_before_greeting)
        return {Status::pass, "early talker dropped before the greeting: " + s.close_reason};
    const int g = s.greeting_code / 100;
    if (s.greeting_before_send && g != 2)
        return {Status::inconclusive, "the greeting (" + s.greeting_line +
                                          ") came before the early line: it turns away every "
                                          "client, which says nothing about early talkers"};
    if (g == 5) return {Status::pass, "early talker rejected: " + s.greeting_line};
    if (g == 4)
        return {Status::inconclusive,
                "temporary greeting " + s.greeting_line + ": says nothing about early talkers"};
    if (g != 2) return {Status::error, "greeting is not an SMTP greeting: " + s.greeting_line};
    if (s.greeting_before_send && s.paused)
        return {Status::inconclusive, "the greeting was complete before the early line went out " +
                                          s.waited + " after the connect began (" +
                                          s.greeting_line +
                                          "), so nothing was tested: lower `pause`"};
    if (s.greeting_before_send)
        return {Status::fail,
                "the complete greeting (" + s.greeting_line +
                    ") was already there when the client spoke, " + s.waited +
                    " after it began to connect: the server does not hold its greeting "
                    "back, so it cannot catch early talkers (" +
                    (s.answer_line.empty() ? "no answer to the line"
                                           : "the line was answered " + s.answer_line) +
                    ")"};
    if (s.closed_after_greeting)
        return {Status::pass, "greeted (" + s.greeting_line +
                                  "), then dropped the early talker: " + s.close_reason};
    const int a = s.answer_code / 100;
    if (a == 5) return {Status::pass, "early line refused: " + s.answer_line};
    if (a == 4)
        return {Status::inconclusive,
                "early line answered " + s.answer_line + " (temporary): proves nothing"};
    const std::string normal = "the server greeted normally (" + s.greeting_line +
                               ") and answered the early line with " + s.answer_line;
    if (s.envelope_code != 0) {
        const int e = s.envelope_code / 100;
        if (e == 5)
            return {Status::pass, normal + ", but refused the envelope: " + s.envelope_line};
        if (e == 4)
            return {Status::inconclusive,
                    normal + "; the envelope got a temporary answer: " + s.envelope_line};
        return {Status::fail, normal + " and accepted the envelope (" + s.envelope_line +
                                  "): early talkers are not rejected"};
    }
    return {Status::fail, normal + ": early talkers are not rejected"};
}

namespace {

// "220-x" / "521 5.5.1 Protocol error": the code of a raw reply line, 0 when it has none.
int code_of(const std::string& raw) {
    if (raw.size() < 3) return 0;
    int code = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        if (raw[i] < '0' || raw[i] > '9') return 0;
        code = code * 10 + (raw[i] - '0');
    }
    return code;
}

std::string micros(std::chrono::steady_clock::duration d) {
    char buf[32];
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    std::snprintf(buf, sizeof buf, "%.3fms", static_cast<double>(us) / 1000.0);
    return buf;
}

std::size_t wire_size(const smtp::Reply& r) {
    std::size_t n = 0;
    for (const auto& l : r.raw)
        n += l.size() + 2;
    return n;
}

bool dropped(const transport::StepError& e) {
    return e.kind() == transport::StepError::Kind::closed ||
           e.kind() == transport::StepError::Kind::io;
}

}  // namespace

boost::asio::awaitable<void> EarlyTalkerCheck::run(CheckRun& run) const {
    auto client = make_smtp_client(run);
    Result r = run.result();
    const std::string line = send.empty() ? "EHLO " + run.spec().helo : send;
    const std::string expected = "a client talking before the greeting is rejected or dropped";
    r.expected = expected;
    EarlyTalkerSeen seen;
    try {
        const auto started = std::chrono::steady_clock::now();
        co_await client->connect(endpoint_of(run.target()));
        if (pause.count() > 0) {
            boost::asio::steady_timer timer(run.executor(), pause);
            boost::system::error_code ec;
            co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        }
        // What the server had sent before we spoke: a complete greeting there means the line
        // was not early at all.
        const std::size_t before = client->pending_input();
        seen.paused = pause.count() > 0;
        seen.waited = micros(std::chrono::steady_clock::now() - started);
        client->note("early line after " + format_duration(pause) + ", " + std::to_string(before) +
                     " octets from the server waiting");
        co_await client->send_bytes(line + "\r\n", "early line");
        smtp::Reply greeting;
        try {
            auto g = co_await client->greeting();
            greeting = std::move(g);
        } catch (const transport::StepError& e) {
            if (!dropped(e)) throw;
            seen.closed_before_greeting = true;
            seen.close_reason = e.what();
        }
        if (!seen.closed_before_greeting) {
            seen.greeting_line = greeting.raw.empty() ? "" : greeting.raw.back();
            seen.greeting_code = code_of(seen.greeting_line);
            seen.greeting_before_send = before >= wire_size(greeting);
            r.properties["early_talker.greeting"] = seen.greeting_line;
        }
        if (!seen.closed_before_greeting && seen.greeting_code / 100 == 2) {
            try {
                smtp::Greeting answer_op;  // reads one reply: the answer to the early line
                co_await client->run(answer_op);
                seen.answer_code = answer_op.reply().code;
                seen.answer_line = first_line(answer_op.reply());
            } catch (const transport::StepError& e) {
                if (!dropped(e)) throw;
                seen.closed_after_greeting = true;
                seen.close_reason = e.what();
            }
        }
        if (seen.answer_code / 100 == 2 && !rcpt.empty()) {
            auto mail = co_await client->mail_from(sender);
            if (mail.klass() != 2) {
                seen.envelope_code = mail.code;
                seen.envelope_line = "MAIL FROM:<" + sender + "> answered " + first_line(mail);
            } else {
                auto rc = co_await client->rcpt_to(rcpt);
                seen.envelope_code = rc.code;
                seen.envelope_line = "RCPT TO:<" + rcpt + "> answered " + first_line(rc);
            }
            if (client->is_open()) co_await client->rset();
        }
        auto [status, message] = judge_early_talker(seen);
        r.status = status;
        r.message = std::move(message);
        r.actual = seen.closed_before_greeting ? "dropped before the greeting"
                   : seen.answer_line.empty()  ? seen.greeting_line
                                               : seen.greeting_line + " / " + seen.answer_line;
        if (client->is_open()) co_await quit_quietly(*client);
    } catch (const transport::StepError& e) {
        r = step_error(run, *client, e);
        r.expected = expected;
        run.emit(std::move(r));
        co_return;
    }
    attach_evidence(*client, r);
    run.emit(std::move(r));
}

}  // namespace mailspec
