#include "transport/ssh_argv.hpp"

namespace mailspec::transport {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::vector<std::string> ssh_argv(const Vantage& v, const std::vector<std::string>& remote) {
    std::vector<std::string> a = {"ssh", "-T", "-o", "BatchMode=yes"};
    if (v.ssh_port != 0) {
        a.push_back("-p");
        a.push_back(std::to_string(v.ssh_port));
    }
    if (!v.ssh_identity_file.empty())
        a.insert(a.end(), {"-i", v.ssh_identity_file, "-o", "IdentitiesOnly=yes"});
    for (const auto& o : v.ssh_options) {
        a.push_back("-o");
        a.push_back(o);
    }
    a.insert(a.end(),
             {"-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=10", "--", v.ssh_destination});
    for (const auto& w : remote)
        a.push_back(shell_quote(w));
    return a;
}

}  // namespace mailspec::transport
