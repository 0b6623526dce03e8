#pragma once
// SMTP command serialisation (RFC 5321 §4.1, RFC 3030 BDAT, RFC 4954 AUTH, RFC 3207 STARTTLS,
// Postfix XCLIENT). Every function returns the complete line including CRLF. Arguments that
// hold CR or LF are refused with std::invalid_argument: a probe must never smuggle a second
// command into one line by accident (scripted checks that want that use raw bytes).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailspec::smtp::cmd {

struct MailParams {
    // Declared so that MailParams is no aggregate: g++ 12 destroys aggregate temporaries in a
    // co_await expression twice, and MailParams is an argument of awaitable client calls.
    MailParams() = default;
    std::optional<std::uint64_t> size;  // SIZE=n (RFC 1870)
    std::string body;                   // BODY=7BIT / 8BITMIME / BINARYMIME (RFC 6152, 3030)
    bool smtputf8 = false;              // SMTPUTF8 (RFC 6531)
    std::vector<std::string> extra;     // further "KEY=VALUE" parameters, verbatim
};

// "alice@example.org" -> "<alice@example.org>"; "<>" and already bracketed paths are kept.
std::string path(std::string_view address);

std::string ehlo(std::string_view domain);
std::string helo(std::string_view domain);
std::string mail_from(std::string_view address, const MailParams& params = {});
std::string rcpt_to(std::string_view address, const std::vector<std::string>& params = {});
std::string data();
std::string bdat(std::size_t size, bool last);
std::string rset();
std::string noop(std::string_view arg = {});
std::string vrfy(std::string_view arg);
std::string expn(std::string_view arg);
std::string help(std::string_view arg = {});
std::string quit();
std::string starttls();
// initial_response is already base64 ("=" stands for an empty one, RFC 4954 §4).
std::string auth(std::string_view mechanism, std::optional<std::string_view> initial_response);
// XCLIENT NAME=... ADDR=...; values are xtext-encoded (RFC 3461 §4).
std::string xclient(const std::vector<std::pair<std::string, std::string>>& attributes);
// A line sent as given (scripted dialogues), CRLF appended; must not hold CR or LF.
std::string line(std::string_view text);

// xtext (RFC 3461 §4): "+" followed by two upper-case hex digits for '+', '=' and octets
// outside 33..126.
std::string xtext(std::string_view value);

// The DATA payload: line endings normalised to CRLF, a '.' doubled at the start of every line
// (RFC 5321 §4.5.2), and a final CRLF ensured. The terminating ".\r\n" is NOT included, so a
// probe can stop before completing the message; end_of_data() gives it.
std::string dot_stuff(std::string_view message);
std::string_view end_of_data();

// How a command line appears in a transcript: without CRLF, and an AUTH initial response
// replaced by "<redacted>" ("AUTH PLAIN <redacted>"), also when a script sends AUTH raw.
std::string redacted(std::string_view line);

// The command verb for step names: "MAIL FROM", "RCPT TO", "EHLO", ... (upper case).
std::string verb(std::string_view line);

}  // namespace mailspec::smtp::cmd
