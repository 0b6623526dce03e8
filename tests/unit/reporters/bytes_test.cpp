// Every byte value, every kind of malformed UTF-8 and every escape-like text, in every string
// field of a result, through every reporter (JSON, JUnit, TAP, console, HTML, Markdown,
// OpenMetrics, the snapshot baseline and its drift) and the agent protocol: each output must
// parse with its real consumer (or at least be clean UTF-8 text), and the exact bytes must come
// back wherever the form is reversible (the JSON report, the baseline and the agent protocol
// exactly; the JUnit, TAP and console text through text::unescape).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <random>
#include <sstream>

#include "protocol/text.hpp"
#include "reporters/baseline.hpp"
#include "reporters/console_reporter.hpp"
#include "reporters/drift.hpp"
#include "reporters/html_reporter.hpp"
#include "reporters/json_reporter.hpp"
#include "reporters/junit_reporter.hpp"
#include "reporters/markdown_reporter.hpp"
#include "reporters/merge.hpp"
#include "reporters/openmetrics.hpp"
#include "reporters/tap_reporter.hpp"
#include "runner/agent_protocol.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;
using namespace std::string_literals;

std::vector<std::string> corpus() {
    std::string all;
    for (int b = 0; b < 256; ++b)
        all += static_cast<char>(b);
    std::vector<std::string> out = {
        all,
        "\0"s,
        "nul\0inside"s,
        "\x80",  // lone continuation bytes
        "\xbf\x80\xbf",
        "\xc3\x28",  // lead byte without its continuation
        "\xe2\x82",  // truncated sequences
        "\xf0\x9f\x98",
        "\xc0\xaf",  // overlongs
        "\xc1\xbf",
        "\xe0\x80\xaf",
        "\xf0\x80\x80\xaf",
        "\xed\xa0\x80",  // UTF-16 surrogates encoded in UTF-8
        "\xed\xbf\xbf",
        "\xed\xa0\xbd\xed\xb8\x80",  // a CESU-8 pair
        "\xf4\x90\x80\x80",          // above U+10FFFF
        "\xf8\x88\x80\x80\x80",      // 5- and 6-byte forms
        "\xfc\x84\x80\x80\x80\x80",
        "\xfe\xff",
        "\xef\xbb\xbf"
        "bom",                               // U+FEFF
        "\xef\xbf\xbe\xef\xbf\xbf",          // U+FFFE, U+FFFF
        "\xc2\x85\xe2\x80\xa8\xe2\x80\xa9",  // NEL, LINE and PARAGRAPH SEPARATOR
        "caf\xc3\xa9 \xf0\x9f\x98\x80",      // valid UTF-8 stays as it is
        "\\x80 is four characters",          // escape-like text must not be mistaken for an escape
        "\\\\",
        "\\u2028\\",
        "ends in a backslash\\",
        "\r\n\t\x1b[31mred\x7f",
        "]]><!-- & \" ' # : - ...",
        "",
    };
    std::mt19937 rng(7208);
    std::uniform_int_distribution<int> byte(0, 255), len(1, 64);
    for (int i = 0; i < 8; ++i) {
        std::string s;
        for (int n = len(rng); n > 0; --n)
            s += static_cast<char>(byte(rng));
        out.push_back(s);
    }
    return out;
}

// One result per corpus entry, every string field a distinct text around the entry.
RunRecord bytes_run() {
    RunRecord rec = sample_run();
    rec.results.clear();
    rec.suites.clear();
    auto items = corpus();
    rec.run.host = "host" + items[0];
    rec.run.version = "0.1" + items[1];
    rec.run.argv = {"mailspec", "run", items[0], items[5]};
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string& b = items[i];
        const std::string n = std::to_string(i);
        Result r;
        r.suite = "suite" + n + b;
        r.check_id = "check" + n + b;
        r.variant = i % 2 ? "variant" + b : "";
        r.kind = "kind" + b;
        r.target = "target" + b;
        r.endpoint = "endpoint" + b;
        r.vantage = "vantage" + b;
        r.status = static_cast<Status>(i % 5);
        r.duration = std::chrono::milliseconds{static_cast<long>(i)};
        r.message = "message" + b;
        r.expected = "expected" + b;
        r.actual = "actual" + b;
        r.rfc = "rfc" + b;
        r.tags = {"tag" + b, b};
        r.properties = {{"key" + b, "value" + b}, {"plain", b}};
        r.findings = {{Severity::violation, "kind" + b, "finding" + b}, {Severity::notice, "", b}};
        for (auto dir : {Direction::client, Direction::server, Direction::client_tls,
                         Direction::server_tls, Direction::note})
            r.transcript.push_back(TranscriptLine{std::chrono::microseconds{i}, dir, "line" + b});
        rec.suites.push_back(SuiteInfo{r.suite, "file" + b, "description" + b, 1});
        rec.results.push_back(std::move(r));
    }
    return rec;
}

