// `mailspec spf --json` over records with bytes that are not UTF-8 (issue #22: it aborted).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "protocol/spf/check.hpp"
#include "reporters/json_bytes.hpp"
#include "runner/cmd_spf.hpp"
#include "tests/unit/protocol/spf/memory_zone.hpp"

namespace mailspec {
namespace {

using nlohmann::json;

TEST(SpfJson, NonAsciiRecordsGiveValidJsonWithTheExactBytes) {
    test::SpfCheck spf;
    spf.zone.txt("hosed2.example.com", {"v=spf1 \x80"
                                        "a:example.net -all"});
    spf.zone.txt("nothosed.example.com", {"v=spf1 a:example.net -all", "\x96"});
    for (const char* sender : {"foobar@hosed2.example.com", "foobar@nothosed.example.com"}) {
        auto r = spf.run("1.2.3.4", sender, "hosed");
        std::string out;
        ASSERT_NO_THROW(out = reports::dump_json(spf_result_to_json(r), 2));
        json j;
        ASSERT_NO_THROW(j = json::parse(out)) << out;
        EXPECT_EQ(reports::get_bytes(j, "record", "$"), r.record);
        EXPECT_EQ(reports::get_bytes(j, "reason", "$"), r.reason);
        ASSERT_FALSE(j["lookups"].empty());
        EXPECT_EQ(reports::get_list(j["lookups"][0], "records", "$.lookups[0]"),
                  r.lookups[0].records);
    }
    auto hosed = json::parse(reports::dump_json(
        spf_result_to_json(spf.run("1.2.3.4", "foobar@hosed2.example.com", "hosed"))));
    EXPECT_EQ(hosed["result"], "permerror");
    EXPECT_EQ(hosed["record"], "v=spf1 \\x80a:example.net -all");
    auto nothosed = json::parse(reports::dump_json(
        spf_result_to_json(spf.run("1.2.3.4", "foobar@nothosed.example.com", "hosed"))));
    EXPECT_EQ(nothosed["result"], "fail");
    EXPECT_EQ(nothosed["lookups"][0]["records"][1], "\"\\x96\"");
}

}  // namespace
}  // namespace mailspec
