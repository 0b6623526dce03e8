#pragma once
// One question of a TLS scan: a fresh connection (SMTP STARTTLS, POP3 STLS, IMAP STARTTLS, or
// TLS at connect) whose client offers exactly one version and the given suites and groups, and
// what the server answered. Built on the checks' own clients (SmtpClient, the mailbox clients),
// so the dialogue before the handshake is the one every other check speaks.

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange
// clang-format off
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <optional>
#include <string>

#include "checks/check_run.hpp"
#include "checks/tls_scan_report.hpp"
#include "model/result.hpp"
#include "transport/tls.hpp"

namespace mailspec {

enum class ScanProtocol { smtp, pop3, imap };

struct ScanWay {
    ScanProtocol protocol = ScanProtocol::smtp;
    bool implicit = false;    // TLS at connect (465, 993, 995)
    std::string server_name;  // SNI; empty: the target's tls_name or host
};

struct Offer {
    transport::TlsVersion version = transport::TlsVersion::tls1_2;  // offered alone
    std::string ciphers;       // OpenSSL list for TLS <= 1.2 (cipher_list())
    std::string ciphersuites;  // TLS 1.3 suites
    std::string groups;        // empty: OpenSSL's default groups
};

struct HandshakeReply {
    Answer answer = Answer::unanswered;      // accepted, refused, not_tested, unanswered
    std::optional<transport::TlsInfo> info;  // when accepted
    std::string reason;                      // why refused / not tested / unanswered
    bool pushed_back = false;                // 421, 4xx to STARTTLS, or a refused connection
    Transcript transcript;
};

boost::asio::awaitable<HandshakeReply> ask_handshake(CheckRun& run, const ScanWay& way,
                                                 const Offer& offer);

}  // namespace mailspec
