// libFuzzer target: every reporter and the agent protocol over a result built from the input
// (FuzzedDataProvider splits it into the result's string fields, any bytes).
// Invariants: the JSON and the snapshot baseline parse strictly and read back to the same bytes
// (the drift JSON parses strictly); the JUnit parses with pugixml; TAP, console, HTML, Markdown
// and drift text are well-formed UTF-8 without control characters but LF (and tab); an agent
// result line is one line that decodes to the same result.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
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
#include "reporters/tap_reporter.hpp"
#include "runner/agent_protocol.hpp"

using namespace mailspec;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

// JSON strings may carry DEL and the non-characters XML forbids; the text formats may not.
void require_clean(const std::string& out, std::string_view controls, bool json = false) {
    require(text::is_valid_utf8(out));
    for (std::size_t i = 0; i < out.size();) {
        char32_t cp;
        require(text::decode_utf8(out, i, cp));
        if (cp < 0x20 || (cp == 0x7F && !json))
            require(controls.find(static_cast<char>(cp)) != controls.npos);
        if (!json) require(cp != 0xFFFE && cp != 0xFFFF);
    }
}

bool same(const Result& a, const Result& b) {
    if (a.transcript.size() != b.transcript.size()) return false;
    for (std::size_t i = 0; i < a.transcript.size(); ++i)
        if (a.transcript[i].text != b.transcript[i].text) return false;
    return a.suite == b.suite && a.check_id == b.check_id && a.variant == b.variant &&
           a.kind == b.kind && a.target == b.target && a.endpoint == b.endpoint &&
           a.vantage == b.vantage && a.status == b.status && a.message == b.message &&
           a.expected == b.expected && a.actual == b.actual && a.rfc == b.rfc && a.tags == b.tags &&
           a.properties == b.properties && a.findings == b.findings;
}

Result make_result(FuzzedDataProvider& in) {
    auto s = [&] { return in.ConsumeRandomLengthString(64); };
    Result r;
    r.suite = s(), r.check_id = s(), r.variant = s(), r.kind = s(), r.target = s();
    r.endpoint = s(), r.vantage = s(), r.message = s(), r.expected = s(), r.actual = s();
    r.rfc = s();
    r.status = static_cast<Status>(in.ConsumeIntegralInRange(0, 4));
    r.duration =
        std::chrono::nanoseconds{in.ConsumeIntegralInRange<std::int64_t>(0, 1'000'000'000)};
    for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n)
        r.tags.push_back(s());
    for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n)
        r.properties[s()] = s();
    for (int n = in.ConsumeIntegralInRange(0, 3); n > 0; --n)
        r.findings.push_back({in.ConsumeBool() ? Severity::violation : Severity::notice, s(), s()});
    for (int n = in.ConsumeIntegralInRange(0, 4); n > 0; --n)
        r.transcript.push_back(
            TranscriptLine{std::chrono::microseconds{in.ConsumeIntegralInRange(0, 1'000'000)},
                           static_cast<Direction>(in.ConsumeIntegralInRange(0, 4)), s()});
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    reports::RunRecord rec;
    rec.run.version = in.ConsumeRandomLengthString(16);
    rec.run.host = in.ConsumeRandomLengthString(16);
    rec.run.argv = {"mailspec", in.ConsumeRandomLengthString(16)};
    rec.results.push_back(make_result(in));
    rec.results.push_back(make_result(in));
    rec.results[1].check_id += "#2";  // merge refuses duplicates; keep the two results apart
    rec.suites.push_back(SuiteInfo{rec.results[0].suite, in.ConsumeRandomLengthString(16),
                                   in.ConsumeRandomLengthString(16), 2});

    std::string json = reports::render_json(rec);
    require_clean(json, "\n", true);
    try {
        (void)nlohmann::json::parse(json);
        auto back = reports::read_results_json(json);
        require(back.results.size() == rec.results.size());
        for (std::size_t i = 0; i < rec.results.size(); ++i)
            require(same(back.results[i], rec.results[i]));
        require(back.run.host == rec.run.host && back.run.argv == rec.run.argv);
    } catch (const std::exception&) {
        std::abort();
    }

    for (bool portable : {false, true}) {
        std::string xml = reports::render_junit(rec, reports::JunitOptions{portable});
        require_clean(xml, "\t\n");
        pugi::xml_document doc;
        require(static_cast<bool>(doc.load_string(xml.c_str())));
    }
    for (bool subtests : {false, true})
        require_clean(reports::render_tap(rec, reports::TapOptions{subtests}), "\n");

    std::ostringstream console;
    reports::ConsoleOptions opts;
    opts.verbosity = reports::Verbosity::very_verbose;
    opts.clock = [] { return std::chrono::steady_clock::time_point{}; };
    reports::ConsoleReporter reporter(console, opts);
    reports::replay(rec, reporter);
    require_clean(console.str(), "\t\n");

    require_clean(reports::render_html(rec), "\t\n");
    require_clean(reports::render_markdown(rec), "\t\n");
    try {
        const auto base = reports::extract_baseline(rec);
        const std::string bj = reports::render_baseline_json(base);
        require_clean(bj, "\n", true);
        (void)nlohmann::json::parse(bj);
        require(reports::read_baseline_json(bj, "fuzz").surfaces == base.surfaces);
        const auto changes = reports::diff_baselines(base, reports::Baseline{});
        const std::string dj = reports::render_drift_json(changes);
        require_clean(dj, "\n", true);
        (void)nlohmann::json::parse(dj);
        require_clean(reports::render_drift_text(changes), "\t\n");
    } catch (const std::exception&) {
        std::abort();
    }

    for (const auto& r : rec.results) {
        std::string line = agent::encode(agent::Message{agent::ResultLine{r}});
        require(line.find('\n') == line.size() - 1);
        require_clean(line, "\n", true);
        try {
            auto m = agent::decode_message(line);
            require(same(std::get<agent::ResultLine>(m).result, r));
        } catch (const std::exception&) {
            std::abort();
        }
    }
    return 0;
}
