#include "checks/smtp_support.hpp"

namespace mailspec {

using namespace std::chrono_literals;

transport::Endpoint endpoint_of(const Target& t) {
    return {t.host, t.port};
}

namespace {

transport::SmtpClientOptions client_options(const CheckRun& run, ClientTweaks tweaks) {
    const auto& spec = run.spec();
    const auto& target = run.target();
    transport::SmtpClientOptions o;
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - run.started());
    auto left = std::max(spec.timeout - elapsed, std::chrono::milliseconds(1));
    // The check's timeout bounds the whole check, counted from the check's start (`origin`),
    // also for a second connection opened later; no single step may take longer than what is
    // left either.
    o.timeouts.total = spec.timeout;
    o.timeouts.connect = std::min(o.timeouts.connect, left);
    o.timeouts.greeting = std::min(o.timeouts.greeting, left);
    o.timeouts.reply = std::min(o.timeouts.reply, left);
    o.timeouts.tls_handshake = std::min(o.timeouts.tls_handshake, left);
    o.timeouts.end_of_data = std::min(o.timeouts.end_of_data, left);
    o.implicit_tls = target.tls == TlsMode::implicit;
    o.tls.server_name = target.tls_name;
    o.tls.ca_file = target.ca_file;
    o.tls.verify = tweaks.tls_verify;
    o.origin = run.started();
    o.xclient = run.vantage().xclient;
    return o;
}

}  // namespace

std::unique_ptr<transport::SmtpClient> make_smtp_client(const CheckRun& run, ClientTweaks tweaks) {
    return std::make_unique<transport::SmtpClient>(run.executor(), client_options(run, tweaks),
                                                   run.connector());
}

std::unique_ptr<transport::SmtpClient> make_smtp_client(
    const CheckRun& run, const std::function<void(transport::SmtpClientOptions&)>& adjust) {
    auto o = client_options(run, {});
    adjust(o);
    return std::make_unique<transport::SmtpClient>(run.executor(), std::move(o), run.connector());
}

std::string first_line(const smtp::Reply& reply) {
    if (!reply.raw.empty()) return reply.raw.front();
    return std::to_string(reply.code);
}

std::string one_line(const smtp::Reply& reply) {
    std::string s;
    for (const auto& l : reply.raw)
        s += (s.empty() ? "" : " / ") + l;
    return s.empty() ? std::to_string(reply.code) : s;
}

std::optional<Result> unusable_greeting(const CheckRun& run, const smtp::Reply& greeting,
                                        const std::string& purpose) {
    if (greeting.klass() == 2) return std::nullopt;
    Result r = run.result();
    r.actual = one_line(greeting);
    if (greeting.code == 421) {
        r.status = Status::inconclusive;
        r.message = "server is not taking connections now (" + first_line(greeting) + "), so " +
                    purpose + " could not be checked";
    } else {
        r.status = Status::error;
        r.message = "server refused the session (" + first_line(greeting) + "), so " + purpose +
                    " could not be checked";
    }
    return r;
}

void attach_evidence(transport::SmtpClient& client, Result& r) {
    if (auto ep = client.endpoint()) r.endpoint = ep->to_string();
    if (const auto& tls = client.tls_info())
        for (auto& [k, v] : tls->properties())
            r.properties[k] = v;
    for (auto& f : client.take_findings())
        r.findings.push_back(std::move(f));
    auto t = client.take_transcript();
    r.transcript.insert(r.transcript.end(), std::make_move_iterator(t.begin()),
                        std::make_move_iterator(t.end()));
}

Result step_error(const CheckRun& run, transport::SmtpClient& client,
                  const transport::StepError& e) {
    Result r = run.result();
    // Without XCLIENT the impersonated vantage cannot be had: no verdict either way.
    r.status =
        e.kind() == transport::StepError::Kind::unsupported ? Status::inconclusive : Status::error;
    r.message = e.what();
    attach_evidence(client, r);
    return r;
}

boost::asio::awaitable<void> quit_quietly(transport::SmtpClient& client) {
    if (!client.is_open()) co_return;
    try {
        co_await client.quit();
    } catch (const transport::StepError&) {
    }
    client.close();
}

}  // namespace mailspec
