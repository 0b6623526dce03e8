// `mailspec run` option parsing through the real binary: repeatable filters take one value
// each and never swallow the suite files that follow them.

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/reporters/sample_run.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

TEST(RunOptions, FiltersDoNotSwallowTheSuitesThatFollow) {
    test::TempDir dir;
    const std::string suite =
        "targets: { m: { host: 127.0.0.1, port: 9 } }\n"
        "checks:\n  - { id: x, tags: [t], banner: { code: 220 } }\n"
        "  - { id: y, banner: { code: 220 } }\n";
    const auto a = dir.write("a.yaml", "suite: a\n" + suite);
    const auto b = dir.write("b.yaml", "suite: b\n" + suite);
    const auto r =
        reports::testing::run_command(std::string(MAILSPEC_BINARY) + " run --skip t --skip y " + a +
                                      " " + b + " --json - 2>/dev/null");
    EXPECT_EQ(r.exit_code, 0) << r.output;  // everything skipped
    for (const char* needle : {"\"suite\": \"a\"", "\"suite\": \"b\""})
        EXPECT_NE(r.output.find(needle), std::string::npos) << needle << "\n" << r.output;
    EXPECT_NE(r.output.find("\"skip\": 4"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace mailspec
