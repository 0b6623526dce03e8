// The ssh vantage: its suite forms, the ssh command line, the agent line protocol, what the
// runner sends (no secrets beyond the checks' own), and the runner's session against scripted
// agents (sh scripts standing in for `ssh ... mailspec agent`, since a real agent cannot be
// made to lie about its version, send garbage, die or stall on cue).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "runner/agent_protocol.hpp"
#include "runner/agent_request.hpp"
#include "runner/agent_session.hpp"
#include "runner/scheduler.hpp"
#include "runner/suite_loader.hpp"
#include "tests/unit/support/temp_file.hpp"
#include "version.hpp"

namespace mailspec {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const char* kSuite =
    "suite: s\n"
    "targets: { mx: { host: 127.0.0.1, port: 2525 }, other: { host: h2 } }\n"
    "vantages:\n"
    "  probe: { ssh: alice@probe.example }\n"
    "  full:\n"
    "    ssh: { destination: bob@10.0.0.1, port: 2222, binary: \"/opt/mail spec/bin/mailspec\",\n"
    "           ssh_options: [ConnectTimeout=3], identity_file: keys/probe }\n"
    "checks:\n"
    "  - { id: a, target: mx, from: [local, probe], banner: { code: 220 } }\n"
    "  - id: b\n"
    "    target: mx\n"
    "    from: probe\n"
    "    helo: ${HELO_NAME}\n"
    "    auth: { user: alice, password_file: alice.pw, starttls: false }\n";

class AgentTest : public ::testing::Test {
  protected:
    Suite load() {
        ::setenv("HELO_NAME", "probe.example", 1);
        auto path = dir_.write("suite.yaml", kSuite);
        auto r = load_suite(path);
        std::string all;
        for (auto& d : r.diagnostics)
            all += d.message + "\n";
        EXPECT_TRUE(r.suite) << all;
        return *r.suite;
    }
    test::TempDir dir_;
};

TEST_F(AgentTest, LoaderReadsBothForms) {
    Suite s = load();
    const auto& p = s.vantages.at("probe");
    EXPECT_EQ(p.kind, VantageKind::ssh);
    EXPECT_EQ(p.ssh_destination, "alice@probe.example");
    EXPECT_EQ(p.ssh_binary, "mailspec");
    const auto& f = s.vantages.at("full");
    EXPECT_EQ(f.ssh_port, 2222);
    EXPECT_EQ(f.ssh_binary, "/opt/mail spec/bin/mailspec");
    EXPECT_THAT(f.ssh_options, ElementsAre("ConnectTimeout=3"));
    EXPECT_EQ(f.ssh_identity_file, (dir_.path() / "keys/probe").string());
}

TEST_F(AgentTest, LoaderRefusesOptionsInDisguise) {
    auto bad = [&](const std::string& vantage) {
        auto path = dir_.write(
            "bad.yaml", "suite: s\ntargets: { mx: { host: h } }\nvantages:\n  p: " + vantage +
                            "\nchecks: [{id: b, banner: {}}]\n");
        auto r = load_suite(path);
        EXPECT_FALSE(r.suite) << vantage;
        return r.diagnostics.empty() ? std::string() : r.diagnostics.front().message;
    };
    EXPECT_THAT(bad("{ ssh: \"-oProxyCommand=touch /tmp/x\" }"), HasSubstr("[user@]host"));
    EXPECT_THAT(bad("{ ssh: { destination: h, ssh_options: [\"-F/etc/x\"] } }"),
                HasSubstr("OPTION=VALUE"));
    EXPECT_THAT(bad("{ ssh: { port: 22 } }"), HasSubstr("destination"));
    EXPECT_THAT(bad("{ xclient: { addr: 192.0.2.1, via: q } }\n  q: { ssh: h }"),
                HasSubstr("an ssh vantage"));
}

TEST_F(AgentTest, SshCommandLine) {
    Suite s = load();
    EXPECT_THAT(agent::ssh_command(s.vantages.at("probe")),
                ElementsAre("ssh", "-T", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o",
                            "ServerAliveInterval=10", "--", "alice@probe.example", "'mailspec'",
                            "'agent'"));
    auto full = agent::ssh_command(s.vantages.at("full"));
    std::string joined;
    for (auto& a : full)
        joined += a + " ";
    EXPECT_THAT(joined,
                HasSubstr("-p 2222 -i " + (dir_.path() / "keys/probe").string() +
                          " -o IdentitiesOnly=yes -o ConnectTimeout=3 -o ConnectTimeout=10"));
    EXPECT_THAT(joined, HasSubstr("-- bob@10.0.0.1 '/opt/mail spec/bin/mailspec' 'agent'"));
}

TEST(AgentProtocol, RoundTrips) {
    Result r;
    r.suite = "s";
    r.check_id = "a";
    r.vantage = "local";
    r.status = Status::fail;
    r.message = "bytes \xff here";
    r.transcript.push_back({std::chrono::microseconds(5), Direction::server, "220 hi"});
    auto m = agent::decode_message(agent::encode(agent::ResultLine{r}));
    auto& back = std::get<agent::ResultLine>(m).result;
    EXPECT_EQ(back.message, r.message);
    EXPECT_EQ(back.status, Status::fail);
    ASSERT_EQ(back.transcript.size(), 1u);
    EXPECT_EQ(back.transcript[0].text, "220 hi");

    auto h = std::get<agent::Hello>(agent::decode_message(agent::encode(agent::Hello{1, "9.9"})));
    EXPECT_EQ(h.version, "9.9");
    EXPECT_TRUE(
        std::get<agent::End>(agent::decode_message(agent::encode(agent::End{true}))).incomplete);
    EXPECT_EQ(
        std::get<agent::Failure>(agent::decode_message(agent::encode(agent::Failure{"x"}))).message,
        "x");

    agent::Request req;
    req.version = "1.0";
    req.suites.push_back({"s", "suite: s\n"});
    req.secrets["MAILSPEC_AGENT_SECRET_1"] = "pw";
    auto rq = agent::decode_request(agent::encode(req));
    EXPECT_EQ(rq.suites.at(0).yaml, "suite: s\n");
    EXPECT_EQ(rq.secrets.at("MAILSPEC_AGENT_SECRET_1"), "pw");
}

TEST(AgentProtocol, MalformedLinesAreRefusedWithoutQuotingThem) {
    auto reason = [](std::string_view line) {
        try {
            agent::decode_message(line);
        } catch (const agent::ProtocolError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(reason("{\"type\":"), "not a JSON line");
    EXPECT_EQ(reason("[1]"), "not a JSON object");
    EXPECT_THAT(reason("{\"type\":\"shout\"}"), HasSubstr("unknown message type"));
    EXPECT_THAT(reason("{\"type\":\"hello\",\"version\":\"1\"}"), HasSubstr("protocol"));
    EXPECT_THAT(reason("{\"type\":\"result\",\"result\":{\"suite\":\"s\"}}"),
                HasSubstr("check_id"));
    EXPECT_THAT(reason("{\"type\":\"end\"}"), HasSubstr("incomplete"));
    try {
        agent::decode_request("{\"type\":\"run\",\"secrets\":{\"X\":\"hunter2\"}");
        FAIL();
    } catch (const agent::ProtocolError& e) {
        EXPECT_THAT(e.what(), Not(HasSubstr("hunter2")));
    }
}

TEST_F(AgentTest, RequestCarriesOnlyWhatTheChecksNeed) {
    dir_.write("alice.pw", "s3cret\n");
    Suite s = load();
    std::vector<const CheckSpec*> checks = {&s.checks[0], &s.checks[1]};
    auto part = agent::build_part(s, checks, "");
    EXPECT_TRUE(part.unsendable.empty());
    EXPECT_THAT(part.part.yaml,
                AllOf(Not(HasSubstr("from")), Not(HasSubstr("alice.pw")), Not(HasSubstr("s3cret")),
                      Not(HasSubstr("other")), HasSubstr("password_env: MAILSPEC_AGENT_SECRET_1")));
    EXPECT_EQ(part.secrets.at("MAILSPEC_AGENT_SECRET_1"), "s3cret");
    EXPECT_EQ(part.env.at("HELO_NAME"), "probe.example");
    EXPECT_EQ(part.env.size(), 1u);

    // The agent loads it as a suite of its own, everything from its local vantage.
    LoadOptions lo;
    lo.env = [&](const std::string& n) -> std::optional<std::string> {
        if (auto it = part.env.find(n); it != part.env.end()) return it->second;
        return std::nullopt;
    };
    auto r = load_suite_text(part.part.yaml, (dir_.path() / "sent.yaml").string(), lo);
    ASSERT_TRUE(r.suite) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
    ASSERT_EQ(r.suite->checks.size(), 2u);
    EXPECT_THAT(r.suite->checks[0].from, ElementsAre("local"));
    EXPECT_EQ(r.suite->checks[1].helo, "probe.example");
    EXPECT_EQ(r.suite->targets.at("mx").port, 2525);

    // With the vantage's bind, the agent's checks come from that address on the probe.
    auto bound = agent::build_part(s, checks, "", "127.0.0.20");
    auto rb = load_suite_text(bound.part.yaml, (dir_.path() / "bound.yaml").string(), lo);
    ASSERT_TRUE(rb.suite) << (rb.diagnostics.empty() ? "" : rb.diagnostics[0].message);
    EXPECT_THAT(rb.suite->checks[0].from, ElementsAre("probe"));
    EXPECT_EQ(rb.suite->vantages.at("probe").address, "127.0.0.20");

    // Only the check without a password is sent when the password cannot be read here.
    std::filesystem::remove(dir_.path() / "alice.pw");
    auto without = agent::build_part(s, checks, "");
    ASSERT_EQ(without.unsendable.count(1), 1u);
    EXPECT_THAT(without.unsendable.at(1), HasSubstr("cannot read the password"));
    EXPECT_TRUE(without.secrets.empty());
}

// Runs a session whose "ssh" is `sh -c SCRIPT`; returns the results by check id.
class SessionTest : public AgentTest {
  protected:
    std::multimap<std::string, Result> run(
        const std::string& script, std::chrono::milliseconds stall = std::chrono::seconds(30)) {
        dir_.write("alice.pw", "s3cret");
        suite_ = load();
        Vantage v = suite_.vantages.at("probe");
        agent::SessionOptions o;
        o.command = {"/bin/sh", "-c", script};
        o.stall = stall;
        o.grace = std::chrono::milliseconds(500);
        boost::asio::io_context io;
        auto session = agent::make_agent_session(io.get_executor(), v, o);
        std::vector<RemoteCheck> checks;
        for (auto& c : suite_.checks)
            checks.push_back({&suite_, &c, &suite_.targets.at(c.target)});
        std::multimap<std::string, Result> out;
        boost::asio::co_spawn(io,
                              session->run(checks,
                                           [&](std::size_t i, Result r) {
                                               EXPECT_EQ(r.check_id, suite_.checks[i].id);
                                               out.emplace(r.check_id, std::move(r));
                                           }),
                              boost::asio::detached);
        io.run();
        return out;
    }
    static std::string hello(const std::string& version = kVersion) {
        return quoted(agent::encode(agent::Hello{agent::kProtocolVersion, version}));
    }
    static std::string result_line(const std::string& id, Status st) {
        Result r;
        r.suite = "s";
        r.check_id = id;
        r.vantage = "local";
        r.status = st;
        r.message = "from the agent";
        return quoted(agent::encode(agent::ResultLine{r}));
    }
    // A printf of the line, safe inside the sh script.
    static std::string quoted(std::string line) {
        line.pop_back();
        std::string out = "printf '%s\\n' '";
        for (char c : line)
            out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'; ";
    }
    Suite suite_;
};

TEST_F(SessionTest, ResultsComeBackUnderTheVantageName) {
    auto out = run(hello() + "read req; " + result_line("a", Status::pass) +
                   result_line("b", Status::fail) + quoted(agent::encode(agent::End{false})));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out.find("a")->second.status, Status::pass);
    EXPECT_EQ(out.find("a")->second.vantage, "probe");
    EXPECT_EQ(out.find("a")->second.properties.at("ssh.destination"), "alice@probe.example");
    EXPECT_EQ(out.find("b")->second.status, Status::fail);
}

TEST_F(SessionTest, TheRequestReachesTheAgentOnStdin) {
    // The script echoes the request back as a failure message's length check: it must hold
    // the secret (on stdin, never on the command line) and the suite.
    auto out = run(hello() +
                   "read req; case \"$req\" in "
                   "*s3cret*MAILSPEC_AGENT_SECRET_1*|*MAILSPEC_AGENT_SECRET_1*s3cret*) " +
                   quoted(agent::encode(agent::Failure{"got the secret"})) + ";; *) " +
                   quoted(agent::encode(agent::Failure{"no secret"})) + ";; esac");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_THAT(out.find("b")->second.message,
                HasSubstr("could not run the checks: got the secret"));
}

TEST_F(SessionTest, VersionMismatchFailsEveryCheck) {
    auto out = run(hello("0.0.1-other") + "read req");
    ASSERT_EQ(out.size(), 2u);
    for (auto& [id, r] : out) {
        EXPECT_EQ(r.status, Status::error);
        EXPECT_THAT(r.message, HasSubstr("version mismatch: the agent is mailspec 0.0.1-other"));
        EXPECT_EQ(r.vantage, "probe");
    }
}

TEST_F(SessionTest, MalformedLineEndsTheSession) {
    auto out = run(hello() + "read req; " + result_line("a", Status::pass) +
                   "echo '{\"type\": broken'; " + result_line("b", Status::pass));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out.find("a")->second.status, Status::pass);
    EXPECT_EQ(out.find("b")->second.status, Status::error);
    EXPECT_THAT(out.find("b")->second.message, HasSubstr("malformed line (not a JSON line)"));
}

TEST_F(SessionTest, UnknownCheckIsAProtocolError) {
    auto out = run(hello() + "read req; " + result_line("zzz", Status::pass));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_THAT(out.find("a")->second.message, HasSubstr("a check it was not sent"));
}

TEST_F(SessionTest, AgentDyingMidStreamErrorsTheRest) {
    auto out = run(hello() + "read req; " + result_line("a", Status::pass) +
                   "echo 'segfault, sort of' >&2; exit 3");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out.find("a")->second.status, Status::pass);
    const auto& b = out.find("b")->second;
    EXPECT_EQ(b.status, Status::error);
    EXPECT_THAT(b.message, HasSubstr("the agent ended before reporting this check (exit status 3: "
                                     "segfault, sort of)"));
}

