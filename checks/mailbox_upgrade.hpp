#pragma once
// The way into TLS on a POP3 or IMAP connection, shared by the version-floor probe and the TLS
// scan: connect (handshake there with implicit TLS), else STLS / STARTTLS.

#include <string>
#include <type_traits>
#include <vector>

#include "checks/smtp_support.hpp"
#include "model/suite.hpp"
#include "transport/imap_client.hpp"
#include "transport/pop3_client.hpp"

namespace mailspec {

// Connects and, on a STARTTLS target, asks for TLS; the handshake is where the floor shows.
template <typename Client>
boost::asio::awaitable<void> upgrade_mailbox(Client& client, const Target& target, bool implicit,
                                             bool& handshaking, std::vector<std::string>& errors) {
    handshaking = implicit;
    co_await client.open(endpoint_of(target));
    handshaking = false;
    if (implicit) co_return;
    handshaking = true;
    if constexpr (std::is_same_v<Client, transport::Pop3Client>) {
        client.session().stls();
        co_await client.run("STLS");
        if (!client.connection().tls_active()) errors.push_back("version probe: STLS refused");
    } else {
        client.session().starttls();
        co_await client.run("STARTTLS");
        if (!client.connection().tls_active()) errors.push_back("version probe: STARTTLS refused");
    }
    handshaking = false;
}

}  // namespace mailspec
