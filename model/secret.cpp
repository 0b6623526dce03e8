#include "model/secret.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mailspec {

std::optional<std::string> read_secret(const SecretRef& ref, std::string& why) {
    if (ref.source == SecretRef::Source::env) {
        const char* v = std::getenv(ref.name.c_str());
        if (v == nullptr) {
            why = "environment variable " + ref.name + " is not set";
            return std::nullopt;
        }
        return std::string(v);
    }
    std::ifstream in(ref.name, std::ios::binary);
    if (!in) {
        why = "cannot read password file " + ref.name;
        return std::nullopt;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    std::string s = buf.str();
    if (s.ends_with("\r\n"))
        s.resize(s.size() - 2);
    else if (s.ends_with('\n'))
        s.pop_back();
    return s;
}

}  // namespace mailspec
