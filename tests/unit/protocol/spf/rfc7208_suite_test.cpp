// The whole RFC 7208 test suite (openspf.org release 2014.04, rfc7208-tests.yml as Debian's
// python3-spf ships it): every scenario's zone data served from memory as the suite's README
// describes it, every test's verdict (one of its allowed results) and, where the test names
// one, its explanation. Skipped, with the reason, where the file is not installed.
//
// Zone data, as the suite defines it: a name maps to a list of records, each `TYPE: value`
// (A/AAAA/PTR/CNAME a string, MX [preference, host], TXT/SPF a string or a list of strings
// that form one record) or the word TIMEOUT. A query for a type is answered with the records
// of that type listed before a TIMEOUT; when none is listed before it, the query times out. SPF
// records are also served as TXT unless the name lists TXT records of its own (`TXT: NONE`
// lists none, and stops that). A name not in the zone is NXDOMAIN; a listed name without a
// record of the type is NODATA; a CNAME is followed (a loop is SERVFAIL).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "protocol/spf/check.hpp"
#include "protocol/text.hpp"

namespace mailspec::spf {
namespace {

const char* kSuite = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz";
// mailspec's default explanation (spf::kDefaultExplanation expanded).
const std::regex kDefault(R"(.+ is not allowed to send mail for .+ \(SPF fail, sender .+\))");

std::string gunzip(const char* path) {
    std::string out;
    FILE* p = ::popen((std::string("gzip -dc ") + path).c_str(), "r");
    if (!p) return out;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        out.append(buf, n);
    ::pclose(p);
    return out;
}

struct Item {
    bool timeout = false;
    std::string type;  // A, AAAA, MX, PTR, CNAME, TXT, SPF
    YAML::Node value;
};

class SuiteZone : public dns::Resolver {
  public:
    explicit SuiteZone(const YAML::Node& zonedata) {
        if (!zonedata) return;
        for (const auto& entry : zonedata) {
            auto& items = names_[key(entry.first.as<std::string>())];
            for (const auto& rec : entry.second) {
                Item it;
                if (rec.IsScalar()) {
                    it.timeout = rec.as<std::string>() == "TIMEOUT";
                } else {
                    it.type = rec.begin()->first.as<std::string>();
                    it.value = rec.begin()->second;
                }
                items.push_back(it);
            }
        }
    }

    void resolve(const dns::Question& q, Handler done) override { done(answer(q, 0)); }

  private:
    static std::string key(std::string name) {
        name = text::to_lower(name);
        if (!name.empty() && name.back() == '.') name.pop_back();
        return name;
    }
    static bool none(const YAML::Node& v) { return v.IsScalar() && v.as<std::string>() == "NONE"; }
    static std::string txt_of(const YAML::Node& v) {
        if (v.IsScalar()) return v.as<std::string>();
        std::string joined;  // a list of strings is one record (RFC 7208 §3.3)
        for (const auto& s : v)
            joined += s.as<std::string>();
        return joined;
    }

    dns::Answer answer(const dns::Question& q, int depth) const {
        auto it = names_.find(key(q.name));
        if (it == names_.end()) return dns::Answer::with_status(dns::Status::nxdomain);
        const auto& items = it->second;
        bool own_txt = false;
        for (const auto& i : items)
            own_txt |= i.type == "TXT";
        dns::Answer a;
        bool found = false;
        for (const auto& i : items) {
            if (i.timeout) {
                if (!found) return dns::Answer::with_status(dns::Status::timeout, "TIMEOUT");
                break;
            }
            if (i.type == "CNAME" && q.type != dns::RrType::cname) {
                if (depth > 8) return dns::Answer::with_status(dns::Status::servfail, "loop");
                return answer({i.value.as<std::string>(), q.type}, depth + 1);
            }
            const bool txt = i.type == "TXT" || (i.type == "SPF" && !own_txt);
            if (q.type == dns::RrType::txt && txt) {
                if (none(i.value)) continue;
                a.texts.push_back(txt_of(i.value));
                found = true;
            } else if ((q.type == dns::RrType::a && i.type == "A") ||
                       (q.type == dns::RrType::aaaa && i.type == "AAAA")) {
                std::vector<std::string> ips;
                if (i.value.IsScalar())
                    ips.push_back(i.value.as<std::string>());
                else
                    for (const auto& v : i.value)
                        ips.push_back(v.as<std::string>());
                for (const auto& ip : ips)
                    if (auto addr = dns::IpAddress::parse(ip)) a.addresses.push_back(*addr);
                found = true;
            } else if (q.type == dns::RrType::mx && i.type == "MX") {
                a.mx.push_back({i.value[0].as<std::uint16_t>(), i.value[1].as<std::string>()});
                found = true;
            } else if (q.type == dns::RrType::ptr && i.type == "PTR") {
                a.names.push_back(i.value.as<std::string>());
                found = true;
            }
        }
        return found ? a : dns::Answer::with_status(dns::Status::nodata);
    }

    std::map<std::string, std::vector<Item>> names_;
};

TEST(Rfc7208Suite, EveryTestGetsOneOfItsResults) {
    if (!std::filesystem::exists(kSuite))
        GTEST_SKIP() << kSuite << " is not installed (Debian package python3-spf)";
    const auto docs = YAML::LoadAll(gunzip(kSuite));
    ASSERT_GE(docs.size(), 10u);
    int run = 0, passed = 0;
    for (const auto& doc : docs) {
        if (!doc.IsMap() || !doc["tests"]) continue;
        SuiteZone zone(doc["zonedata"]);
        for (const auto& t : doc["tests"]) {
            const std::string name = t.first.as<std::string>();
            const YAML::Node& c = t.second;
            Request req;
            auto ip = dns::IpAddress::parse(c["host"].as<std::string>());
            ASSERT_TRUE(ip) << name;
            req.ip = *ip;
            req.sender = c["mailfrom"] ? c["mailfrom"].as<std::string>() : "";
            req.helo = c["helo"] ? c["helo"].as<std::string>() : "";
            const Result r = check_host(zone, req);
            std::vector<std::string> allowed;
            if (c["result"].IsScalar())
                allowed.push_back(c["result"].as<std::string>());
            else
                for (const auto& a : c["result"])
                    allowed.push_back(a.as<std::string>());
            const std::string got(to_string(r.code));
            bool ok = std::find(allowed.begin(), allowed.end(), got) != allowed.end();
            std::string why = "result " + got;
            // The explanation is asked only of a fail (§6.2); compared without case, as the
            // suite spells %{i} nibbles in capitals where the RFC gives no case.
            if (ok && c["explanation"] && r.code == Code::fail) {
                const std::string want = c["explanation"].as<std::string>();
                // DEFAULT: the implementation's own default explanation, not an exp= text.
                ok = want == "DEFAULT" ? std::regex_match(r.explanation, kDefault)
                                       : text::iequals(r.explanation, want);
                why = "explanation '" + r.explanation + "', expected '" + want + "'";
            }
            ++run;
            passed += ok;
            std::string allowed_text;
            for (const auto& a : allowed)
                allowed_text += (allowed_text.empty() ? "" : " or ") + a;
            EXPECT_TRUE(ok) << name << " (" << (c["spec"] ? c["spec"].as<std::string>() : "")
                            << "): " << why << "; allowed " << allowed_text << " — " << r.reason;
        }
    }
    EXPECT_EQ(run, 203) << "the 2014.04 suite has 203 tests";
    EXPECT_EQ(passed, run);
}

}  // namespace
}  // namespace mailspec::spf
