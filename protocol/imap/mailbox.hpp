#pragma once
// Results of SELECT/EXAMINE, SEARCH and FETCH (RFC 3501 §6.3.1, §7.2.5, §7.3, §7.4.2), gathered
// from the untagged responses to one command.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/imap/response.hpp"

namespace mailspec::imap {

struct Mailbox {
    std::optional<std::uint64_t> exists, recent, uidvalidity, uidnext, unseen;
    std::vector<std::string> flags, permanent_flags;
    bool read_only = false;  // [READ-ONLY] on the tagged OK
};

// Applies an untagged response or the tagged completion of SELECT/EXAMINE; false: not relevant.
bool apply(Mailbox& m, const Response& r);

struct FetchItem {
    std::uint64_t message = 0;               // sequence number
    std::optional<std::uint64_t> uid, size;  // UID, RFC822.SIZE
    std::vector<std::string> flags;
    // Section data by the name the server returned, upper case: "BODY[HEADER]", "BODY[TEXT]".
    // BODY.PEEK[...] is answered as BODY[...]. NIL sections are absent.
    std::map<std::string, std::string> sections;
};

// From "* n FETCH (...)"; nullopt if r is not a well-formed FETCH response.
std::optional<FetchItem> fetch_item(const Response& r);

// From "* SEARCH 2 3 5"; nullopt if r is not a SEARCH response.
std::optional<std::vector<std::uint64_t>> search_result(const Response& r);

}  // namespace mailspec::imap
