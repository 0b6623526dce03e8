#include "runner/suite_set.hpp"

#include <ostream>

#include "runner/suite_loader.hpp"

namespace mailspec {

namespace {
void print(const Diagnostics& diags, std::ostream& err) {
    for (const auto& d : diags)
        err << d.where.str() << ": error: " << d.message << "\n";
}
}  // namespace

std::optional<std::vector<Suite>> load_suites(const SuiteSetOptions& opts, std::ostream& err) {
    LoadOptions load;
    bool ok = true;
    if (!opts.vantages_file.empty()) {
        Diagnostics diags;
        load.vantages = load_vantages_file(opts.vantages_file, diags);
        print(diags, err);
        ok = diags.empty();
    }
    std::vector<Suite> suites;
    for (const auto& file : opts.files) {
        auto loaded = load_suite(file, load);
        print(loaded.diagnostics, err);
        if (loaded.suite)
            suites.push_back(std::move(*loaded.suite));
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return suites;
}

}  // namespace mailspec