TEST_F(SessionTest, SshFailureIsReportedOncePerCheckWithItsReason) {
    auto out =
        run("echo 'ssh: connect to host probe.example port 22: Connection refused' >&2; exit 255");
    ASSERT_EQ(out.size(), 2u);
    for (auto& [id, r] : out)
        EXPECT_THAT(r.message,
                    HasSubstr("ssh vantage 'probe' (alice@probe.example): ssh failed (exit "
                              "status 255: ssh: connect to host probe.example port 22: "
                              "Connection refused)"));
}

TEST_F(SessionTest, MissingBinary) {
    auto out = run("echo 'sh: 1: mailspec: not found' >&2; exit 127");
    ASSERT_EQ(out.size(), 2u);
    EXPECT_THAT(out.begin()->second.message,
                HasSubstr("the agent did not start (exit status 127: sh: 1: mailspec: not found)"));
}

TEST_F(SessionTest, StalledAgentIsStopped) {
    auto out = run(hello() + "read req; sleep 30", std::chrono::milliseconds(300));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_THAT(out.begin()->second.message, HasSubstr("sent nothing for"));
}

TEST_F(SessionTest, NoiseBeforeTheHelloIsTolerated) {
    auto out = run("echo 'Welcome to the probe'; " + hello() + "read req; " +
                   result_line("a", Status::pass) + result_line("b", Status::pass) +
                   quoted(agent::encode(agent::End{false})));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out.find("b")->second.status, Status::pass);
}

