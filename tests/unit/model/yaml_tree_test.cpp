#include "model/yaml_tree.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailspec::yaml {
namespace {

using ::testing::HasSubstr;

TEST(YamlTree, ScalarsListsAndMapsKeepTheirShapeAndText) {
    auto p = parse("a: 1\nb: [x, 'y z', \"\"]\nc: { d: e }\nf: |\n  two\n  lines\n");
    ASSERT_TRUE(p.doc) << (p.error ? p.error->message : "");
    Node root = p.doc->root();
    ASSERT_TRUE(root.is_map());
    EXPECT_EQ(root.size(), 4u);
    EXPECT_EQ(root.get("a").scalar(), "1");
    Node b = root.get("b");
    ASSERT_TRUE(b.is_list());
    std::vector<std::string> items;
    for (Node item : b.items())
        items.emplace_back(item.scalar());
    EXPECT_EQ(items, (std::vector<std::string>{"x", "y z", ""}));
    EXPECT_TRUE(b[2].is_scalar());  // quoted "" is an empty string, not null
    EXPECT_EQ(root.get("c").get("d").scalar(), "e");
    EXPECT_EQ(root.get("f").scalar(), "two\nlines\n");
    std::vector<std::string> keys;
    for (auto [key, value] : root.entries())
        keys.emplace_back(key.scalar());
    EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "c", "f"}));
}

TEST(YamlTree, MissingThingsAreUndefinedNotErrors) {
    auto p = parse("a: [1]\n");
    Node root = p.doc->root();
    EXPECT_FALSE(root.get("nope").defined());
    EXPECT_FALSE(root.get("a")[5].defined());
    EXPECT_FALSE(root.get("a").get("x").defined());
    EXPECT_FALSE(Node().is_map());
    EXPECT_EQ(Node().size(), 0u);
    int visited = 0;
    for ([[maybe_unused]] auto entry : root.get("nope").entries())
        ++visited;
    for ([[maybe_unused]] Node item : root.items())  // a map has no items
        ++visited;
    EXPECT_EQ(visited, 0);
}

TEST(YamlTree, PlainNullWordsAreNullQuotedOnesAreStrings) {
    auto p = parse("a:\nb: ~\nc: null\nd: NULL\ne: 'null'\nf: \"~\"\n");
    Node root = p.doc->root();
    for (const char* k : {"a", "b", "c", "d"})
        EXPECT_TRUE(root.get(k).is_null()) << k;
    for (const char* k : {"e", "f"}) {
        EXPECT_TRUE(root.get(k).is_scalar()) << k;
        EXPECT_FALSE(root.get(k).is_null()) << k;
    }
}

TEST(YamlTree, MarksAreZeroBasedLineAndColumn) {
    auto p = parse("suite: s\nchecks:\n  - id: a\n    banner: { code: 220 }\n");
    Node check = p.doc->root().get("checks")[0];
    EXPECT_EQ(check.mark().line, 2);
    EXPECT_EQ(check.mark().column, 4);
    Node code = check.get("banner").get("code");
    EXPECT_EQ(code.mark().line, 3);
    EXPECT_EQ(code.mark().column, 20);
}

TEST(YamlTree, AliasesShareTheAnchoredNode) {
    auto p = parse("base: &b { host: h }\none: *b\n");
    ASSERT_TRUE(p.doc);
    EXPECT_EQ(p.doc->root().get("one").get("host").scalar(), "h");
}

TEST(YamlTree, AnAliasToItsOwnCollectionIsRefusedNotACycle) {
    auto p = parse("a: &x [1, *x]\n");
    EXPECT_FALSE(p.doc);
    ASSERT_TRUE(p.error);
    EXPECT_THAT(p.error->message, HasSubstr("'*x'"));
    auto undefined = parse("a: *nowhere\n");
    ASSERT_TRUE(undefined.error);
    EXPECT_EQ(undefined.error->mark.line, 0);
}

TEST(YamlTree, NestingBeyondTheLimitIsAnErrorAtTheDeepestOpening) {
    std::string deep(200, '[');
    deep += std::string(200, ']');
    auto p = parse(deep, 100);
    ASSERT_TRUE(p.error);
    EXPECT_THAT(p.error->message, HasSubstr("more than 100 levels"));
    EXPECT_EQ(p.error->mark.column, 100);
    EXPECT_TRUE(parse(std::string(50, '[') + std::string(50, ']'), 100).doc);
}

TEST(YamlTree, SyntaxErrorsCarryLibyamlsProblemAndPosition) {
    auto p = parse("a: 1\nb: [1, 2\nc: 3\n");
    ASSERT_TRUE(p.error);
    EXPECT_THAT(p.error->message, HasSubstr("YAML syntax error"));
    EXPECT_GE(p.error->mark.line, 1);
}

TEST(YamlTree, OnlyTheFirstDocumentIsReadAndASecondIsPointedAt) {
    auto p = parse("a: 1\n---\nb: 2\n");
    ASSERT_TRUE(p.doc);
    ASSERT_TRUE(p.next_document);
    EXPECT_EQ(p.next_document->line, 1);
    EXPECT_FALSE(p.doc->root().get("b").defined());
}

TEST(YamlTree, AnEmptyStreamHasNoDocument) {
    for (const char* text : {"", "# only a comment\n", "\n\n"}) {
        auto p = parse(text);
        EXPECT_FALSE(p.doc) << text;
        EXPECT_FALSE(p.error) << text;
    }
    auto dashes = parse("---\n");
    ASSERT_TRUE(dashes.doc);
    EXPECT_TRUE(dashes.doc->root().is_null());
}

}  // namespace
}  // namespace mailspec::yaml
