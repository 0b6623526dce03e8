// libFuzzer target: IMAP framing and response parsing. Byte 0 picks a split point; the rest is
// server output. Every frame is parsed and interpreted (capabilities, mailbox, FETCH, SEARCH);
// feeding the input whole or in two pieces must give the same frames (split invariance).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/imap/capabilities.hpp"
#include "protocol/imap/mailbox.hpp"
#include "protocol/imap/reader.hpp"
#include "protocol/imap/response.hpp"

using namespace mailspec::imap;

namespace {

const Limits kLimits{.max_line = 1024,
                     .max_literal = 4096,
                     .max_response_bytes = 8192,
                     .max_literals = 16,
                     .max_depth = 16};

std::vector<Frame> frames(std::string_view a, std::string_view b, Error& error) {
    FrameReader r(kLimits);
    r.feed(a);
    r.feed(b);
    std::vector<Frame> out;
    while (auto f = r.next())
        out.push_back(std::move(*f));
    error = r.error();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::size_t split = data[0] % (in.size() + 1);
    Error e1, e2;
    auto whole = frames(in, {}, e1);
    auto parts = frames(in.substr(0, split), in.substr(split), e2);
    if (e1 != e2 || whole.size() != parts.size()) __builtin_trap();
    Mailbox mailbox;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (whole[i].segments != parts[i].segments || whole[i].literals != parts[i].literals)
            __builtin_trap();
        auto parsed = parse_response(whole[i], kLimits);
        auto* r = std::get_if<Response>(&parsed);
        if (!r) continue;
        apply(mailbox, *r);
        (void)fetch_item(*r);
        (void)search_result(*r);
        if (r->name == "CAPABILITY") (void)Capabilities::from_data(r->data).auth_mechanisms();
        if (r->code == "CAPABILITY") (void)Capabilities::from_code_args(r->code_args).has("X");
    }
    return 0;
}
