// Atomic report files, the fan-out reporter and the factory the CLI uses.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <sstream>

#include "reporters/factory.hpp"
#include "reporters/merge.hpp"
#include "reporters/report_file.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;

std::size_t entries(const std::filesystem::path& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir))
        ++n;
    return n;
}

TEST(ReportFile, ReplacesTheFileAtomicallyAndLeavesNoTemporaries) {
    TempDir dir;
    auto file = dir.path / "report.xml";
    write_file(file, "old");
    write_file_atomically(file.string(), "new content");
    EXPECT_EQ(read_file(file), "new content");
    EXPECT_EQ(entries(dir.path), 1u);
    struct stat st {};
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(ReportFile, MissingDirectoryIsReportedWithThePath) {
    TempDir dir;
    auto file = dir.path / "missing" / "report.xml";
    try {
        write_file_atomically(file.string(), "x");
        ADD_FAILURE() << "wrote into a missing directory";
    } catch (const ReportWriteError& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
    EXPECT_THROW(check_writable(file.string()), ReportWriteError);
    EXPECT_THROW(check_writable(dir.path.string()), ReportWriteError);  // a directory
    EXPECT_NO_THROW(check_writable((dir.path / "ok.xml").string()));
    EXPECT_NO_THROW(check_writable("-"));
}

TEST(ReportFile, FileReporterWritesAtRunEndEvenWhenIncomplete) {
    TempDir dir;
    auto file = dir.path / "out.txt";
    std::ostringstream dash;
    FileReporter rep(
        file.string(),
        [](const RunRecord& rec) {
            return std::to_string(rec.results.size()) +
                   (rec.summary.incomplete ? " incomplete" : " complete");
        },
        dash);
    auto rec = sample_run();
    rep.run_begin(rec.run);
    rep.result(rec.results[0]);
    EXPECT_FALSE(std::filesystem::exists(file));  // nothing half-written during the run
    RunSummary summary;
    summary.incomplete = true;
    rep.run_end(summary);
    EXPECT_EQ(read_file(file), "1 incomplete");

    FileReporter to_dash(
        "-", [](const RunRecord&) { return std::string("to stdout\n"); }, dash);
    to_dash.run_end(RunSummary{});
    EXPECT_EQ(dash.str(), "to stdout\n");
}

// Records the events it sees; can be told to throw at run_end.
struct Recorder : Reporter {
    std::vector<std::string>* log;
    bool throw_at_end = false;
    std::string tag;
    void run_begin(const RunInfo&) override { log->push_back(tag + ":run_begin"); }
    void suite_begin(const SuiteInfo& s) override { log->push_back(tag + ":suite " + s.name); }
    void result(const Result& r) override { log->push_back(tag + ":result " + r.name()); }
    void suite_end(const SuiteInfo& s) override { log->push_back(tag + ":end " + s.name); }
    void run_end(const RunSummary&) override {
        log->push_back(tag + ":run_end");
        if (throw_at_end) throw std::runtime_error(tag + " failed");
    }
    void tick() override { log->push_back(tag + ":tick"); }
};

TEST(FanoutReporter, EveryReporterSeesEveryEventAndRunEndSurvivesAFailure) {
    std::vector<std::string> log;
    auto a = std::make_unique<Recorder>();
    a->log = &log, a->tag = "a", a->throw_at_end = true;
    auto b = std::make_unique<Recorder>();
    b->log = &log, b->tag = "b";
    FanoutReporter fan;
    fan.add(std::move(a));
    fan.add(std::move(b));
    fan.run_begin(RunInfo{});
    fan.suite_begin(SuiteInfo{"s", "", "", 1});
    Result r;
    r.check_id = "c";
    fan.result(r);
    fan.suite_end(SuiteInfo{"s", "", "", 1});
    fan.tick();
    EXPECT_THROW(fan.run_end(RunSummary{}), std::runtime_error);
    EXPECT_EQ(log, (std::vector<std::string>{"a:run_begin", "b:run_begin", "a:suite s", "b:suite s",
                                             "a:result c", "b:result c", "a:end s", "b:end s",
                                             "a:tick", "b:tick", "a:run_end", "b:run_end"}));
}

struct Streams {
    std::ostringstream out, err;
    ReportStreams get(bool tty = false) { return ReportStreams{out, err, tty, tty, false}; }
};

TEST(ReportFactory, BuildsConsoleAndFileReportsThatAllGetWritten) {
    TempDir dir;
    ReportOptions opts;
    opts.junit = (dir.path / "r.xml").string();
    opts.tap = (dir.path / "r.tap").string();
    opts.json = (dir.path / "r.json").string();
    Streams s;
    auto fan = make_reporters(opts, s.get());
    EXPECT_EQ(fan->size(), 4u);
    auto rec = sample_run();
    rec.summary.incomplete = true;
    replay(rec, *fan);
    EXPECT_NE(read_file(dir.path / "r.xml").find("name=\"run.incomplete\" value=\"true\""),
              std::string::npos);
    EXPECT_NE(read_file(dir.path / "r.tap").find("# incomplete:"), std::string::npos);
    EXPECT_NE(read_file(dir.path / "r.json").find("\"incomplete\": true"), std::string::npos);
    EXPECT_NE(s.out.str().find("INCOMPLETE"), std::string::npos);
    EXPECT_EQ(entries(dir.path), 3u);
}

TEST(ReportFactory, ConsoleMovesToStderrWhenAReportUsesStdout) {
    ReportOptions opts;
    opts.tap = "-";
    Streams s;
    auto fan = make_reporters(opts, s.get());
    replay(sample_run(), *fan);
    EXPECT_EQ(s.out.str().rfind("TAP version 14\n", 0), 0u);
    EXPECT_NE(s.err.str().find("8 results in"), std::string::npos);
}

TEST(ReportFactory, RefusesConflictingOrUnwritableReports) {
    TempDir dir;
    Streams s;
    ReportOptions two_stdout;
    two_stdout.junit = "-", two_stdout.json = "-";
    EXPECT_THROW(make_reporters(two_stdout, s.get()), ReportSetupError);
    ReportOptions same;
    same.tap = same.json = (dir.path / "x").string();
    EXPECT_THROW(make_reporters(same, s.get()), ReportSetupError);
    ReportOptions missing;
    missing.junit = (dir.path / "no/such/dir/r.xml").string();
    try {
        make_reporters(missing, s.get());
        ADD_FAILURE() << "accepted a report in a missing directory";
    } catch (const ReportSetupError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("--junit: ", 0), 0u) << e.what();
    }
}

TEST(ReportFactory, CliOptionsMapToReportOptions) {
    CLI::App app;
    ReportOptions opts;
    add_report_options(app, opts);
    const char* argv[] = {
        "x", "--junit", "a.xml", "--tap", "-", "--tap-subtests", "--junit-portable", "-vv"};
    app.parse(8, argv);
    EXPECT_EQ(opts.junit, "a.xml");
    EXPECT_EQ(opts.tap, "-");
    EXPECT_TRUE(opts.tap_subtests);
    EXPECT_TRUE(opts.junit_portable);
    EXPECT_EQ(opts.verbosity(), Verbosity::very_verbose);
    ReportOptions q;
    q.quiet = 1, q.verbose = 2;
    EXPECT_EQ(q.verbosity(), Verbosity::quiet);
}

}  // namespace
}  // namespace mailspec::reports
