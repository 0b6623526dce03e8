#pragma once
// What `mailspec load` is asked to do, and the checks that run before it sends anything.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailspec::load {

struct LoadOptions {
    std::string host = "127.0.0.1";  // IP address or name (resolved once, before the run)
    std::uint16_t port = 25;
    std::size_t sessions = 1;                           // connections open at once
    std::size_t threads = 1;                            // event loops sharing the sessions
    std::optional<std::uint64_t> messages;              // total to send; or:
    std::optional<std::chrono::milliseconds> duration;  // send until this much time passed
    std::size_t per_connection = 1;                     // messages per connection before QUIT
    std::size_t size = 1024;                            // message size in bytes, headers included
    std::size_t recipients = 1;                         // RCPT TO per message
    std::string from = "load@mailspec.test";
    std::string to = "sink@mailspec.test";  // with R > 1: "sink+N@mailspec.test"
    std::string helo = "load.mailspec.test";
    bool ehlo = false;  // EHLO even when no extension is needed (then: HELO, like smtp-source)
    bool pipelining = false;  // MAIL, RCPTs and DATA in one write (when the server offers it)
    bool starttls = false;
    bool tls_on_connect = false;  // implicit TLS (SMTPS/submissions, port 465): no STARTTLS
    std::string ca_file;          // trust for STARTTLS; empty = system store
    bool insecure = false;        // STARTTLS without verifying the certificate
    std::string server_name;      // SNI and name to verify; default: host
    bool tls_resume = true;       // offer each session's previous TLS session (as MTAs do)
    std::optional<std::string> auth_user;      // AUTH PLAIN; the password comes from env or file
    std::string password;                      // filled by the command from env/file, never argv
    std::chrono::milliseconds timeout{30000};  // no progress on a connection for this long
    bool sends_anywhere = false;               // --i-know-this-sends-mail
};

// Problems with the combination of options, one sentence each; empty when usable.
std::vector<std::string> validate(const LoadOptions& o);

// The run divided for `threads` event loops: sessions and messages shared out as evenly as
// possible (earlier parts get the remainders), every other option the same. A part never gets
// zero sessions or zero messages: with fewer sessions or messages than threads, fewer parts.
std::vector<LoadOptions> split(const LoadOptions& o);

// True for addresses where test mail cannot escape to the world unnoticed: loopback,
// RFC 1918 / RFC 6598 private IPv4, IPv6 unique-local (fc00::/7) and link-local. Malformed: false.
bool is_private_address(const std::string& address);

// The message body as sent (headers, CRLF lines, no leading dots), exactly `size` bytes when
// size is at least the headers' length, followed by nothing: the caller sends ".\r\n".
std::string make_message(const LoadOptions& o);

// Recipient number i (0-based) of a message.
std::string recipient(const LoadOptions& o, std::size_t i);

}  // namespace mailspec::load