// The scheduler's hook: ssh checks go to remote_for once per (suite, vantage), all at once;
// a check the remote vantage leaves unreported becomes an error; local ones run as before.
class FakeRemote : public RemoteVantage {
  public:
    boost::asio::awaitable<void> run(std::vector<RemoteCheck> checks, Emit emit) override {
        received = checks.size();
        Result r;
        r.suite = checks[0].suite->name;
        r.check_id = checks[0].spec->id;
        r.vantage = "probe";
        r.status = Status::pass;
        emit(0, r);  // the second check is left unreported
        co_return;
    }
    void interrupt() override {}
    std::size_t received = 0;
};

struct Collect : Reporter {
    void result(const Result& r) override { got.push_back(r); }
    std::vector<Result> got;
};

TEST_F(AgentTest, SchedulerHandsSshChecksToTheRemoteVantage) {
    dir_.write("alice.pw", "s3cret");
    Suite s = load();
    s.checks[0].from = {"probe"};  // no local run: this test has no server
    boost::asio::io_context io;
    Collect reporter;
    SchedulerOptions so;
    std::vector<std::string> asked;
    auto remote = std::make_shared<FakeRemote>();
    so.connector_for = [](const Vantage& v) -> std::shared_ptr<transport::Connector> {
        throw std::runtime_error("no local connector for " + v.name);
    };
    so.remote_for = [&](const Vantage& v, boost::asio::any_io_executor) {
        asked.push_back(v.name);
        return remote;
    };
    Scheduler scheduler(io, reporter, so);
    auto summary = scheduler.run({s});
    EXPECT_THAT(asked, ElementsAre("probe"));
    EXPECT_EQ(remote->received, 2u);
    ASSERT_EQ(reporter.got.size(), 2u);
    EXPECT_FALSE(summary.incomplete);
    std::map<std::string, Result> by_id;
    for (auto& r : reporter.got)
        by_id[r.check_id] = r;
    EXPECT_EQ(by_id["a"].status, Status::pass);
    EXPECT_EQ(by_id["b"].status, Status::error);
    EXPECT_THAT(by_id["b"].message, HasSubstr("the remote vantage reported nothing"));
    EXPECT_EQ(by_id["b"].vantage, "probe");
}

}  // namespace
}  // namespace mailspec
