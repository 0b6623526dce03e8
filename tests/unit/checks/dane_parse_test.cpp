// Parsing of the dane check kind: good YAML gives the typed spec, each mistake a located error.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/dane.hpp"
#include "runner/suite_loader.hpp"
#include "tests/unit/support/temp_file.hpp"

namespace mailspec {
namespace {

using ::testing::HasSubstr;

class DaneParse : public ::testing::Test {
  protected:
    // A suite with one check whose kind key is at line 7, column 5.
    LoadedSuite load(const std::string& check) {
        const std::string yaml =
            "suite: p\ntargets:\n  mx: { host: 127.0.0.1 }\nchecks:\n  - id: c\n    target: mx\n"
            "    " +
            check + "\n";
        return load_suite(dir_.write("suite.yaml", yaml));
    }
    const DaneCheck* typed(const std::string& check) {
        loaded_ = load(check);
        for (const auto& d : loaded_.diagnostics)
            ADD_FAILURE() << d.str();
        if (!loaded_.suite) return nullptr;
        return dynamic_cast<const DaneCheck*>(loaded_.suite->checks.at(0).check.get());
    }
    std::string errors(const std::string& check) {
        auto r = load(check);
        EXPECT_FALSE(r.suite);
        std::string all;
        for (const auto& d : r.diagnostics)
            all += std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                   d.message + "\n";
        return all;
    }
    test::TempDir dir_;
    LoadedSuite loaded_;
};

TEST_F(DaneParse, DefaultsAndSettings) {
    const auto* d = typed("dane:");
    ASSERT_NE(d, nullptr);
    EXPECT_TRUE(d->mx.empty());
    EXPECT_TRUE(d->domain.empty());
    EXPECT_FALSE(d->rollover);
    const auto* c =
        typed("dane: { mx: mx.good.dane.test, dns: \"127.0.0.61:53\", rollover: required }");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->mx, "mx.good.dane.test");
    EXPECT_EQ(c->dns, "127.0.0.61:53");
    EXPECT_TRUE(c->rollover);
    const auto* e = typed("dane: { domain: good.dane.test, rollover: optional }");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->domain, "good.dane.test");
    EXPECT_FALSE(e->rollover);
}

TEST_F(DaneParse, MistakesAreLocated) {
    EXPECT_THAT(errors("dane: { mx: a.example, domain: example }"), HasSubstr("not both"));
    EXPECT_THAT(errors("dane: { mx: a.example, dns: resolver.example }"),
                HasSubstr("not an IP address"));
    EXPECT_THAT(errors("dane: { mx: a.example, rollover: yes }"), HasSubstr("7:"));
    EXPECT_THAT(errors("dane: { mx: \"a..example\" }"), HasSubstr("not a domain name"));
    EXPECT_THAT(errors("dane: { mx: a.example, port: 25 }"), HasSubstr("port"));
}

}  // namespace
}  // namespace mailspec
