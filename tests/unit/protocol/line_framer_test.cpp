#include "protocol/line_framer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mailspec {
namespace {

struct Framed {
    std::vector<FramedLine> lines;
    FramerError error = FramerError::none;
    std::size_t max_buffered = 0;
};

// Feeds `pieces` in order, draining every complete line.
Framed frame(const std::vector<std::string>& pieces, std::size_t max_line = 512) {
    Framed out;
    LineFramer f(max_line);
    for (const auto& p : pieces) {
        std::string_view rest = p;
        while (!rest.empty() && f.error() == FramerError::none) {
            rest.remove_prefix(f.feed(rest));
            out.max_buffered = std::max(out.max_buffered, f.buffered());
            if (f.has_line()) out.lines.push_back(f.take());
        }
    }
    out.error = f.error();
    return out;
}

TEST(LineFramer, SplitsCrlfLines) {
    auto r = frame({"220 ready\r\n250 ok\r\n"});
    ASSERT_EQ(r.lines.size(), 2u);
    EXPECT_EQ(r.lines[0].text, "220 ready");
    EXPECT_FALSE(r.lines[0].bare_lf);
    EXPECT_EQ(r.lines[1].text, "250 ok");
}

TEST(LineFramer, MarksBareLf) {
    auto r = frame({"250-a\n250 b\r\n"});
    ASSERT_EQ(r.lines.size(), 2u);
    EXPECT_TRUE(r.lines[0].bare_lf);
    EXPECT_FALSE(r.lines[1].bare_lf);
    auto empty = frame({"\n"});
    ASSERT_EQ(empty.lines.size(), 1u);
    EXPECT_TRUE(empty.lines[0].bare_lf);
}

TEST(LineFramer, KeepsBareCrInsideTheLine) {
    auto r = frame({"250 a\rb\r\n"});
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.lines[0].text, "250 a\rb");
}

TEST(LineFramer, ConsumesOneLineAtATime) {
    LineFramer f;
    const std::string in = "250-a\r\n250 b\r\n";
    EXPECT_EQ(f.feed(in), 7u);
    ASSERT_TRUE(f.has_line());
    EXPECT_EQ(f.feed(in.substr(7)), 0u) << "must not consume while a line waits";
    EXPECT_EQ(f.take().text, "250-a");
    EXPECT_EQ(f.feed(in.substr(7)), 7u);
    EXPECT_EQ(f.take().text, "250 b");
}

TEST(LineFramer, LineOfExactlyMaxOctetsFits) {
    const std::string text(510, 'x');  // 510 + CRLF = 512
    auto r = frame({text + "\r\n"});
    ASSERT_EQ(r.error, FramerError::none);
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.lines[0].text, text);
    auto bare = frame({std::string(511, 'x') + "\n"});  // 511 + LF = 512
    EXPECT_EQ(bare.error, FramerError::none);
}

TEST(LineFramer, LineOverMaxOctetsIsAnError) {
    auto r = frame({std::string(511, 'x') + "\r\n"});  // 513 octets
    EXPECT_EQ(r.error, FramerError::line_too_long);
    EXPECT_TRUE(r.lines.empty());
    EXPECT_EQ(frame({std::string(1000, 'x')}).error, FramerError::line_too_long);
}

TEST(LineFramer, EndlessLineStaysBounded) {
    std::vector<std::string> pieces(256, std::string(4096, 'a'));  // 1 MiB, no newline
    auto r = frame(pieces, 512);
    EXPECT_EQ(r.error, FramerError::line_too_long);
    EXPECT_LE(r.max_buffered, 512u);
}

TEST(LineFramer, ConfigurableLimit) {
    EXPECT_EQ(frame({"12345678\r\n"}, 10).error, FramerError::none);
    EXPECT_EQ(frame({"123456789\r\n"}, 10).error, FramerError::line_too_long);
}

TEST(LineFramer, SameResultAtEverySplit) {
    const std::string in = "220-first\r\n220-second\n220 third\r\n250 x\r\n";
    const auto whole = frame({in});
    for (std::size_t cut = 0; cut <= in.size(); ++cut) {
        const auto r = frame({in.substr(0, cut), in.substr(cut)});
        ASSERT_EQ(r.lines.size(), whole.lines.size()) << "cut at " << cut;
        for (std::size_t i = 0; i < r.lines.size(); ++i) {
            EXPECT_EQ(r.lines[i].text, whole.lines[i].text) << "cut at " << cut;
            EXPECT_EQ(r.lines[i].bare_lf, whole.lines[i].bare_lf) << "cut at " << cut;
        }
    }
    std::vector<std::string> bytes;
    for (char c : in)
        bytes.emplace_back(1, c);
    EXPECT_EQ(frame(bytes).lines.size(), whole.lines.size());
}

TEST(LineFramer, ResetClearsError) {
    LineFramer f(8);
    f.feed("123456789");
    EXPECT_EQ(f.error(), FramerError::line_too_long);
    f.reset();
    EXPECT_EQ(f.error(), FramerError::none);
    EXPECT_EQ(f.buffered(), 0u);
}

}  // namespace
}  // namespace mailspec
