#include "sample_run.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mailspec::reports::testing {

using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

Result make(std::string suite, std::string id, std::string vantage, Status st,
            std::chrono::nanoseconds d) {
    Result r;
    r.suite = std::move(suite);
    r.check_id = std::move(id);
    r.vantage = std::move(vantage);
    r.status = st;
    r.duration = d;
    r.target = "mx";
    r.endpoint = "127.0.0.1:25";
    return r;
}

TranscriptLine line(std::int64_t us, Direction d, std::string text) {
    return TranscriptLine{std::chrono::microseconds{us}, d, std::move(text)};
}

}  // namespace

Result hostile_result() {
    Result r = make("mx-baseline", "banner-is-esmtp", "outside", Status::fail, 2'345'600ns);
    r.kind = "banner";
    r.message = "banner does not match \"ESMTP\"";
    r.expected = "code 220, text matches \"ESMTP\"";
    r.actual = "220 evil\0\xff]]> \x1b[31mred"s;
    r.transcript = {
        line(0, Direction::note, "connect 127.0.0.1:25 from 127.0.0.2"),
        line(1'234, Direction::server, "220 evil\0\xff]]> \x1b[31mred"s),
        line(1'500, Direction::server, "250-bad \xc3\x28 utf8 \xed\xa0\x80 surrogate \xef\xbf\xbe"),
        line(1'700, Direction::server, "cr\rtab\tdel\x7f c1 \xc2\x85 ok: caf\xc3\xa9 \xe2\x9c\x93"),
        line(2'000, Direction::server, "250 " + std::string(10 * 1024, 'A')),
        line(2'100, Direction::client, "QUIT"),
    };
    // "word: ..." list items once broke Perl's YAMLish reader (see tap_reporter.cpp).
    r.findings = {
        {Severity::violation, "bare_cr", "bare CR in reply"},
        {Severity::violation, "bad_octet", "greeting: reply line 1 holds a control octet"},
        {Severity::notice, "x", "odd : spacing"},
        {Severity::notice, "y", "trailing:"}};
    r.tags = {"hostile:", "a: b"};
    return r;
}

RunRecord sample_run() {
    RunRecord rec;
    rec.run.version = "0.1.0";
    rec.run.host = "probe.lab.test";
    rec.run.started = std::chrono::system_clock::time_point{1'763'764'380'123ms};
    rec.run.argv = {"mailspec", "run", "suites/mx.yaml", "--junit", "out/junit.xml"};
    rec.suites = {{"mx-baseline", "suites/mx-baseline.yaml", "What a public MX must do.", 5},
                  {"submission", "suites/submission.yaml", "Port 587.", 3}};

    Result banner = make("mx-baseline", "banner-is-esmtp", "inside", Status::pass, 12'400us);
    banner.kind = "banner";
    banner.message = "220 within 0.012s";
    banner.expected = "code 220, text matches \"ESMTP\"";
    banner.actual = "220 mail.lab.test ESMTP Postfix";
    banner.rfc = "RFC 5321 4.3.1";
    banner.tags = {"baseline", "banner"};
    banner.transcript = {line(0, Direction::note, "connect 127.0.0.1:25 from 127.0.0.1"),
                         line(12'000, Direction::server, "220 mail.lab.test ESMTP Postfix")};
    rec.results.push_back(banner);
    rec.results.push_back(hostile_result());

    Result relay = make("mx-baseline", "relay-denied", "outside", Status::pass, 103'000us);
    relay.kind = "relay";
    relay.variant = "plain";
    relay.message = "RCPT refused: 554 5.7.1";
    relay.expected = "RCPT refused (5xx)";
    relay.actual = "554 5.7.1 <probe@relay-test.invalid>: Relay access denied";
    relay.transcript = {line(0, Direction::note, "connect 127.0.0.1:25 from 127.0.0.2"),
                        line(900, Direction::server, "220 mail.lab.test ESMTP"),
                        line(1'000, Direction::client, "EHLO probe.mailspec.test"),
                        line(1'400, Direction::server, "250 mail.lab.test"),
                        line(1'500, Direction::client, "MAIL FROM:<probe@mailspec.test>"),
                        line(1'800, Direction::server, "250 2.1.0 Ok"),
                        line(1'900, Direction::client, "RCPT TO:<probe@relay-test.invalid>"),
                        line(2'300, Direction::server,
                             "554 5.7.1 <probe@relay-test.invalid>: Relay access denied")};
    rec.results.push_back(relay);

    Result percent = relay;
    percent.variant = "percent-hack";
    percent.status = Status::fail;
    percent.duration = 1'203'000us;
    percent.message = "server accepted a relayed recipient: 250 2.1.5 Ok";
    percent.actual = "250 2.1.5 Ok";
    percent.transcript.back() = line(2'300, Direction::server, "250 2.1.5 Ok");
    percent.transcript[6].text = "RCPT TO:<probe%relay-test.invalid@mail.lab.test>";
    rec.results.push_back(percent);

    Result spf = make("mx-baseline", "spf-fail-rejected", "inside", Status::inconclusive, 41ms);
    spf.kind = "spf_reject";
    spf.message = "spf-fail.lab.test does not fail for 127.0.0.1 (result: pass)";
    spf.properties = {{"spf.result", "pass"}};
    rec.results.push_back(spf);

    Result tls = make("submission", "starttls-offered", "inside", Status::pass, 250'500us);
    tls.kind = "starttls";
    tls.target = "submission";
    tls.endpoint = "127.0.0.1:587";
    tls.message = "TLSv1.3 handshake, certificate valid for 89 days";
    tls.properties = {{"tls.version", "TLSv1.3"},
                      {"tls.cipher", "TLS_AES_256_GCM_SHA384"},
                      {"tls.fingerprint", "sha256:4f:2a:9c:00:11"}};
    tls.transcript = {line(0, Direction::note, "connect 127.0.0.1:587 from 127.0.0.1"),
                      line(800, Direction::server, "220 mail.lab.test ESMTP"),
                      line(900, Direction::client, "STARTTLS"),
                      line(1'200, Direction::server, "220 2.0.0 Ready to start TLS"),
                      line(9'000, Direction::note, "TLSv1.3 TLS_AES_256_GCM_SHA384"),
                      line(9'100, Direction::client_tls, "EHLO probe.mailspec.test"),
                      line(9'600, Direction::server_tls, "250 AUTH PLAIN LOGIN"),
                      line(9'700, Direction::client_tls, "AUTH PLAIN ********")};
    rec.results.push_back(tls);

    Result auth = make("submission", "auth-required-before-mail", "outside", Status::error, 10s);
    auth.kind = "auth_required";
    auth.target = "submission";
    auth.endpoint = "127.0.0.1:587";
    auth.message = "timeout after 10s waiting for the banner";
    auth.transcript = {line(0, Direction::note, "connect 127.0.0.1:587 from 127.0.0.2"),
                       line(10'000'000, Direction::note, "timeout: no banner within 10s")};
    rec.results.push_back(auth);

    Result skip = make("submission", "no-plaintext-auth", "outside", Status::skip, 0ns);
    skip.kind = "capabilities";
    skip.target = "submission";
    skip.endpoint = "";
    skip.message = "skipped by --skip tls";
    skip.tags = {"tls"};
    rec.results.push_back(skip);

    rec.summary.duration = 11'450'000us;
    rec.summary.counts = count_statuses(rec.results);
    return rec;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& content) {
    std::ofstream out(p, std::ios::binary);
    out << content;
}

void expect_golden(const std::string& name, const std::string& actual) {
    auto path = std::filesystem::path(MAILSPEC_SOURCE_DIR) / "tests/unit/reporters/golden" / name;
    const char* update = std::getenv("MAILSPEC_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        write_file(path, actual);
        return;
    }
    ASSERT_TRUE(std::filesystem::exists(path))
        << path << " missing; run with MAILSPEC_UPDATE_GOLDEN=1 to create it";
    std::string expected = read_file(path);
    EXPECT_TRUE(expected == actual)
        << "output differs from " << path
        << "; if the change is intended, rerun with MAILSPEC_UPDATE_GOLDEN=1 and review the diff";
}

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mailspec-test.XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
}

CommandResult run_command(const std::string& command) {
    CommandResult res;
    FILE* p = popen((command + " 2>&1").c_str(), "r");
    if (!p) return res;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        res.output.append(buf.data(), n);
    int status = pclose(p);
    res.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return res;
}

bool have_command(const std::string& name) {
    return run_command("command -v " + shell_quote(name) + " >/dev/null").exit_code == 0;
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::optional<std::filesystem::path> shared_tool(const std::string& name) {
    std::vector<std::filesystem::path> dirs{std::filesystem::path(MAILSPEC_SOURCE_DIR) /
                                            "../shared/tools"};
    if (const char* env = std::getenv("MAILSPEC_SHARED_TOOLS")) dirs.insert(dirs.begin(), env);
    for (auto& d : dirs) {
        auto p = d / name;
        if (std::filesystem::exists(p)) return p;
    }
    return std::nullopt;
}

std::string tool_command(const std::filesystem::path& tool) {
    if (!have_command("flock")) return shell_quote(tool.string());
    auto lock = std::filesystem::temp_directory_path() / "mailspec-shared-tools.lock";
    return "flock " + shell_quote(lock.string()) + " " + shell_quote(tool.string());
}

}  // namespace mailspec::reports::testing
