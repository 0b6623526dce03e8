#pragma once
// The pure parts of the delivery check: the probe message it sends (with a unique token), the
// header block of the delivered copy split into fields, and the header assertions.

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mailspec {

// SpamAssassin's Generic Test for Unsolicited Bulk Email: every content filter flags it.
inline constexpr std::string_view kGtube =
    "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
inline constexpr std::string_view kTokenHeader = "X-Mailspec-Token";

// "mailspec-<32 hex digits>" from a random source: the key the mailbox is searched for.
std::string make_token();

struct ProbeMessage {
    std::string sender, rcpt, token, check_id;
    bool gtube = false;
};
// RFC 5322 text, CRLF line ends, without the SMTP dot: From/To/Date/Subject/Message-ID, the
// token in Subject and X-Mailspec-Token, a body saying what this is (and the GTUBE line).
std::string build_message(const ProbeMessage& m, std::string_view date);
std::string rfc5322_date_now();

using HeaderFields = std::vector<std::pair<std::string, std::string>>;
// Unfolds continuation lines; names as written, values without the leading space. Stops at the
// first empty line (the header block ends there).
HeaderFields parse_header_block(std::string_view block);
std::vector<std::string> header_values(const HeaderFields& h, std::string_view name);

struct HeaderRule {
    std::string name;
    enum class Want { present, absent, matches } want = Want::present;
    std::string pattern;  // for messages
    std::optional<std::regex> regex;
    std::string describe() const;  // "Received-SPF ~ /^pass/"
};
// nullopt when the rule holds, else why not ("Received-SPF is absent").
std::optional<std::string> judge_header(const HeaderRule& rule, const HeaderFields& h);

// Whether a delivered copy carries a spam flag: X-Spam-Flag: YES, X-Spam-Status: Yes...,
// X-Spam: yes, or a "*****SPAM*****"-style subject tag.
std::optional<std::string> spam_flag(const HeaderFields& h);

}  // namespace mailspec
