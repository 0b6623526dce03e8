#pragma once
// smtp: a scripted dialogue. A list of steps, each a mapping with one step key and an optional
// `expect` (a reply expectation; default: a positive reply, 2xx/3xx; for quit: any reply):
//   smtp:
//     - connect: {}                       # optional, implicit at the start; expect = greeting
//     - ehlo: client.example              # or helo: NAME
//     - starttls: {}                      # verifies the certificate; { verify: false }
//     - auth: { mechanism: PLAIN, user: alice, password_env: ALICE_PASSWORD }
//                                         # or password_file; PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1
//                                         # SCRAM-SHA-256 XOAUTH2; default expect: 235.
//                                         # Only inside TLS unless `plaintext: true`
//     - mail_from: probe@spf-pass.lab.test
//     - rcpt_to: alice@lab.test
//     - data: { headers: { Subject: hi }, body: "text", complete: true }
//                                         # complete: send the final dot (the message is then
//                                         # delivered), expect = its reply. Without it the
//                                         # message is abandoned before the dot and the
//                                         # connection closed: expect = the reply to DATA
//                                         # (354), and only quit may follow
//     - rset: {}  /  noop: {}  /  vrfy: ADDR  /  raw: "LINE"
//     - quit: {}
// One result: pass when every step met its expectation; otherwise fail naming the first step
// that did not (index, command, expected and actual), and no later step runs (QUIT politely).
// A `data` step records the queue id of "250 ... queued as X" in properties["queue_id"].
// AUTH payloads are redacted in the transcript; the secret is read when the step runs, and an
// auth step on a plaintext connection without `plaintext: true` is an `error` (nothing sent).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checks/check.hpp"
#include "checks/expectation.hpp"
#include "model/secret.hpp"

namespace mailspec {

struct DialogueStep {
    // connect, ehlo, helo, starttls, auth, mail_from, rcpt_to, data, rset, noop, vrfy, quit, raw
    std::string op;
    std::string arg;                                           // name, address or line
    std::vector<std::pair<std::string, std::string>> headers;  // data
    std::string body;                                          // data
    bool complete = false;            // data: send the final dot (deliver); else abandon before it
    std::string mechanism;            // auth: upper case
    std::string user;                 // auth
    std::optional<SecretRef> secret;  // auth
    bool plaintext = false;           // auth: allowed without TLS
    std::optional<ReplyExpectation> expect;  // nullopt = the step's default
    std::string describe() const;            // "RCPT TO:<x>"
};

class DialogueCheck final : public Check {
  public:
    std::vector<DialogueStep> steps;
    bool tls_verify = true;
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

// The message a data step sends: its headers, a blank line, the body, CRLF line ends.
std::string dialogue_message(const DialogueStep& s);
// "250 2.0.0 Ok: queued as 4XyZ12" -> "4XyZ12"; empty when absent.
std::string queue_id_of(const std::string& reply_text);

}  // namespace mailspec
