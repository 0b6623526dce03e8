#pragma once
// A check kind: its YAML block is parsed into a typed spec at load time (a Check object), which
// later runs as a coroutine on the runner's io_context and emits one or more Results.

#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange without it
// clang-format off
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <map>
#include <memory>
#include <span>
#include <string_view>

#include "checks/spec_reader.hpp"
#include "model/suite.hpp"
#include "model/yaml_tree.hpp"

namespace mailspec {

class CheckRun;

class Check {
  public:
    virtual ~Check() = default;
    // Runs once per vantage. Emits at least one result through `run`; a thrown
    // transport error becomes an `error` result naming the step that failed.
    virtual boost::asio::awaitable<void> run(CheckRun& run) const = 0;
};

// What a kind's parser may consult besides its own block.
struct ParseContext {
    SpecReader& reader;
    const CheckSpec& spec;  // id, target, common settings already read
    // The suite's vantages (read before the checks), for kinds that name one (maillog's ssh:).
    const std::map<std::string, Vantage>* vantages = nullptr;
};

using ParseFn = std::shared_ptr<const Check> (*)(const yaml::Node& body, ParseContext& ctx);

struct CheckKind {
    std::string_view name;  // the YAML key naming the kind in a check
    ParseFn parse;
    std::string_view summary;  // one line for `mailspec list --kinds` and the docs
};

// The one explicit registry of check kinds (checks/registry.cpp).
std::span<const CheckKind> check_kinds();
const CheckKind* find_check_kind(std::string_view name);

}  // namespace mailspec
