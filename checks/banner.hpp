#pragma once
// banner: the server's greeting — reply code, text, and how soon it comes.
//   banner: { code: 220, matches: "ESMTP", within: 5s }

#include <optional>

#include "checks/check.hpp"
#include "checks/expectation.hpp"

namespace mailspec {

class BannerCheck final : public Check {
  public:
    ReplyExpectation expect;       // default: code 220
    std::optional<Millis> within;  // greeting latency bound, measured from TCP connect

    boost::asio::awaitable<void> run(CheckRun& run) const override;
};

}  // namespace mailspec
