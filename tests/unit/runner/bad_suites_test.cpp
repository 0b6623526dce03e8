// Runs `mailspec validate` on every file of tests/bad-suites/: each must be refused with exit 2
// and a located message (FILE:LINE:COL: error: ...) that NAME.expect names, and never crash.
// NAME.expect holds one line: "LINE:COL TEXT", TEXT being a substring of the message.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(MAILSPEC_SOURCE_DIR) / "tests" / "bad-suites";

struct Outcome {
    bool exited = false;  // false: killed by a signal (a crash, or the hang guard)
    int code = -1;
    std::string err;
};

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// `timeout` only guards against a hang (a hung loader is a bug this corpus exists to find);
// a process killed by a signal makes `timeout` exit 124 or 128+N, never 2.
Outcome validate(const fs::path& file) {
    std::string cmd = "env -u MAILSPEC_BAD_SUITES_SURELY_UNSET timeout -s KILL 30 " +
                      shell_quote(MAILSPEC_BINARY) + " validate " + shell_quote(file.string()) +
                      " 2>&1 >/dev/null";
    Outcome o;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return o;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        o.err.append(buf, n);
    int status = pclose(p);
    o.exited = WIFEXITED(status);
    o.code = o.exited ? WEXITSTATUS(status) : -1;
    return o;
}

struct Expectation {
    std::string position;  // "LINE:COL"
    std::string text;
};

Expectation read_expectation(const fs::path& file) {
    std::ifstream in(file.string() + ".expect");
    std::string line;
    std::getline(in, line);
    Expectation e;
    auto space = line.find(' ');
    if (space == std::string::npos) return e;
    e.position = line.substr(0, space);
    e.text = line.substr(space + 1);
    return e;
}

void expect_refused(const fs::path& file, const Expectation& want) {
    ASSERT_FALSE(want.position.empty()) << "missing or malformed " << file << ".expect";
    Outcome o = validate(file);
    ASSERT_TRUE(o.exited) << file << ": validate did not exit normally\n" << o.err;
    EXPECT_EQ(o.code, 2) << file << "\n" << o.err;
    std::string prefix = file.string() + ":" + want.position + ": error: ";
    bool found = false;
    std::istringstream lines(o.err);
    for (std::string line; std::getline(lines, line);)
        found = found || (line.rfind(prefix, 0) == 0 && line.find(want.text) != std::string::npos);
    EXPECT_TRUE(found) << "wanted a line starting '" << prefix << "' containing '" << want.text
                       << "'; stderr was:\n"
                       << o.err;
    // Every line is a located diagnostic: no stray output, no exception text.
    std::istringstream all(o.err);
    for (std::string line; std::getline(all, line);)
        EXPECT_EQ(line.rfind(file.string() + ":", 0), 0u) << "unlocated line: " << line;
}

std::vector<std::string> corpus_files() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(kCorpus)) {
        auto name = entry.path().filename().string();
        if (entry.is_regular_file() && entry.path().extension() != ".expect" && name != "README.md")
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

class BadSuite : public testing::TestWithParam<std::string> {};

TEST_P(BadSuite, IsRefusedWithALocatedMessage) {
    auto file = kCorpus / GetParam();
    expect_refused(file, read_expectation(file));
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadSuite, testing::ValuesIn(corpus_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                             std::string name = info.param;
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

TEST(BadSuitesCorpus, HasAtLeastFortyFilesEachWithAnExpectation) {
    auto names = corpus_files();
    EXPECT_GE(names.size(), 40u);
    for (const auto& entry : fs::directory_iterator(kCorpus)) {
        if (entry.path().extension() != ".expect") continue;
        auto suite = entry.path();
        suite.replace_extension();
        EXPECT_TRUE(fs::exists(suite)) << entry.path() << " has no suite file";
    }
}

// Too big to commit: an id of 300 000 characters once overflowed the stack in std::regex.
TEST(BadSuitesCorpus, VeryLongCheckIdIsRefused) {
    auto dir = fs::temp_directory_path() / ("mailspec-long-id-" + std::to_string(getpid()));
    fs::create_directories(dir);
    auto file = dir / "long-id.yaml";
    std::ofstream(file) << "suite: s\ntargets:\n  mx: { host: 127.0.0.1 }\nchecks:\n  - id: "
                        << std::string(300000, 'a') << "\n    banner: { code: 220 }\n";
    expect_refused(file, {"5:9", "check id is longer than 128 characters"});
    fs::remove_all(dir);
}

// Generated here rather than committed: 4 MiB of valid YAML comments plus a real suite.
TEST(BadSuitesCorpus, OversizedFileIsRefusedBeforeParsing) {
    auto dir = fs::temp_directory_path() / ("mailspec-bad-suites-" + std::to_string(getpid()));
    fs::create_directories(dir);
    auto file = dir / "huge.yaml";
    {
        std::ofstream out(file);
        out << "suite: s\ntargets:\n  mx: { host: 127.0.0.1 }\nchecks:\n  - id: b\n"
               "    banner: { code: 220 }\n";
        std::string comment = "# " + std::string(1022, 'x') + "\n";
        for (int i = 0; i < 4 * 1024 + 16; ++i)
            out << comment;
    }
    ASSERT_GT(fs::file_size(file), 4u * 1024 * 1024);
    expect_refused(file, {"1:1", "file is larger than 4096 KiB"});
    fs::remove_all(dir);
}

}  // namespace
