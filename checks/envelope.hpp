#pragma once
// The envelope probe shared by `recipient`, `sender` and `spf_reject`: connect, EHLO, MAIL FROM,
// RCPT TO (only when MAIL was accepted), RSET, QUIT, and judge the first refusal (or the
// acceptance) against `expect`. DATA is never sent.
//   expect: accepted                      both MAIL and RCPT answered 2xx
//   expect: { code: 550, enhanced: 5.1.1 } the first non-2xx reply matches (550, 5xx, list)
// A 421 or an unmatched 4xx proves nothing: the result is `inconclusive`.

// Boost 1.74 awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "checks/check_run.hpp"
#include "checks/expectation.hpp"

namespace mailspec {

struct EnvelopeExpect {
    bool accepted = false;  // expect: accepted
    ReplyExpectation refusal;
    std::string describe() const;
};

// `expect: accepted`, a bare code, or a mapping {code, enhanced, matches}.
std::optional<EnvelopeExpect> read_envelope_expect(SpecReader& r, const yaml::Node& n,
                                                   std::string_view what);

// "<a@b>" -> "a@b", "<>" -> "" (the null reverse-path): suites may write either form.
std::string bare_address(std::string a);

struct EnvelopeProbe {
    std::string sender;  // "" = the null reverse-path <>
    std::string rcpt;
    EnvelopeExpect expect;
    // recipient: a refused MAIL FROM means the recipient was never tested (error, unless the
    // refusal itself matches expect). sender/spf_reject: a refusal at MAIL is what they look for.
    bool mail_refusal_untested = false;
    std::string subject;  // "the recipient", "the sender": for messages
    // A refusal counts only when this address is accepted in its place, on the same
    // connection: a recipient (RCPT TO control first, recipient checks) or a sender (a whole
    // MAIL FROM control / RCPT TO rcpt transaction first, then RSET; sender checks). Without
    // it a server that refuses everyone would pass with the right code.
    std::string control;
    bool control_is_sender = false;
    // Set when an acceptance cannot be held against the server (spf_reject from a loopback
    // address, which SPF implementations exempt): accepted is then inconclusive, saying this.
    std::string acceptance_proves_nothing;
};

// What the server answered; rcpt is empty when MAIL FROM was refused.
struct EnvelopeReplies {
    int mail_code = 0;
    std::string mail_enhanced, mail_text, mail_line;
    std::optional<int> rcpt_code;
    std::string rcpt_enhanced, rcpt_text, rcpt_line;
    std::optional<int> control_code;  // the control's decisive reply (its MAIL or RCPT)
    std::string control_line;
};

// Verdict on the replies (pure: unit-tested without a server). Fills status, message,
// expected and actual.
void judge_envelope(const EnvelopeProbe& p, const EnvelopeReplies& replies, Result& r);

// Runs the probe on one connection and emits one result, with `properties` added to it.
boost::asio::awaitable<void> run_envelope_probe(
    CheckRun& run, const EnvelopeProbe& probe,
    const std::map<std::string, std::string>& properties);

}  // namespace mailspec
