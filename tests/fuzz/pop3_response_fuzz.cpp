// libFuzzer target: POP3 response framing. Byte 0 picks the shapes of the expected responses,
// byte 1 a split point; the rest is server output. Besides crashes it checks that feeding the
// input whole or in two pieces frames the same responses (split invariance).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/pop3/response.hpp"

using namespace mailspec::pop3;

namespace {

struct Run {
    std::vector<Response> responses;
    Error error;
    std::size_t findings;
};

Run read(std::uint8_t shapes, std::string_view a, std::string_view b) {
    ResponseReader r(Limits{.max_line = 512, .max_response_bytes = 4096, .max_response_lines = 64});
    for (int i = 0; i < 8; ++i)
        r.expect(static_cast<Shape>(((shapes >> i) & 1) + (i % 3 == 2)));
    r.feed(a);
    r.feed(b);
    r.end_of_stream();
    Run out{{}, r.error(), r.findings().size()};
    while (auto x = r.next())
        out.responses.push_back(std::move(*x));
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);
    std::size_t split = data[1] % (in.size() + 1);
    Run whole = read(data[0], in, {});
    Run parts = read(data[0], in.substr(0, split), in.substr(split));
    if (whole.error != parts.error || whole.responses.size() != parts.responses.size())
        __builtin_trap();
    for (std::size_t i = 0; i < whole.responses.size(); ++i) {
        const auto& x = whole.responses[i];
        const auto& y = parts.responses[i];
        if (x.status != y.status || x.text != y.text || x.lines != y.lines) __builtin_trap();
    }
    if (whole.error == Error::none && whole.findings != parts.findings) __builtin_trap();
    return 0;
}
