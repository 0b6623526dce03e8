#pragma once
// How socket and TLS-stream errors read in a StepError, the same for SmtpClient,
// MailboxConnection and client_tls_handshake.

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>
#include <string>

namespace mailspec::transport {

// The server ended the stream: FIN, RST, or a TLS close without close_notify.
inline bool is_eof(const boost::system::error_code& ec) {
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset ||
           ec == boost::asio::ssl::error::stream_truncated;
}

inline std::string describe_error(const boost::system::error_code& ec) {
    if (ec == boost::asio::ssl::error::stream_truncated) return "TLS stream truncated";
    return ec.message();
}

}  // namespace mailspec::transport
