#pragma once
// The argv that runs a command on an ssh vantage's host through the system's OpenSSH client:
// the agent of an ssh vantage, a maillog read (`maillog: { ssh: probe }`) and Exim's -bh
// (`exim_bh: { ssh: probe }`) all go through it, so they log in the same way.

#include <string>
#include <vector>

#include "model/suite.hpp"

namespace mailspec::transport {

// 'text' for a POSIX shell: ssh hands the remote side one command line, not an argv.
std::string shell_quote(const std::string& s);

// ssh -T -o BatchMode=yes [-p PORT] [-i FILE -o IdentitiesOnly=yes] [-o OPTION]...
//     -o ConnectTimeout=10 -o ServerAliveInterval=10 -- DESTINATION 'WORD' 'WORD'...
// (ssh takes the first value it sees for an option, so the vantage's own options win over
// the defaults after them; BatchMode stays: a password prompt would hang the run.) Each of
// `remote` is shell-quoted, so the remote shell runs exactly that argv.
std::vector<std::string> ssh_argv(const Vantage& ssh, const std::vector<std::string>& remote);

}  // namespace mailspec::transport
