#pragma once
// IMAP capabilities (RFC 3501 §7.2.1), from "* CAPABILITY ..." or a [CAPABILITY ...] code.

#include <string>
#include <string_view>
#include <vector>

#include "protocol/imap/response.hpp"

namespace mailspec::imap {

class Capabilities {
  public:
    Capabilities() = default;
    explicit Capabilities(std::vector<std::string> atoms) : atoms_(std::move(atoms)) {}
    static Capabilities from_code_args(std::string_view args);  // "IMAP4rev1 SASL-IR AUTH=PLAIN"
    static Capabilities from_data(const std::vector<Value>& data);

    bool has(std::string_view name) const;  // case-insensitive: STARTTLS, LOGINDISABLED, ...
    bool has_auth(std::string_view mechanism) const;  // AUTH=<mechanism>
    std::vector<std::string> auth_mechanisms() const;
    bool literal_plus() const { return has("LITERAL+"); }
    const std::vector<std::string>& atoms() const { return atoms_; }
    bool empty() const { return atoms_.empty(); }

  private:
    std::vector<std::string> atoms_;
};

}  // namespace mailspec::imap
