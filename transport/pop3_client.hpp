#pragma once
// The POP3 client of the pop3 and delivery checks (see mailbox_client.hpp).

#include "protocol/pop3/session.hpp"
#include "transport/mailbox_client.hpp"

namespace mailspec::transport {

using Pop3Client = MailboxClient<pop3::Session, pop3::Limits>;

// Limits for probing a server: a mailbox check never needs more than a few messages' headers,
// so a hostile server is cut off long before memory matters.
pop3::Limits probe_pop3_limits();

}  // namespace mailspec::transport
