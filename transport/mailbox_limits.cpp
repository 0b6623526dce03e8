#include "transport/imap_client.hpp"
#include "transport/pop3_client.hpp"

namespace mailspec::transport {

pop3::Limits probe_pop3_limits() {
    pop3::Limits l;
    l.max_line = 16 * 1024;
    l.max_response_bytes = 8 * 1024 * 1024;
    l.max_response_lines = 200'000;
    return l;
}

imap::Limits probe_imap_limits() {
    imap::Limits l;
    l.max_line = 16 * 1024;
    l.max_literal = 8 * 1024 * 1024;
    l.max_response_bytes = 8 * 1024 * 1024;
    l.max_untagged = 10'000;
    l.max_command_bytes = 16 * 1024 * 1024;
    return l;
}

}  // namespace mailspec::transport
