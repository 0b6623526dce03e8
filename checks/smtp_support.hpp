#pragma once
// What every SMTP check does the same way: build a client for its target and vantage, turn the
// greeting into "go on" or a result, and attach the evidence (transcript, findings, TLS) to
// the result it emits.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "checks/check_run.hpp"
#include "protocol/smtp/reply.hpp"
#include "transport/smtp_client.hpp"

namespace mailspec {

struct ClientTweaks {
    bool tls_verify = true;
};

// A client whose whole-check deadline is the check's timeout (less what already elapsed), with
// the target's TLS settings (implicit TLS, server name, CA file).
std::unique_ptr<transport::SmtpClient> make_smtp_client(const CheckRun& run,
                                                        ClientTweaks tweaks = {});
// The same, with the last word on the options for checks that probe TLS (name to verify,
// protocol versions, implicit TLS whatever the target says).
std::unique_ptr<transport::SmtpClient> make_smtp_client(
    const CheckRun& run, const std::function<void(transport::SmtpClientOptions&)>& adjust);
transport::Endpoint endpoint_of(const Target& t);

// First line of a reply as the server sent it ("550 5.1.1 <x@y>: Recipient address rejected").
std::string first_line(const smtp::Reply& reply);
// The whole reply on one line, lines joined by " / ".
std::string one_line(const smtp::Reply& reply);

// When the greeting is not 2xx the session cannot be used: 421 (busy, rate limited) makes the
// check inconclusive, anything else an error. Returns nullopt for a usable greeting.
std::optional<Result> unusable_greeting(const CheckRun& run, const smtp::Reply& greeting,
                                        const std::string& purpose);

// Moves transcript, findings, TLS details and the endpoint from the client into the result.
void attach_evidence(transport::SmtpClient& client, Result& r);

// An `error` result for a step that could not be carried out, with the evidence so far
// (`inconclusive` when the server lacks what the vantage needs: XCLIENT).
Result step_error(const CheckRun& run, transport::SmtpClient& client,
                  const transport::StepError& e);

// QUIT politely; a server that drops the line instead does not change the verdict.
boost::asio::awaitable<void> quit_quietly(transport::SmtpClient& client);

}  // namespace mailspec
