#include "model/result.hpp"

#include <gtest/gtest.h>

namespace mailspec {
namespace {

TEST(Status, RoundTripsThroughItsName) {
    for (auto s : {Status::pass, Status::fail, Status::error, Status::skip, Status::inconclusive})
        EXPECT_EQ(status_from_string(to_string(s)), s);
    EXPECT_EQ(status_from_string("passed"), std::nullopt);
}

TEST(Direction, MarkersRoundTrip) {
    EXPECT_EQ(marker(Direction::client), "->");
    EXPECT_EQ(marker(Direction::server_tls), "<~");
    EXPECT_EQ(direction_from_marker("~>"), Direction::client_tls);
    EXPECT_EQ(direction_from_marker("??"), std::nullopt);
}

TEST(Result, NameQualifiesVariant) {
    Result r;
    r.check_id = "relay-denied";
    EXPECT_EQ(r.name(), "relay-denied");
    r.variant = "percent-hack";
    EXPECT_EQ(r.name(), "relay-denied/percent-hack");
}

}  // namespace
}  // namespace mailspec
