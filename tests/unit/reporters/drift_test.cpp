#include "reporters/drift.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reporters/json_reporter.hpp"
#include "sample_run.hpp"

namespace mailspec::reports {
namespace {

using namespace testing;

TranscriptLine tl(Direction d, std::string text) {
    return TranscriptLine{std::chrono::microseconds{0}, d, std::move(text)};
}

Result smtp_result(bool starttls, std::string auth_before) {
    Result r;
    r.suite = "mx";
    r.check_id = "caps";
    r.vantage = "outside";
    r.endpoint = "127.0.0.10:25";
    r.transcript = {tl(Direction::note, "connect"),
                    tl(Direction::server, "220-mail.lab.test ESMTP"),
                    tl(Direction::server, "220 second line"),
                    tl(Direction::client, "EHLO probe"),
                    tl(Direction::server, "250-mail.lab.test"),
                    tl(Direction::server, "250-SIZE 10240000")};
    if (!auth_before.empty())
        r.transcript.push_back(tl(Direction::server, "250-AUTH " + auth_before));
    if (starttls) r.transcript.push_back(tl(Direction::server, "250-STARTTLS"));
    r.transcript.push_back(tl(Direction::server, "250 PIPELINING"));
    if (starttls) {
        r.transcript.push_back(tl(Direction::client, "STARTTLS"));
        r.transcript.push_back(tl(Direction::server, "220 2.0.0 Ready"));
        r.transcript.push_back(tl(Direction::note, "TLSv1.3"));
        r.transcript.push_back(tl(Direction::client_tls, "EHLO probe"));
        r.transcript.push_back(tl(Direction::server_tls, "250-mail.lab.test"));
        r.transcript.push_back(tl(Direction::server_tls, "250 AUTH PLAIN LOGIN"));
        r.properties = {{"tls.version", "TLSv1.2"},
                        {"tls.fingerprint", "sha256:aa"},
                        {"tls.verified", "yes"},
                        {"queue_id", "ignored"}};
    }
    return r;
}

Baseline baseline_of(std::vector<Result> results) {
    RunRecord rec;
    rec.results = std::move(results);
    return extract_baseline(rec);
}

const Change* find(const std::vector<Change>& cs, const std::string& fact) {
    for (auto& c : cs)
        if (c.fact == fact) return &c;
    return nullptr;
}

TEST(Baseline, ExtractsTheSurfaceFromTranscriptsAndTlsProperties) {
    auto b = baseline_of({smtp_result(true, "")});
    ASSERT_EQ(b.surfaces.size(), 1u);
    auto& f = b.surfaces[0].facts;
    EXPECT_EQ(f.at("greeting"), "220-mail.lab.test ESMTP\n220 second line");
    EXPECT_EQ(f.at("ehlo"), "PIPELINING SIZE STARTTLS");
    EXPECT_EQ(f.at("size"), "10240000");
    EXPECT_EQ(f.at("starttls"), "yes");
    EXPECT_EQ(f.at("auth"), "");
    EXPECT_EQ(f.at("ehlo_tls"), "AUTH");
    EXPECT_EQ(f.at("auth_tls"), "PLAIN LOGIN");
    EXPECT_EQ(f.at("tls.version"), "TLSv1.2");
    EXPECT_EQ(f.count("queue_id"), 0u) << "a fact of one message, not of the server";
}

TEST(Baseline, MailboxCapabilities) {
    Result pop;
    pop.endpoint = "127.0.0.10:110";
    pop.vantage = "inside";
    pop.transcript = {tl(Direction::server, "+OK Dovecot ready."),
                      tl(Direction::client, "CAPA"),
                      tl(Direction::server, "+OK"),
                      tl(Direction::server, "USER"),
                      tl(Direction::server, "STLS"),
                      tl(Direction::server, ".")};
    Result imap;
    imap.endpoint = "127.0.0.10:143";
    imap.vantage = "inside";
    imap.transcript = {tl(Direction::server, "* OK ready"), tl(Direction::client, "a1 CAPABILITY"),
                       tl(Direction::server, "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED"),
                       tl(Direction::server, "a1 OK done")};
    auto b = baseline_of({pop, imap});
    ASSERT_EQ(b.surfaces.size(), 2u);
    EXPECT_EQ(b.surfaces[0].facts.at("pop3.capa"), "STLS USER");
    EXPECT_EQ(b.surfaces[1].facts.at("imap.capability"), "IMAP4REV1 LOGINDISABLED STARTTLS");
}

TEST(Baseline, RoundTripsAndReadsResultsDocuments) {
    auto b = baseline_of({smtp_result(true, "")});
    auto back = read_baseline_json(render_baseline_json(b), "base.json");
    EXPECT_EQ(back.surfaces, b.surfaces);
    auto from_results = read_baseline_json(render_json(sample_run()), "results.json");
    EXPECT_FALSE(from_results.surfaces.empty());
    EXPECT_THROW(read_baseline_json("{\"format\":\"other\"}", "x"), ResultsFormatError);
    EXPECT_THROW(read_baseline_json("not json", "x"), ResultsFormatError);
}

TEST(Drift, LostStarttlsIsARegression) {
    auto changes =
        diff_baselines(baseline_of({smtp_result(true, "")}), baseline_of({smtp_result(false, "")}));
    auto* c = find(changes, "starttls");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->cls, DriftClass::regression);
    EXPECT_EQ(c->why, "STARTTLS no longer offered");
    EXPECT_EQ(find(changes, "ehlo")->cls, DriftClass::regression);
    EXPECT_EQ(find(changes, "tls.version")->cls, DriftClass::regression);
    EXPECT_GE(count_class(changes, DriftClass::regression), 3u);
    EXPECT_NE(render_drift_text(changes).find("127.0.0.10:25 from outside\n  regression"),
              std::string::npos);
}

TEST(Drift, AuthBeforeTlsIsARegressionAndItsRemovalAnImprovement) {
    auto safe = baseline_of({smtp_result(true, "")});
    auto exposed = baseline_of({smtp_result(true, "PLAIN LOGIN")});
    EXPECT_EQ(find(diff_baselines(safe, exposed), "auth")->cls, DriftClass::regression);
    EXPECT_EQ(find(diff_baselines(exposed, safe), "auth")->cls, DriftClass::improvement);
}

TEST(Drift, RenewedCertificateIsNeutralNewerTlsAnImprovement) {
    auto before = smtp_result(true, "");
    auto after = before;
    after.properties["tls.fingerprint"] = "sha256:bb";
    after.properties["tls.version"] = "TLSv1.3";
    auto changes = diff_baselines(baseline_of({before}), baseline_of({after}));
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(find(changes, "tls.fingerprint")->cls, DriftClass::neutral);
    EXPECT_EQ(find(changes, "tls.version")->cls, DriftClass::improvement);
    EXPECT_TRUE(diff_baselines(baseline_of({before}), baseline_of({before})).empty());
}

TEST(Drift, VanishedSurfaceIsARegressionNewOneNeutral) {
    auto a = baseline_of({smtp_result(true, "")});
    Baseline empty;
    EXPECT_EQ(diff_baselines(a, empty).at(0).cls, DriftClass::regression);
    EXPECT_EQ(diff_baselines(empty, a).at(0).cls, DriftClass::neutral);
}

TEST(Drift, JsonOutput) {
    auto changes =
        diff_baselines(baseline_of({smtp_result(true, "")}), baseline_of({smtp_result(false, "")}));
    auto j = nlohmann::json::parse(render_drift_json(changes));
    EXPECT_EQ(j["format"], "mailspec-drift");
    EXPECT_GE(j["summary"]["regressions"].get<int>(), 3);
    EXPECT_EQ(j["changes"][0]["endpoint"], "127.0.0.10:25");
}

TEST(Drift, BytesThatAreNotUtf8AreKeptAndNeverThrow) {
    // What a hostile agent may send: an endpoint and vantage with every kind of bad byte.
    const std::string endpoint("mx\xff\x80\xc0\xaf:25\0", 10), vantage = "out\xfe";
    auto r = smtp_result(true, "");
    r.endpoint = endpoint;
    r.vantage = vantage;
    auto b = baseline_of({r});
    std::string text;
    ASSERT_NO_THROW(text = render_baseline_json(b));
    auto j = nlohmann::json::parse(text);  // strict: valid UTF-8
    EXPECT_EQ(j["surfaces"][0]["endpoint"], "mx\\xff\\x80\\xc0\\xaf:25\\x00");
    EXPECT_TRUE(j["surfaces"][0].contains("endpoint_base64"));
    auto back = read_baseline_json(text, "base.json");
    ASSERT_EQ(back.surfaces.size(), 1u);
    EXPECT_EQ(back.surfaces[0].endpoint, endpoint);  // the exact bytes again
    EXPECT_EQ(back.surfaces[0].vantage, vantage);

    auto changes = diff_baselines(b, Baseline{});
    std::string drift;
    ASSERT_NO_THROW(drift = render_drift_json(changes));
    auto d = nlohmann::json::parse(drift);
    EXPECT_EQ(d["changes"][0]["endpoint_base64"], "bXj/gMCvOjI1AA==");
    EXPECT_EQ(drift.find("\xef\xbf\xbd"), std::string::npos);  // no U+FFFD: reversible
}

}  // namespace
}  // namespace mailspec::reports
