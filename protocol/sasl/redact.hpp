#pragma once
// Keeping SASL secrets out of transcripts (issue: "AUTH payloads and passwords redacted, also
// inside base64"). Two layers:
// 1. Structural: every client payload of an authentication exchange is replaced by
//    "<redacted>" — the initial response on the AUTH line and every line answering a
//    challenge. This covers all mechanisms whatever they encode.
// 2. Defence in depth: scrub_secret() removes a known secret (password, token) from any line,
//    verbatim or base64-encoded at any alignment, e.g. in raw scripted lines or a server echo.

#include <string>
#include <string_view>

namespace mailspec::sasl {

inline constexpr std::string_view redacted = "<redacted>";

// True for a command that starts a SASL exchange: "AUTH mech [ir]" (SMTP, POP3) or
// "tag AUTHENTICATE mech [ir]" (IMAP). Case-insensitive.
bool is_auth_command(std::string_view line);

// "AUTH PLAIN AHVzZXIAcGFzcw==" -> "AUTH PLAIN <redacted>";
// "a1 AUTHENTICATE PLAIN AHU..." -> "a1 AUTHENTICATE PLAIN <redacted>".
// An AUTH command without initial response, and any other line, is returned unchanged.
std::string redact_auth_command(std::string_view line);

// A client line answering a challenge: "<redacted>", except the empty response and the
// cancel "*", which hold nothing secret and show what the client did.
std::string redact_auth_response(std::string_view line);

// For an engine that passes every client line through one place. client_line() returns the
// transcript form; the engine says when the exchange is over: server_reply(code) for SMTP
// (anything but 334 ends it), end_exchange() for POP3/IMAP (a tagged or +OK/-ERR reply).
class AuthRedactor {
  public:
    std::string client_line(std::string_view line);
    void server_reply(int smtp_code) {
        if (smtp_code != 334) in_exchange_ = false;
    }
    void end_exchange() { in_exchange_ = false; }
    bool in_exchange() const { return in_exchange_; }

  private:
    bool in_exchange_ = false;
};

// Replaces `secret` in `line` by "<redacted>": verbatim, and as the part of its base64 form
// that does not depend on neighbouring bytes, for each of the three alignments inside a
// larger base64 text. Secrets shorter than 4 bytes are left alone (they would match
// everywhere and wreck the evidence); redact_auth_* cover them on the AUTH path.
std::string scrub_secret(std::string_view line, std::string_view secret);

}  // namespace mailspec::sasl