void expect_same(const Result& got, const Result& want) {
    EXPECT_EQ(got.suite, want.suite);
    EXPECT_EQ(got.check_id, want.check_id);
    EXPECT_EQ(got.variant, want.variant);
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.target, want.target);
    EXPECT_EQ(got.endpoint, want.endpoint);
    EXPECT_EQ(got.vantage, want.vantage);
    EXPECT_EQ(got.status, want.status);
    EXPECT_EQ(got.message, want.message);
    EXPECT_EQ(got.expected, want.expected);
    EXPECT_EQ(got.actual, want.actual);
    EXPECT_EQ(got.rfc, want.rfc);
    EXPECT_EQ(got.tags, want.tags);
    EXPECT_EQ(got.properties, want.properties);
    EXPECT_EQ(got.findings, want.findings);
    ASSERT_EQ(got.transcript.size(), want.transcript.size());
    for (std::size_t k = 0; k < want.transcript.size(); ++k) {
        EXPECT_EQ(got.transcript[k].text, want.transcript[k].text);
        EXPECT_EQ(got.transcript[k].dir, want.transcript[k].dir);
    }
}

// Well-formed UTF-8 without C0 controls (but the ones named) or DEL, and, unless `json` (whose
// strings may carry any code point), without the non-characters XML 1.0 forbids.
void expect_clean(const std::string& out, std::string_view allowed_controls, bool json = false) {
    ASSERT_TRUE(text::is_valid_utf8(out)) << "at " << text::first_invalid_utf8(out);
    for (std::size_t i = 0; i < out.size();) {
        char32_t cp;
        ASSERT_TRUE(text::decode_utf8(out, i, cp));
        if (cp < 0x20 || (cp == 0x7F && !json)) {
            ASSERT_NE(allowed_controls.find(static_cast<char>(cp)), std::string_view::npos)
                << "control " << unsigned(cp) << " at " << i
                << " in: " << out.substr(i > 60 ? i - 60 : 0, 120);
        }
        if (!json) {
            ASSERT_FALSE(cp == 0xFFFE || cp == 0xFFFF) << "non-character at " << i;
        }
    }
}

TEST(EveryByte, EscapeIsReversibleAndClean) {
    for (const auto& b : corpus()) {
        for (bool keep_newlines : {false, true}) {
            std::string e = text::escape(b, keep_newlines);
            expect_clean(e, keep_newlines ? "\t\n" : "\t");
            EXPECT_EQ(text::unescape(e), b);
        }
    }
    for (int v = 0; v < 256; ++v) {
        std::string one(1, static_cast<char>(v));
        EXPECT_EQ(text::unescape(text::escape(one)), one) << v;
    }
}

TEST(EveryByte, JsonParsesStrictlyAndGivesEveryByteBack) {
    auto rec = bytes_run();
    std::string out = render_json(rec);
    expect_clean(out, "\n", true);
    nlohmann::json doc;
    ASSERT_NO_THROW(doc = nlohmann::json::parse(out));  // strict: rejects invalid UTF-8
    auto back = read_results_json(out, "bytes.json");
    EXPECT_EQ(back.run.host, rec.run.host);
    EXPECT_EQ(back.run.version, rec.run.version);
    EXPECT_EQ(back.run.argv, rec.run.argv);
    ASSERT_EQ(back.suites.size(), rec.suites.size());
    for (std::size_t i = 0; i < rec.suites.size(); ++i) {
        EXPECT_EQ(back.suites[i].name, rec.suites[i].name);
        EXPECT_EQ(back.suites[i].file, rec.suites[i].file);
        EXPECT_EQ(back.suites[i].description, rec.suites[i].description);
    }
    ASSERT_EQ(back.results.size(), rec.results.size());
    for (std::size_t i = 0; i < rec.results.size(); ++i) {
        SCOPED_TRACE("result " + std::to_string(i));
        expect_same(back.results[i], rec.results[i]);
        // The readable copy is text::escape() wherever the bytes are not UTF-8.
        const auto& j = doc["results"][i];
        const auto& r = rec.results[i];
        if (!text::is_valid_utf8(r.message)) {
            EXPECT_EQ(text::unescape(j["message"].get<std::string>()), r.message);
            EXPECT_TRUE(j.contains("message_base64"));
        } else {
            EXPECT_EQ(j["message"], r.message);
            EXPECT_FALSE(j.contains("message_base64"));
        }
    }
}

