#include "checks/tls_scan_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace mailspec {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep = " ") {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

std::string key_line(const ScanReport& r) {
    if (r.key_type.empty()) return {};
    std::string s = r.key_type + " " + std::to_string(r.key_bits);
    if (!r.key_curve.empty()) s += " (" + r.key_curve + ")";
    return s;
}

std::string order_word(const VersionScan& v) {
    if (!v.server_order) return {};
    return *v.server_order ? "server order" : "client order";
}

}  // namespace

std::string_view to_string(Answer a) {
    switch (a) {
        case Answer::accepted:
            return "accepted";
        case Answer::refused:
            return "refused";
        case Answer::not_tested:
            return "not tested";
        case Answer::unanswered:
            return "unanswered";
    }
    return "?";
}

const VersionScan* ScanReport::version(std::string_view v) const {
    for (const auto& s : versions)
        if (s.version == v) return &s;
    return nullptr;
}

std::vector<std::string> ScanReport::accepted_versions() const {
    std::vector<std::string> out;
    for (const auto& v : versions)
        if (v.answer == Answer::accepted) out.push_back(v.version);
    return out;
}

std::vector<std::pair<std::string, std::string>> ScanReport::accepted_ciphers() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& v : versions)
        for (const auto& c : v.ciphers)
            out.emplace_back(v.version, c);
    return out;
}

std::vector<std::string> ScanReport::accepted_groups() const {
    std::vector<std::string> out;
    for (const auto& g : groups)
        if (g.answer == Answer::accepted) out.push_back(g.name);
    return out;
}

std::vector<ScanReport::Dhe> ScanReport::dhe_exchanges() const {
    std::vector<Dhe> out;
    for (const auto& v : versions)
        for (const auto& [suite, kx] : v.key_exchange)
            if (kx.rfind("DHE ", 0) == 0)
                out.push_back({v.version, suite, std::atoi(kx.c_str() + 4)});
    return out;
}

namespace {

std::string renegotiation_word(const ScanReport& r) {
    if (!r.secure_renegotiation) return "not applicable (no TLS <= 1.2 handshake accepted)";
    if (*r.secure_renegotiation) return "secure (RFC 5746)";
    return "INSECURE: no RFC 5746 at " + r.insecure_renegotiation_at;
}

std::string early_data_word(const ScanReport& r) {
    if (r.early_data == Answer::accepted)
        return fmt::format("ACCEPTED: session tickets allow {} bytes of early data",
                           r.max_early_data);
    return std::string(to_string(r.early_data)) +
           (r.early_data_note.empty() ? "" : " (" + r.early_data_note + ")");
}

}  // namespace

std::vector<std::string> render_table(const ScanReport& r) {
    std::vector<std::string> out;
    out.push_back(fmt::format("{:<8} {:<11} {}", "version", "answer", "suites"));
    for (const auto& v : r.versions) {
        std::string detail;
        if (v.answer == Answer::accepted) {
            detail = fmt::format("{} of {} offered", v.ciphers.size(), v.offered);
            if (auto w = order_word(v); !w.empty()) detail += ", " + w;
            if (!v.complete) detail += ", incomplete";
        } else if (!v.note.empty()) {
            detail = v.note;
        }
        out.push_back(fmt::format("{:<8} {:<11} {}", v.version, to_string(v.answer), detail));
        std::size_t rank = 0;
        for (const auto& c : v.ciphers) {
            ++rank;
            auto it = r.traits.find(c);
            std::string kx, bits, weak;
            if (it != r.traits.end()) {
                kx = it->second.kx + "/" + it->second.au;
                if (auto e = v.key_exchange.find(c);
                    e != v.key_exchange.end() && !e->second.empty())
                    kx += " " + e->second;
                bits = std::to_string(it->second.bits);
                weak = join(weak_classes(it->second), ",");
            }
            out.push_back(fmt::format("  {:>2}. {:<34} {:<19} {:>4}  {}", rank, c, kx, bits,
                                      weak.empty() ? "" : "weak: " + weak));
        }
    }
    if (!r.groups.empty()) {
        std::string line = "groups (" + r.groups_version + "):";
        for (const auto& g : r.groups)
            line += " " + g.name + "=" + std::string(to_string(g.answer));
        out.push_back(line);
    }
    if (auto k = key_line(r); !k.empty())
        out.push_back("certificate: " + k + ", signed " + r.signature_algorithm);
    out.push_back("renegotiation: " + renegotiation_word(r));
    out.push_back("0-RTT: " + early_data_word(r));
    out.push_back("compression: " + std::string(to_string(r.compression)) +
                  (r.compression_note.empty() ? "" : " (" + r.compression_note + ")"));
    out.push_back(fmt::format("{} handshakes{}", r.handshakes,
                              r.backoffs ? fmt::format(", backed off {} times", r.backoffs) : ""));
    for (const auto& u : r.unanswered)
        out.push_back("unanswered: " + u);
    return out;
}

