#pragma once
// The IMAP client of the imap and delivery checks (see mailbox_client.hpp).

#include "protocol/imap/session.hpp"
#include "transport/mailbox_client.hpp"

namespace mailspec::transport {

using ImapClient = MailboxClient<imap::Session, imap::Limits>;

// Limits for probing a server (see probe_pop3_limits).
imap::Limits probe_imap_limits();

}  // namespace mailspec::transport
