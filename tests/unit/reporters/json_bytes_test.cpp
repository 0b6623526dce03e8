#include "reporters/json_bytes.hpp"

#include <gtest/gtest.h>

namespace mailspec::reports {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

TEST(JsonBytes, ValidTextIsWrittenAsItIsWithoutASibling) {
    ordered_json j = ordered_json::object();
    put_bytes(j, "s", "caf\xc3\xa9 \\d+");
    put_list(j, "l", {"a", "b"});
    put_map(j, "m", {{"k", "v"}});
    EXPECT_EQ(dump_json(j), R"({"s":"café \\d+","l":["a","b"],"m":{"k":"v"}})");
}

TEST(JsonBytes, BytesGetAnEscapedCopyAndTheirExactBase64) {
    ordered_json j = ordered_json::object();
    put_bytes(j, "s", "a\xff\\");
    put_list(j, "l", {"ok", "\x80"});
    put_map(j, "m", {{"k\xfe", "v"}, {"plain", "x"}});
    auto back = json::parse(dump_json(j));
    EXPECT_EQ(back["s"], "a\\xff\\\\");
    EXPECT_EQ(back["s_base64"], "Yf9c");
    EXPECT_EQ(back["l"], json::array({"ok", "\\x80"}));
    EXPECT_TRUE(back["m"].contains("k\\xfe"));
    EXPECT_EQ(get_bytes(back, "s", "$"), "a\xff\\");
    EXPECT_EQ(get_list(back, "l", "$"), (std::vector<std::string>{"ok", "\x80"}));
    EXPECT_EQ(get_map(back, "m", "$"),
              (std::map<std::string, std::string>{{"k\xfe", "v"}, {"plain", "x"}}));
}

TEST(JsonBytes, MalformedSiblingsNameTheirPath) {
    auto j = json::parse(R"({"s_base64": 5, "l_base64": ["@@@@"], "m_base64": [["YQ=="]]})");
    EXPECT_THROW(
        {
            try {
                get_bytes(j, "s", "$.x");
            } catch (const JsonBytesError& e) {
                EXPECT_STREQ(e.what(), "$.x.s_base64: not a string");
                throw;
            }
        },
        JsonBytesError);
    EXPECT_THROW(get_list(j, "l", "$"), JsonBytesError);
    EXPECT_THROW(get_map(j, "m", "$"), JsonBytesError);
    EXPECT_THROW(get_bytes(json::array(), "s", "$"), JsonBytesError);
    EXPECT_EQ(get_bytes(j, "absent", "$"), std::nullopt);
}

TEST(JsonBytes, DumpNeverThrowsOnRawBytesInValuesOrNames) {
    json j = {{"record",
               "v=spf1 \x80"
               "a -all"},
              {"list", {"\xff", 1}}};
    j["map"]["\x96"] = "x";
    j["map"]["\\x96"] = "y";  // what the bad name escapes to: both survive
    std::string out;
    ASSERT_NO_THROW(out = dump_json(j, 2));
    auto back = json::parse(out);
    EXPECT_EQ(back["record"], "v=spf1 \\x80a -all");
    EXPECT_EQ(back["list"][0], "\\xff");
    EXPECT_EQ(back["map"].size(), 2u);
}

}  // namespace
}  // namespace mailspec::reports
