#pragma once
// What the pop3, imap and delivery checks share: their client options (deadlines from the
// check's timeout, the target's TLS settings), the evidence they attach, the common keys of
// their YAML blocks, and the verdict bookkeeping.

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "checks/check_run.hpp"
#include "checks/spec_reader.hpp"
#include "checks/tls_assertions.hpp"
#include "model/secret.hpp"
#include "transport/mailbox_connection.hpp"

namespace mailspec {

// Deadlines bounded by what is left of the check's timeout; TLS verification is judged by the
// check (judge_session), not by the transport, so an untrusted certificate is a `fail` that
// says why. TLS from the start when the target says so.
transport::MailboxClientOptions mailbox_options(const CheckRun& run, const TlsAssertions& tls);
// For another target of the suite (delivery reads the mailbox there), with the whole-connection
// deadline `budget` from now.
transport::MailboxClientOptions mailbox_options(const CheckRun& run, const Target& target,
                                                const std::string& tls_name,
                                                std::chrono::milliseconds budget);

void attach_evidence(transport::MailboxConnection& c, Result& r);
Result step_error(const CheckRun& run, transport::MailboxConnection& c,
                  const transport::StepError& e);

// The dummy credential of the plaintext-login probe: the real one never crosses plaintext.
inline constexpr const char* kDummyMailboxUser = "mailspec-probe";
inline constexpr const char* kDummyMailboxPassword = "mailspec-dummy-not-a-password";

// The keys pop3 and imap share (see docs/mailbox-checks.md).
struct MailboxAccess {
    std::optional<bool> starttls;  // default: true unless the target is implicit TLS
    std::string greeting_pattern;
    std::optional<std::regex> greeting;           // regex searched in the greeting text
    std::vector<std::string> has, lacks;          // capabilities before TLS
    std::vector<std::string> tls_has, tls_lacks;  // capabilities inside TLS
    bool plaintext_refused = false;               // login before TLS refused
    std::string user;
    std::optional<SecretRef> secret;
    std::optional<bool> login_accepted;
    std::optional<std::uint64_t> messages_at_least;
    std::string mailbox = "INBOX";  // imap only
    TlsAssertions tls;              // judged on the session after STLS/STARTTLS or at connect
};

// Reads the shared keys; `imap` allows `mailbox`. Returns false after reporting errors.
bool read_mailbox_access(Fields& f, MailboxAccess& a, bool imap);

// Problems/facts/an early verdict, concluded into one result.
struct Verdict {
    std::vector<std::string> expected, problems, facts;
    std::optional<Status> early;  // error or inconclusive: stop asserting
    std::string early_message;

    void stop(Status s, std::string message) {
        if (early) return;
        early = s;
        early_message = std::move(message);
    }
    bool stopped() const { return early.has_value(); }
    void conclude(Result& r) const;
};

// Reads the password when the check needs it; sets an error result otherwise.
std::optional<std::string> read_password(const MailboxAccess& a, Verdict& v);

// Capability items missing from / present in `has_fn`, as problems ("lacks STLS").
template <typename Has>
void judge_capabilities(const std::vector<std::string>& has, const std::vector<std::string>& lacks,
                        Has&& has_fn, const std::string& where, Verdict& v) {
    for (const auto& c : has)
        if (!has_fn(c)) v.problems.push_back(where + " lacks " + c);
    for (const auto& c : lacks)
        if (has_fn(c)) v.problems.push_back(where + " offers " + c);
}

// The TLS version floor (tls.min_version): a second connection offers only versions below it; a
// completed handshake is a problem, a refused one a fact (checks/mailbox_tls_floor.cpp).
boost::asio::awaitable<void> probe_mailbox_floor(CheckRun& run, const TlsAssertions& a,
                                                 bool implicit, bool pop3, Result& r, Verdict& v);

std::string join_words(const std::vector<std::string>& items, const char* sep);

}  // namespace mailspec
