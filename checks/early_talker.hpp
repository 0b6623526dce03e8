#pragma once
// early_talker: a client that speaks before the greeting is complete must be turned away
// (Postfix postscreen's pregreet test, Exim's synchronization check, sendmail's greet_pause).
//   early_talker: rejected
//   early_talker: { expect: rejected, pause: 0ms, send: "EHLO probe.example",
//                   rcpt: alice@lab.test, sender: probe@example.net }
// Connects, waits `pause` (default 0: right after the TCP connect), sends `send` (default
// "EHLO <helo>"), then reads. Rejected (pass): the connection is closed or reset before or
// after the greeting, the greeting's last line is 4xx/5xx (postscreen: "220-..." then "521
// 5.5.1 Protocol error"), or the early line is answered 5xx. Carried on (fail): a 2xx
// greeting and a 2xx/3xx answer to the early line; with `rcpt`, the check first goes on with
// MAIL FROM/RCPT TO (postscreen_greet_action = enforce refuses only at RCPT: 550 5.5.1) and
// fails only if RCPT is accepted. 4xx anywhere proves nothing: inconclusive. Never DATA.
// A complete greeting already waiting when the line goes out: with pause 0 the server does not
// hold its greeting back at all, and no pregreet test works without that wait (postscreen,
// greet_pause and Exim all delay the greeting), so that is a fail saying so; after a `pause`
// it is inconclusive (the pause was longer than the server's wait). No greeting: error.

#include <chrono>
#include <string>
#include <utility>

#include "checks/check.hpp"
#include "model/result.hpp"

namespace mailspec {

class EarlyTalkerCheck final : public Check {
  public:
    std::chrono::milliseconds pause{0};
    std::string send;    // empty: "EHLO <helo>"
    std::string rcpt;    // optional: go on to RCPT when the early line was answered normally
    std::string sender;  // MAIL FROM for that; empty: the null reverse-path
    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

// How a server treated the early talker, from what the check saw (pure; unit-tested).
struct EarlyTalkerSeen {
    bool closed_before_greeting = false;
    std::string close_reason;   // "connection reset by the server", ...
    int greeting_code = 0;      // code of the greeting's LAST line (postscreen: 220- then 521)
    std::string greeting_line;  // that line as received
    bool greeting_before_send = false;  // the complete greeting had arrived before the line
    bool paused = false;                // the check waited `pause` before talking
    std::string waited;                 // from the start of the connect to sending, "0.042ms"
    bool closed_after_greeting = false;
    int answer_code = 0;  // reply to the early line; 0 = none
    std::string answer_line;
    int envelope_code = 0;      // with `rcpt`: the first refusal, or RCPT's 2xx; 0 = not sent
    std::string envelope_line;  // "RCPT TO:<x> answered 550 5.5.1 Protocol error"
};

// Status and message for what was seen.
std::pair<Status, std::string> judge_early_talker(const EarlyTalkerSeen& s);

}  // namespace mailspec