TEST(EveryByte, JunitParsesAndNamesUnescapeToTheBytes) {
    auto rec = bytes_run();
    for (bool portable : {false, true}) {
        std::string xml = render_junit(rec, JunitOptions{portable});
        expect_clean(xml, "\t\n");
        pugi::xml_document doc;
        auto parsed = doc.load_string(xml.c_str());
        ASSERT_TRUE(parsed) << parsed.description();
        std::set<std::string> names;
        for (auto tc : doc.child("testsuites").select_nodes("testsuite/testcase")) {
            auto name = text::unescape(tc.node().attribute("name").value());
            ASSERT_TRUE(name);
            names.insert(*name);
        }
        for (auto& r : rec.results)
            EXPECT_TRUE(names.count(r.name())) << text::escape(r.name());
    }
}

// The YAML blocks of a TAP stream, unindented, in order.
std::vector<std::string> yaml_blocks(const std::string& tap) {
    std::vector<std::string> blocks;
    for (std::size_t at = tap.find("\n  ---\n"); at != std::string::npos;
         at = tap.find("\n  ---\n", at + 1)) {
        auto end = tap.find("\n  ...\n", at);
        std::string block;
        for (std::size_t i = at + 7; i < end + 1;) {
            auto nl = tap.find('\n', i);
            block += tap.substr(i + 2, nl - i - 2) + "\n";
            i = nl + 1;
        }
        blocks.push_back(block);
    }
    return blocks;
}

TEST(EveryByte, TapIsLineSafeAndItsYamlUnescapesToTheBytes) {
    auto rec = bytes_run();
    for (bool subtests : {false, true}) {
        std::string tap = render_tap(rec, TapOptions{subtests});
        expect_clean(tap, "\n");
        if (subtests) continue;
        auto blocks = yaml_blocks(tap);
        ASSERT_EQ(blocks.size(), rec.results.size());
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            const Result& r = rec.results[i];
            YAML::Node y;
            ASSERT_NO_THROW(y = YAML::Load(blocks[i])) << blocks[i];
            auto field = [&](const char* key) {
                return text::unescape(y[key].as<std::string>()).value_or("(not an escape)");
            };
            EXPECT_EQ(field("message"), r.message);
            EXPECT_EQ(field("check"), r.check_id);
            EXPECT_EQ(field("vantage"), r.vantage);
            EXPECT_EQ(field("actual"), r.actual);
            for (auto& [k, v] : r.properties)
                EXPECT_EQ(text::unescape(y["properties"][text::escape(k, true)].as<std::string>()),
                          v);
            EXPECT_EQ(text::unescape(y["tags"][0].as<std::string>()), r.tags[0]);
        }
    }
}

TEST(EveryByte, TapIsAcceptedByPerlTapParser) {
    if (run_command("perl -MTAP::Parser -e1").exit_code != 0)
        GTEST_SKIP() << "Perl's TAP::Parser is not available";
    TempDir dir;
    auto rec = bytes_run();
    for (bool subtests : {false, true}) {
        auto f = dir.path / (subtests ? "sub.tap" : "flat.tap");
        write_file(f, render_tap(rec, TapOptions{subtests}));
        auto res = run_command(
            "perl -MTAP::Parser -e 'local $/; my $t = <STDIN>; $t =~ "
            "s/\\ATAP version 14\\n/TAP version 13\\n/; my $p = TAP::Parser->new({tap => $t}); "
            "while (my $r = $p->next) { print \"unknown: \", $r->as_string, \"\\n\" if "
            "$r->is_unknown && $r->as_string !~ /^    /; } my @e = $p->parse_errors; print "
            "\"$_\\n\" for @e; exit(@e ? 1 : 0)' < " +
            shell_quote(f.string()));
        EXPECT_EQ(res.exit_code, 0) << res.output.substr(0, 3000);
        EXPECT_EQ(res.output.find("unknown: "), std::string::npos) << res.output.substr(0, 3000);
    }
}

