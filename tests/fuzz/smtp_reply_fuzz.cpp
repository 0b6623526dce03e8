// libFuzzer target: the SMTP reply parser, EHLO capability parsing and enhanced codes.
// Invariants: feeding the input (raw octets, as a server would send them) whole and in three
// pieces gives the same replies, findings and error; buffered octets stay within the limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/smtp/capabilities.hpp"
#include "protocol/smtp/reply.hpp"

namespace {

struct Outcome {
    std::vector<mailspec::smtp::Reply> replies;
    std::vector<std::string> findings;
    mailspec::smtp::ReplyError error = mailspec::smtp::ReplyError::none;
};

mailspec::smtp::ReplyLimits limits() {
    mailspec::smtp::ReplyLimits l;
    l.max_line = 512;
    l.max_lines = 50;
    l.max_bytes = 4096;
    return l;
}

Outcome run(const std::vector<std::string_view>& pieces) {
    Outcome out;
    mailspec::smtp::ReplyParser p(limits());
    for (auto piece : pieces) {
        while (!piece.empty() && p.error() == mailspec::smtp::ReplyError::none) {
            piece.remove_prefix(p.feed(piece));
            if (p.buffered() > limits().max_bytes + limits().max_line) std::abort();
            if (p.done()) {
                out.replies.push_back(p.take());
                const auto& r = out.replies.back();
                if (r.code < 0 || r.code > 999 || r.lines.size() != r.raw.size()) std::abort();
                auto caps = mailspec::smtp::Capabilities::parse(r);
                (void)caps.auth_mechanisms();
                (void)caps.size();
                (void)r.message();
            }
        }
    }
    for (const auto& f : p.findings())
        out.findings.push_back(f.text);
    out.error = p.error();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const std::size_t a = size / 3, b = size - size / 5;
    const Outcome whole = run({in});
    const Outcome split = run({in.substr(0, a), in.substr(a, b - a), in.substr(b)});
    if (whole.replies.size() != split.replies.size() || whole.findings != split.findings ||
        whole.error != split.error)
        std::abort();
    for (std::size_t i = 0; i < whole.replies.size(); ++i)
        if (whole.replies[i].raw != split.replies[i].raw ||
            whole.replies[i].code != split.replies[i].code ||
            whole.replies[i].enhanced != split.replies[i].enhanced)
            std::abort();
    return 0;
}
