#pragma once
// IMAP4rev1 client commands (RFC 3501 §6). A command may carry synchronising literals: it is then
// several parts, and each part but the last ends in "{n}\r\n" and must wait for the server's
// "+" continuation before the next part is sent. With LITERAL+ (RFC 7888) it is one part.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mailspec::imap {

class TagGenerator {
  public:
    explicit TagGenerator(std::string prefix = "a") : prefix_(std::move(prefix)) {}
    std::string next() { return prefix_ + std::to_string(++n_); }

  private:
    std::string prefix_;
    std::uint64_t n_ = 0;
};

struct Command {
    std::string tag;
    std::vector<std::string> parts;  // wire bytes
};

// Builds one command line, choosing atom, quoted string or literal for each astring argument.
// Arguments containing NUL (not representable without BINARY) throw std::invalid_argument; so do
// raw arguments with CR or LF.
class CommandBuilder {
  public:
    CommandBuilder(std::string tag, std::string_view verb, bool literal_plus);
    CommandBuilder& raw(std::string_view text);  // SP + text as given (sequence sets, criteria)
    CommandBuilder& astring(std::string_view value);
    Command done();

  private:
    Command cmd_;
    bool literal_plus_;
};

enum class Encoding { atom, quoted, literal };
Encoding astring_encoding(std::string_view value);
std::string quoted(std::string_view value);  // "..." with \ and " escaped; value must suit it

}  // namespace mailspec::imap
