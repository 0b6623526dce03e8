#pragma once
// smtp: a scripted dialogue. A list of steps, each a mapping with one step key and an optional
// `expect` (a reply expectation; default: a positive reply, 2xx/3xx; for quit: any reply):
//   smtp:
//     - connect: {}                       # optional, implicit at the start; expect = greeting
//     - ehlo: client.example              # or helo: NAME
//     - starttls: {}                      # verifies the certificate; { verify: false }
//     - mail_from: probe@spf-pass.lab.test
//     - rcpt_to: alice@lab.test
//     - data: { headers: { Subject: hi }, body: "text" }  # expect: the reply to the final dot
//     - rset: {}  /  noop: {}  /  vrfy: ADDR  /  raw: "LINE"
//     - quit: {}
// One result: pass when every step met its expectation; otherwise fail naming the first step
// that did not (index, command, expected and actual), and no later step runs (QUIT politely).
// A `data` step records the queue id of "250 ... queued as X" in properties["queue_id"].
// AUTH is not a step yet: use `raw` lines or the auth check.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checks/check.hpp"
#include "checks/expectation.hpp"

namespace mailspec {

struct DialogueStep {
    std::string
        op;  // connect, ehlo, helo, starttls, mail_from, rcpt_to, data, rset, noop, vrfy, quit, raw
    std::string arg;                                           // name, address or line
    std::vector<std::pair<std::string, std::string>> headers;  // data
    std::string body;                                          // data
    std::optional<ReplyExpectation> expect;                    // nullopt = the step's default
    std::string describe() const;                              // "RCPT TO:<x>"
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
