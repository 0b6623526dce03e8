// Arbitrary text through libyaml into the tree suites are read from (model/yaml_tree): parse,
// then walk what came out the way the suite reader does (kinds, scalars, marks, lookups).
// Aliases share nodes, so the walk has a budget instead of following every path.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/yaml_tree.hpp"

namespace {

void walk(mailspec::yaml::Node n, int& budget) {
    if (--budget <= 0) return;
    (void)n.mark();
    (void)n.scalar();
    (void)n.is_null();
    if (n.is_list()) {
        for (mailspec::yaml::Node item : n.items())
            walk(item, budget);
        (void)n[n.size()];  // past the end: undefined, not a read out of bounds
    } else if (n.is_map()) {
        for (auto [key, value] : n.entries()) {
            walk(key, budget);
            walk(value, budget);
            if (key.is_scalar()) (void)n.get(key.scalar());
        }
        (void)n.value(n.size());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = mailspec::yaml::parse(text, 100);
    if (parsed.doc) {
        int budget = 100000;
        walk(parsed.doc->root(), budget);
    }
    return 0;
}
