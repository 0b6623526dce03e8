#include "protocol/imap/capabilities.hpp"

#include "protocol/text.hpp"

namespace mailspec::imap {

Capabilities Capabilities::from_code_args(std::string_view args) {
    std::vector<std::string> atoms;
    for (auto w : text::split_words(args))
        atoms.emplace_back(w);
    return Capabilities(std::move(atoms));
}

Capabilities Capabilities::from_data(const std::vector<Value>& data) {
    std::vector<std::string> atoms;
    for (const auto& v : data)
        if (v.kind == Value::Kind::atom || v.kind == Value::Kind::number) atoms.push_back(v.text);
    return Capabilities(std::move(atoms));
}

bool Capabilities::has(std::string_view name) const {
    for (const auto& a : atoms_)
        if (text::iequals(a, name)) return true;
    return false;
}

bool Capabilities::has_auth(std::string_view mechanism) const {
    for (const auto& m : auth_mechanisms())
        if (text::iequals(m, mechanism)) return true;
    return false;
}

std::vector<std::string> Capabilities::auth_mechanisms() const {
    std::vector<std::string> out;
    for (const auto& a : atoms_)
        if (text::istarts_with(a, "AUTH=")) out.push_back(a.substr(5));
    return out;
}

}  // namespace mailspec::imap