std::map<std::string, std::string> scan_properties(const ScanReport& r) {
    std::map<std::string, std::string> p;
    std::vector<std::string> refused, not_tested, unanswered;
    for (const auto& v : r.versions) {
        if (v.answer == Answer::refused) refused.push_back(v.version);
        if (v.answer == Answer::not_tested) not_tested.push_back(v.version);
        if (v.answer == Answer::unanswered) unanswered.push_back(v.version);
        if (v.answer != Answer::accepted) continue;
        p["tls.ciphers." + v.version] = join(v.ciphers);
        if (auto w = order_word(v); !w.empty())
            p["tls.cipher_order." + v.version] = *v.server_order ? "server" : "client";
    }
    p["tls.versions"] = join(r.accepted_versions());
    p["tls.versions.refused"] = join(refused);
    if (!not_tested.empty()) p["tls.versions.not_tested"] = join(not_tested);
    if (!unanswered.empty()) p["tls.versions.unanswered"] = join(unanswered);
    if (!r.groups.empty()) {
        p["tls.groups"] = join(r.accepted_groups());
        std::vector<std::string> nt;
        for (const auto& g : r.groups)
            if (g.answer == Answer::not_tested || g.answer == Answer::unanswered)
                nt.push_back(g.name);
        if (!nt.empty()) p["tls.groups.not_tested"] = join(nt);
        p["tls.groups.version"] = r.groups_version;
    }
    int dhe_min = 0;
    for (const auto& d : r.dhe_exchanges())
        if (dhe_min == 0 || d.bits < dhe_min) dhe_min = d.bits;
    if (dhe_min) p["tls.dhe.min_bits"] = std::to_string(dhe_min);
    if (auto k = key_line(r); !k.empty()) p["tls.cert.key"] = k;
    if (!r.signature_algorithm.empty()) p["tls.cert.signature"] = r.signature_algorithm;
    if (r.secure_renegotiation)
        p["tls.secure_renegotiation"] = *r.secure_renegotiation ? "yes" : "no";
    p["tls.early_data"] = std::string(to_string(r.early_data));
    if (r.early_data == Answer::accepted)
        p["tls.early_data.max_bytes"] = std::to_string(r.max_early_data);
    p["tls.compression"] = std::string(to_string(r.compression));
    p["tls.scan.handshakes"] = std::to_string(r.handshakes);
    if (r.backoffs) p["tls.scan.backoffs"] = std::to_string(r.backoffs);
    return p;
}

std::string scan_summary(const ScanReport& r) {
    std::vector<std::string> parts;
    for (const auto& v : r.versions) {
        if (v.answer != Answer::accepted) continue;
        std::string s = v.version + " (" + std::to_string(v.ciphers.size()) + " suites";
        if (auto w = order_word(v); !w.empty()) s += ", " + w;
        parts.push_back(s + ")");
    }
    std::string s = parts.empty() ? "no version accepted" : join(parts, ", ");
    if (!r.groups.empty()) s += "; groups " + join(r.accepted_groups());
    if (auto k = key_line(r); !k.empty()) s += "; certificate " + k;
    return s;
}

}  // namespace mailspec
