#pragma once
// A POP3 or IMAP client: one sans-I/O session (protocol/pop3 or protocol/imap) over one
// MailboxConnection. A check queues steps on session(), then co_awaits run("STEP") and reads
// the outcomes; pop3_client.hpp and imap_client.hpp name the two instances.

#include <memory>
#include <string>

#include "transport/mailbox_connection.hpp"

namespace mailspec::transport {

template <typename Session, typename Limits>
class MailboxClient {
  public:
    MailboxClient(boost::asio::any_io_executor ex, MailboxClientOptions options,
                  std::shared_ptr<Connector> connector, Limits limits)
        : conn_(std::move(ex), std::move(options), std::move(connector)), session_(limits) {}

    Session& session() { return session_; }
    const Session& session() const { return session_; }
    MailboxConnection& connection() { return conn_; }

    // Connect (TLS first when implicit) and read the greeting.
    boost::asio::awaitable<void> open(Endpoint to) {
        co_await conn_.connect(std::move(to));
        co_await drive(conn_, session_, shown_, "greeting");
    }
    // Carry out the queued steps; returns when the session is idle or done.
    boost::asio::awaitable<void> run(std::string step) {
        co_await drive(conn_, session_, shown_, step);
    }
    bool is_open() const { return conn_.is_open(); }

  private:
    MailboxConnection conn_;
    Session session_;
    std::size_t shown_ = 0;  // session transcript lines already copied
};

}  // namespace mailspec::transport
