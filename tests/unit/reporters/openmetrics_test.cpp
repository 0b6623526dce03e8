// The OpenMetrics answer of `mailspec serve /probe`: one status gauge per result and status,
// TLS series from the result's properties, probe success, label escaping.

#include "reporters/openmetrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mailspec::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Result result(std::string id, Status s) {
    Result r;
    r.suite = "mx-baseline";
    r.check_id = std::move(id);
    r.kind = "smtp";
    r.vantage = "outside";
    r.status = s;
    r.duration = std::chrono::milliseconds(1500);
    return r;
}

ProbeMetrics probe(std::vector<Result> results) {
    ProbeMetrics p;
    p.suite = "mx-baseline";
    p.target = "mx1.example.org";
    p.results = std::move(results);
    p.duration = std::chrono::milliseconds(2250);
    return p;
}

const char* kLabels =
    "suite=\"mx-baseline\",check=\"banner\",variant=\"\",target=\"mx1.example.org\","
    "vantage=\"outside\",kind=\"smtp\"";

TEST(OpenMetrics, OneStatusGaugePerStatusWithOneSet) {
    const std::string out = render_openmetrics(probe({result("banner", Status::pass)}));
    for (const char* s : {"pass", "fail", "error", "skip", "inconclusive"}) {
        const std::string line = std::string("mailspec_check_status{") + kLabels + ",status=\"" +
                                 s + "\"} " + (std::string(s) == "pass" ? "1" : "0") + "\n";
        EXPECT_THAT(out, HasSubstr(line)) << s;
    }
    EXPECT_THAT(out,
                HasSubstr(std::string("mailspec_check_duration_seconds{") + kLabels + "} 1.5\n"));
    EXPECT_THAT(
        out,
        HasSubstr("mailspec_probe_success{suite=\"mx-baseline\",target=\"mx1.example.org\"} 1\n"));
    EXPECT_THAT(out, HasSubstr("mailspec_probe_duration_seconds{suite=\"mx-baseline\",target=\"mx1."
                               "example.org\"} 2.25\n"));
    EXPECT_THAT(out, HasSubstr("mailspec_probe_results{suite=\"mx-baseline\",target=\"mx1.example."
                               "org\",status=\"pass\"} 1\n"));
    ASSERT_GE(out.size(), 6u);
    EXPECT_EQ(out.substr(out.size() - 6), "# EOF\n");
}

TEST(OpenMetrics, ProbeFailsOnFailErrorOrIncompleteButNotOnSkipOrInconclusive) {
    auto success = [](std::vector<Result> rs, bool incomplete = false) {
        auto p = probe(std::move(rs));
        p.incomplete = incomplete;
        return render_openmetrics(p).find(
                   "mailspec_probe_success{suite=\"mx-baseline\",target=\"mx1.example.org\"} 1") !=
               std::string::npos;
    };
    EXPECT_TRUE(success(
        {result("a", Status::pass), result("b", Status::skip), result("c", Status::inconclusive)}));
    EXPECT_FALSE(success({result("a", Status::pass), result("b", Status::fail)}));
    EXPECT_FALSE(success({result("a", Status::error)}));
    EXPECT_FALSE(success({result("a", Status::pass)}, true));
}

TEST(OpenMetrics, TlsSeriesComeFromProperties) {
    Result r = result("starttls", Status::pass);
    r.properties["tls.not_after"] = "2027-01-02T03:04:05Z";
    r.properties["tls.version"] = "TLSv1.3";
    r.properties["tls.cipher"] = "TLS_AES_256_GCM_SHA384";
    Result plain = result("banner", Status::pass);
    const std::string out = render_openmetrics(probe({r, plain}));
    EXPECT_THAT(
        out,
        HasSubstr("mailspec_tls_cert_not_after_seconds{suite=\"mx-baseline\",check=\"starttls\""));
    EXPECT_THAT(out, HasSubstr("} 1798859045\n"));  // date -u -d 2027-01-02T03:04:05Z +%s
    EXPECT_THAT(out, HasSubstr(",version=\"TLSv1.3\",cipher=\"TLS_AES_256_GCM_SHA384\"} 1\n"));
    EXPECT_THAT(out, Not(HasSubstr("mailspec_tls_info{suite=\"mx-baseline\",check=\"banner\"")));
}

TEST(OpenMetrics, LabelValuesAreEscapedAndVisible) {
    EXPECT_EQ(label_value("plain"), "plain");
    // The value Prometheus stores is the reversible escaped form (text::escape: a backslash
    // doubled), which OpenMetrics then escapes again.
    EXPECT_EQ(label_value("a\"b\\c"), "a\\\"b\\\\\\\\c");
    const std::string nasty = label_value(std::string("x\ny\r\0z\xff", 7));
    EXPECT_EQ(nasty.find('\n'), std::string::npos);
    EXPECT_EQ(nasty.find('\r'), std::string::npos);
    EXPECT_EQ(nasty.find('\0'), std::string::npos);
    EXPECT_EQ(nasty.find('\xff'), std::string::npos);
    Result r = result("banner", Status::fail);
    r.variant = "with \"quotes\"\n";
    const std::string out = render_openmetrics(probe({r}));
    // Every sample stays on one line: a newline in a label would end the sample early.
    for (std::size_t at = 0, nl; (nl = out.find('\n', at)) != std::string::npos; at = nl + 1) {
        const std::string line = out.substr(at, nl - at);
        if (line.rfind("mailspec_check_status{", 0) == 0) EXPECT_THAT(line, HasSubstr("\"} "));
    }
}

}  // namespace
}  // namespace mailspec::reports
