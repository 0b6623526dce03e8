// libFuzzer target: the bounded line framer. The input (raw octets, as a server would send
// them) is framed with a small and the default line limit, cut into feeds of a size derived
// from the input length, so split points vary too.
// Invariants: never more than max_line octets buffered, every line shorter than the limit,
// no line holding an LF, and consumption always making progress.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/line_framer.hpp"

namespace {

void frame(std::string_view in, std::size_t max_line, std::size_t step) {
    mailspec::LineFramer f(max_line);
    while (!in.empty()) {
        std::string_view piece = in.substr(0, step);
        in.remove_prefix(piece.size());
        while (!piece.empty()) {
            const std::size_t used = f.feed(piece);
            if (f.buffered() > max_line) std::abort();
            if (f.has_line()) {
                auto line = f.take();
                if (line.text.size() + (line.bare_lf ? 1 : 2) > max_line) std::abort();
                if (line.text.find('\n') != std::string_view::npos) std::abort();
            } else if (f.error() != mailspec::FramerError::none) {
                return;
            } else if (used != piece.size()) {
                std::abort();  // no line ready and no error: it must take everything
            }
            piece.remove_prefix(used);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    frame(in, 16, 1 + size % 7);
    frame(in, 512, 1 + size % 61);
    return 0;
}
