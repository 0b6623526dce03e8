#pragma once
// delivery: end to end. Sends one message with a unique token over SMTP (the check's target and
// vantage; STARTTLS when offered, AUTH when configured), then reads the mailbox back over IMAP
// or POP3 until the message arrives or `within` runs out, and asserts on the delivered copy's
// header. Records the latency (delivery.latency_ms) and the queue id.
//   delivery:
//     sender: probe@spf-pass.example.org
//     rcpt: alice@example.org          # the ONE address mail is sent to: a mailbox you own
//     starttls: true                   # default: when offered; true: required
//     auth: { user: alice, password_env: ALICE_PASSWORD, mechanism: any }
//     mailbox:
//       target: imap                   # a target of the suite (143/993 or 110/995), or:
//       port: 143                      # the check's target's host, TLS name and CA file on
//       tls: implicit                  # this port (host:, tls_name:, ca_file: override them)
//       protocol: imap                 # or pop3
//       user: alice
//       password_file: secrets/alice
//       starttls: true                 # default: true unless that target is implicit TLS
//       folder: INBOX                  # imap only
//     within: 30s                      # the check's timeout must be larger
//     poll: 1s
//     headers:
//       - { name: Authentication-Results, matches: "spf=pass" }
//       - { name: DKIM-Signature }                  # present
//       - { name: X-Spam-Flag, absent: true }
//     cleanup: true                    # delete the delivered copy (default)
//     gtube: false                     # send GTUBE: true expects a refusal at DATA or a spam
//                                      # flag; refused: only a refusal; flagged: only delivery
//                                      # with a spam flag (X-Spam-Flag: YES, ...)
// Sends real DATA, so it only ever goes to `rcpt`; a refused RCPT ends the check before DATA.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "checks/delivery_message.hpp"
#include "model/secret.hpp"

namespace mailspec {

class DeliveryCheck final : public Check {
  public:
    std::string sender, rcpt;
    std::optional<bool> starttls;
    bool tls_verify = true;
    std::string auth_user, auth_mechanism = "any";
    std::optional<SecretRef> auth_secret;

    std::string mailbox_target;  // empty: the check's target with the fields below
    std::uint16_t mailbox_port = 0;
    bool mailbox_implicit = false;
    std::string mailbox_host, mailbox_tls_name, mailbox_ca_file;
    bool pop3 = false;
    std::string mailbox_user;
    std::optional<SecretRef> mailbox_secret;
    std::optional<bool> mailbox_starttls;
    std::string folder = "INBOX";

    std::chrono::milliseconds within{30'000};
    std::chrono::milliseconds poll{1'000};
    std::vector<HeaderRule> headers;
    bool cleanup = true;
    bool gtube = false;
    enum class GtubeWant { either, refused, flagged } gtube_want = GtubeWant::either;

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
