#pragma once
// Runs the checks of a suite file against loopback servers on the test's io_context and
// collects their results, the way the scheduler would (one vantage: local).

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "checks/check_run.hpp"
#include "runner/suite_loader.hpp"
#include "transport/connector.hpp"

namespace mailspec::test {

// Loads `path` (which must load cleanly) and runs its check `id`; `done` runs when it ended
// (stop the servers there so that io.run() returns).
inline std::vector<Result> run_check(boost::asio::io_context& io, const std::string& path,
                                     const std::string& id, const std::function<void()>& done) {
    std::vector<Result> results;
    auto loaded = load_suite(path);
    for (const auto& d : loaded.diagnostics)
        ADD_FAILURE() << d.str();
    if (!loaded.suite) return results;
    const Suite& suite = *loaded.suite;
    const CheckSpec* spec = nullptr;
    for (const auto& c : suite.checks)
        if (c.id == id) spec = &c;
    if (!spec) {
        ADD_FAILURE() << "no check " << id;
        return results;
    }
    Vantage local;
    local.name = kLocalVantage;
    CheckRun run(CheckRun::Context{suite, *spec, suite.targets.at(spec->target), local,
                                   transport::local_connector(), io.get_executor(),
                                   [&](Result r) { results.push_back(std::move(r)); }});
    boost::asio::co_spawn(io, spec->check->run(run), [&](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                ADD_FAILURE() << "check threw: " << x.what();
            }
        }
        done();
    });
    io.run();
    io.restart();
    return results;
}

// Every text of a result in one string, for "never appears anywhere" assertions.
inline std::string everything(const Result& r) {
    std::string s = r.message + "\n" + r.expected + "\n" + r.actual + "\n";
    for (const auto& l : r.transcript)
        s += l.text + "\n";
    for (const auto& [k, v] : r.properties)
        s += k + "=" + v + "\n";
    for (const auto& f : r.findings)
        s += f.kind + " " + f.text + "\n";
    return s;
}

}  // namespace mailspec::test