TEST(EveryByte, ConsoleShowsOnlyCleanLines) {
    auto rec = bytes_run();
    for (auto v : {Verbosity::quiet, Verbosity::normal, Verbosity::very_verbose}) {
        std::ostringstream out;
        ConsoleOptions o;
        o.verbosity = v;
        o.clock = [] { return std::chrono::steady_clock::time_point{}; };
        ConsoleReporter console(out, o);
        replay(rec, console);
        expect_clean(out.str(), "\t\n");
    }
}

TEST(EveryByte, HtmlMarkdownAndOpenMetricsAreCleanText) {
    auto rec = bytes_run();
    std::string html, md, om;
    ASSERT_NO_THROW(html = render_html(rec));
    expect_clean(html, "\t\n");
    ASSERT_NO_THROW(md = render_markdown(rec));
    expect_clean(md, "\t\n");
    ProbeMetrics p;
    p.suite = "suite" + corpus()[0];
    p.target = "target" + corpus()[0];
    p.results = rec.results;
    ASSERT_NO_THROW(om = render_openmetrics(p));
    expect_clean(om, "\t\n");  // a tab is a legal label-value character
    EXPECT_EQ(om.substr(om.size() - 6), "# EOF\n");
}

TEST(EveryByte, BaselineAndDriftParseStrictlyAndGiveEveryByteBack) {
    auto rec = bytes_run();
    for (auto& r : rec.results)  // every result a surface: a greeting and TLS facts
        r.properties["tls.version"] = "TLSv1.3" + r.message;
    const Baseline b = extract_baseline(rec);
    ASSERT_FALSE(b.surfaces.empty());
    std::string text;
    ASSERT_NO_THROW(text = render_baseline_json(b));
    expect_clean(text, "\n", true);
    ASSERT_NO_THROW({
        auto parsed = nlohmann::json::parse(text);
        (void)parsed;
    });
    EXPECT_EQ(read_baseline_json(text, "base.json").surfaces, b.surfaces);
    const auto changes = diff_baselines(b, Baseline{});
    std::string drift, drift_text;
    ASSERT_NO_THROW(drift = render_drift_json(changes));
    expect_clean(drift, "\n", true);
    ASSERT_NO_THROW({
        auto parsed = nlohmann::json::parse(drift);
        (void)parsed;
    });
    ASSERT_NO_THROW(drift_text = render_drift_text(changes));
    expect_clean(drift_text, "\t\n");
}

TEST(EveryByte, AgentLinesParseAndGiveEveryByteBack) {
    auto rec = bytes_run();
    for (const auto& r : rec.results) {
        std::string line = agent::encode(agent::Message{agent::ResultLine{r}});
        ASSERT_EQ(line.find('\n'), line.size() - 1);
        expect_clean(line, "\n", true);
        ASSERT_NO_THROW({
            auto parsed = nlohmann::json::parse(line);
            (void)parsed;
        });
        auto m = agent::decode_message(line);
        ASSERT_TRUE(std::holds_alternative<agent::ResultLine>(m));
        expect_same(std::get<agent::ResultLine>(m).result, r);
    }
    agent::Request req;
    req.version = rec.run.version;
    for (const auto& b : corpus()) {
        req.env["VAR" + b] = b;
        req.secrets["PW"] = b;
        req.files["ca" + b + ".pem"] = b;
        req.suites.push_back({"s" + b, "suite: x\n"});
    }
    std::string line = agent::encode(req);
    expect_clean(line, "\n", true);
    auto back = agent::decode_request(line);
    EXPECT_EQ(back.env, req.env);
    EXPECT_EQ(back.secrets, req.secrets);
    EXPECT_EQ(back.files, req.files);
    EXPECT_EQ(back.version, req.version);
    ASSERT_EQ(back.suites.size(), req.suites.size());
    for (std::size_t i = 0; i < req.suites.size(); ++i)
        EXPECT_EQ(back.suites[i].name, req.suites[i].name);
    for (const auto& b : corpus()) {
        auto f = agent::decode_message(agent::encode(agent::Message{agent::Failure{b}}));
        EXPECT_EQ(std::get<agent::Failure>(f).message, b);
    }
}

}  // namespace
}  // namespace mailspec::reports
