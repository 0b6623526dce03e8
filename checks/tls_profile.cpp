#include "checks/tls_profile.hpp"

#include <algorithm>

#include "protocol/text.hpp"
#include "transport/tls.hpp"

namespace mailspec {

namespace {

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : sep) + x;
    return s;
}

bool same(std::string_view a, std::string_view b) {
    return text::to_lower(a) == text::to_lower(b);
}

// Mozilla Server Side TLS 5.7 (https://wiki.mozilla.org/Security/Server_Side_TLS).
const std::vector<std::string> kMozillaIntermediateCiphers{
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",     "DHE-RSA-AES256-GCM-SHA384",
    "DHE-RSA-CHACHA20-POLY1305",     "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",        "TLS_CHACHA20_POLY1305_SHA256"};

std::string prefix(const TlsProfile& p) {
    return p.name.empty() ? "" : p.name + " ";
}

struct Judge {
    const TlsProfile& p;
    const ScanReport& r;
    std::vector<ProfileFinding> out;

    void add(std::string rule, std::string message, bool failing = true) {
        out.push_back({rule, prefix(p) + rule + ": " + message, failing});
    }

    void versions() {
        const auto& rule = p.versions;
        for (const auto& want : rule.has) {
            const auto* v = r.version(want);
            if (!v || v->answer == Answer::refused)
                add("versions.has", want + " not accepted");
            else if (v->answer != Answer::accepted)
                add("versions.has",
                    want + " " + std::string(to_string(v->answer)) +
                        (v->note.empty() ? "" : " (" + v->note + ")"),
                    v->answer == Answer::unanswered);
        }
        for (const auto& v : r.versions) {
            const bool listed_lacks =
                std::any_of(rule.lacks.begin(), rule.lacks.end(),
                            [&](const std::string& x) { return x == v.version; });
            const bool outside_only =
                !rule.only.empty() &&
                std::none_of(rule.only.begin(), rule.only.end(),
                             [&](const std::string& x) { return x == v.version; });
            if (!listed_lacks && !outside_only) continue;
            const char* name = listed_lacks ? "versions.lacks" : "versions.only";
            if (v.answer == Answer::accepted)
                add(name, v.version + " accepted");
            else if (v.answer != Answer::refused && listed_lacks)
                add(name,
                    v.version + " " + std::string(to_string(v.answer)) +
                        (v.note.empty() ? "" : " (" + v.note + ")"),
                    false);
        }
    }

    bool matches(const std::string& item, const std::string& suite) const {
        if (same(item, suite)) return true;
        auto it = r.traits.find(suite);
        if (it == r.traits.end()) return false;
        if (!it->second.iana.empty() && same(item, it->second.iana)) return true;
        return is_cipher_class(item) && in_cipher_class(it->second, item);
    }

    // Whether the scan could offer any suite `item` names (else "not tested").
    bool offered(const std::string& item) const {
        for (const auto& [name, t] : r.traits)
            if (matches(item, name)) return true;
        return false;
    }

    void ciphers() {
        const auto accepted = r.accepted_ciphers();
        for (const auto& item : p.ciphers.lacks) {
            std::vector<std::string> hits;
            for (const auto& [v, c] : accepted)
                if (matches(item, c)) hits.push_back(c + " (" + v + ")");
            if (!hits.empty())
                add("ciphers.lacks " + item, "accepted " + join(hits));
            else if (!offered(item))
                add("ciphers.lacks " + item,
                    "not tested: the local OpenSSL cannot offer any such suite", false);
        }
        for (const auto& item : p.ciphers.has) {
            bool found = std::any_of(accepted.begin(), accepted.end(),
                                     [&](const auto& vc) { return matches(item, vc.second); });
            if (!found) add("ciphers.has " + item, "no accepted suite is " + item);
        }
        if (!p.ciphers.only.empty()) {
            std::vector<std::string> outside;
            for (const auto& [v, c] : accepted)
                if (std::none_of(p.ciphers.only.begin(), p.ciphers.only.end(),
                                 [&](const std::string& item) { return matches(item, c); }))
                    outside.push_back(c + " (" + v + ")");
            if (!outside.empty()) add("ciphers.only", "also accepted " + join(outside));
        }
    }

    void groups() {
        if (p.groups.empty()) return;
        if (r.groups.empty()) {
            add("groups",
                "not tested (" + (r.groups_note.empty() ? "not asked" : r.groups_note) + ")",
                false);
            return;
        }
        auto answer = [&](const std::string& g) -> const GroupScan* {
            for (const auto& s : r.groups)
                if (s.name == g) return &s;
            return nullptr;
        };
        for (const auto& g : p.groups.has) {
            const auto* s = answer(g);
            if (!s || s->answer != Answer::accepted)
                add("groups.has", g + " " + (s ? std::string(to_string(s->answer)) : "not tested"),
                    !s || s->answer == Answer::refused);
        }
        for (const auto& s : r.groups) {
            const bool lacks = std::find(p.groups.lacks.begin(), p.groups.lacks.end(), s.name) !=
                               p.groups.lacks.end();
            const bool outside = !p.groups.only.empty() &&
                                 std::find(p.groups.only.begin(), p.groups.only.end(), s.name) ==
                                     p.groups.only.end();
            if ((lacks || outside) && s.answer == Answer::accepted)
                add(lacks ? "groups.lacks" : "groups.only", s.name + " accepted");
        }
    }

    void key() {
        if (p.min_rsa_bits && r.key_type == "RSA" && r.key_bits < *p.min_rsa_bits)
            add("min_rsa_bits", "certificate key RSA " + std::to_string(r.key_bits) +
                                    ", expected at least " + std::to_string(*p.min_rsa_bits));
    }

    void dh() {
        if (!p.min_dh_bits) return;
        std::vector<std::string> small;
        for (const auto& d : r.dhe_exchanges())
            if (d.bits < *p.min_dh_bits)
                small.push_back(d.suite + " (" + d.version + ", DHE " + std::to_string(d.bits) +
                                ")");
        if (!small.empty())
            add("min_dh_bits",
                "DHE parameters below " + std::to_string(*p.min_dh_bits) + " bits: " + join(small));
    }

    void forward_secrecy() {
        if (!p.forward_secrecy) return;
        std::vector<std::string> without;
        for (const auto& [v, c] : r.accepted_ciphers()) {
            auto it = r.traits.find(c);
            if (it != r.traits.end() && !it->second.forward_secret())
                without.push_back(c + " (" + v + ")");
        }
        if (!without.empty())
            add("forward_secrecy", "suites without forward secrecy accepted: " + join(without));
    }

    void session() {
        if (p.secure_renegotiation && r.secure_renegotiation == false)
            add("secure_renegotiation",
                r.insecure_renegotiation_at + " handshake without RFC 5746 secure renegotiation");
        if (p.no_early_data) {
            if (r.early_data == Answer::accepted)
                add("early_data", "TLS 1.3 session tickets allow 0-RTT early data (" +
                                      std::to_string(r.max_early_data) +
                                      " bytes), which can be replayed");
            else if (r.early_data == Answer::unanswered)
                add("early_data", "not tested (" + r.early_data_note + ")", false);
        }
        if (p.no_compression && r.compression == Answer::accepted)
            add("compression", "TLS compression accepted (CRIME)");
        else if (p.no_compression && r.compression != Answer::refused)
            add("compression", "not tested (" + r.compression_note + ")", false);
    }

    void ncsc() {
        if (!p.ncsc) return;
        auto grade = [&](const char* rule, NcscLevel level, const std::string& what) {
            if (level == NcscLevel::insufficient)
                add(rule, what + " is insufficient");
            else if (level == NcscLevel::phase_out)
                add(rule, what + " is to be phased out", false);
        };
        for (const auto& v : r.accepted_versions())
            grade("ncsc-nl.versions", ncsc_version_level(v), v);
        std::vector<std::string> insufficient, phase_out;
        for (const auto& [v, c] : r.accepted_ciphers()) {
            auto it = r.traits.find(c);
            if (it == r.traits.end()) continue;
            const auto l = ncsc_cipher_level(it->second);
            if (l == NcscLevel::insufficient) insufficient.push_back(c + " (" + v + ")");
            if (l == NcscLevel::phase_out) phase_out.push_back(c + " (" + v + ")");
        }
        if (!insufficient.empty())
            add("ncsc-nl.ciphers", "insufficient suites accepted: " + join(insufficient));
        if (!phase_out.empty())
            add("ncsc-nl.ciphers", "suites to be phased out accepted: " + join(phase_out), false);
        for (const auto& g : r.accepted_groups())
            grade("ncsc-nl.groups", ncsc_group_level(g), g);
        std::vector<std::string> dh_insufficient, dh_phase_out;
        for (const auto& d : r.dhe_exchanges()) {
            const std::string what =
                d.suite + " (" + d.version + ", DHE " + std::to_string(d.bits) + ")";
            const auto l = ncsc_dh_level(d.bits);
            if (l == NcscLevel::insufficient) dh_insufficient.push_back(what);
            if (l == NcscLevel::phase_out) dh_phase_out.push_back(what);
        }
        if (!dh_insufficient.empty())
            add("ncsc-nl.dh", "insufficient DHE parameters: " + join(dh_insufficient));
        if (!dh_phase_out.empty())
            add("ncsc-nl.dh", "DHE parameters to be phased out: " + join(dh_phase_out), false);
        if (r.key_type == "RSA")
            grade("ncsc-nl.key", ncsc_rsa_level(r.key_bits),
                  "certificate key RSA " + std::to_string(r.key_bits));
        cipher_order();
    }

    // Guideline B2-5 as Internet.nl's cipher-order subtest applies it: below TLS 1.3, a server
    // accepting suites of more than one security level enforces its own preference, and
    // prefers every suite of a better level to every suite of a worse one.
    void cipher_order() {
        auto level_of = [&](const std::string& c) {
            auto it = r.traits.find(c);
            return it == r.traits.end() ? NcscLevel::insufficient : ncsc_cipher_level(it->second);
        };
        for (const auto& v : r.versions) {
            if (v.version == "TLSv1.3" || v.ciphers.size() < 2 || !v.server_order) continue;
            bool mixed = false;
            for (const auto& c : v.ciphers)
                mixed |= level_of(c) != level_of(v.ciphers.front());
            if (!mixed) continue;
            if (!*v.server_order) {
                add("ncsc-nl.cipher_order",
                    v.version +
                        ": the server follows the client's order (it does not enforce its "
                        "own) while it accepts suites of different security levels");
                continue;
            }
            for (std::size_t i = 1; i < v.ciphers.size(); ++i) {
                const auto a = level_of(v.ciphers[i - 1]), b = level_of(v.ciphers[i]);
                if (static_cast<int>(b) < static_cast<int>(a)) {
                    add("ncsc-nl.cipher_order",
                        v.version + ": the server prefers " + v.ciphers[i - 1] + " (" +
                            std::string(to_string(a)) + ") to " + v.ciphers[i] + " (" +
                            std::string(to_string(b)) + ")");
                    break;
                }
            }
        }
    }
};

}  // namespace

const std::vector<std::string_view>& profile_names() {
    static const std::vector<std::string_view> k{"mozilla-modern", "mozilla-intermediate",
                                                 "ncsc-nl"};
    return k;
}

std::optional<TlsProfile> named_profile(std::string_view name) {
    TlsProfile p;
    p.name = std::string(name);
    if (name == "mozilla-modern") {
        p.versions.only = {"TLSv1.3"};
        p.groups.only = {"X25519", "P-256", "P-384"};
        p.forward_secrecy = true;
        p.min_rsa_bits = 2048;
    } else if (name == "mozilla-intermediate") {
        p.versions.only = {"TLSv1.2", "TLSv1.3"};
        p.ciphers.only = kMozillaIntermediateCiphers;
        p.groups.only = {"X25519", "P-256", "P-384", "ffdhe2048", "ffdhe3072", "ffdhe4096"};
        p.forward_secrecy = true;
        p.min_rsa_bits = 2048;
        p.min_dh_bits = 2048;
    } else if (name == "ncsc-nl") {
        // As Internet.nl grades: insecure renegotiation, 0-RTT and compression fail.
        p.ncsc = true;
        p.secure_renegotiation = true;
        p.no_early_data = true;
        p.no_compression = true;
    } else {
        return std::nullopt;
    }
    return p;
}

std::string_view to_string(NcscLevel l) {
    switch (l) {
        case NcscLevel::good:
            return "good";
        case NcscLevel::sufficient:
            return "sufficient";
        case NcscLevel::phase_out:
            return "phase-out";
        case NcscLevel::insufficient:
            return "insufficient";
    }
    return "?";
}

NcscLevel ncsc_version_level(std::string_view version) {
    if (version == "TLSv1.3") return NcscLevel::good;
    if (version == "TLSv1.2") return NcscLevel::sufficient;
    if (version == "TLSv1.1" || version == "TLSv1") return NcscLevel::phase_out;
    return NcscLevel::insufficient;
}

// Guidelines table 4 (and its TLS 1.3 part): AES-GCM and ChaCha20-Poly1305 with ECDHE are
// good; AES-CBC with ECDHE, and DHE with AES, sufficient; 3DES, and RSA key exchange with
// AES, phase-out; everything else (RC4, NULL, anonymous, DSA, Camellia, ARIA, ...)
// insufficient.
NcscLevel ncsc_cipher_level(const CipherTraits& t) {
    const bool aes = t.enc == "AES" || t.enc == "AESGCM" || t.enc == "AESCCM";
    const bool strong_aead = t.enc == "AESGCM" || t.enc == "CHACHA20/POLY1305";
    if (t.version == "TLSv1.3") {
        if (strong_aead) return NcscLevel::good;
        if (t.enc == "AESCCM") return NcscLevel::sufficient;
        return NcscLevel::phase_out;  // CCM_8
    }
    if (t.au != "RSA" && t.au != "ECDSA") return NcscLevel::insufficient;
    if (t.kx == "ECDH") {
        if (strong_aead) return NcscLevel::good;
        if (aes) return NcscLevel::sufficient;
        if (t.enc == "3DES") return NcscLevel::phase_out;
    } else if (t.kx == "DH") {
        if (strong_aead || aes) return NcscLevel::sufficient;
        if (t.enc == "3DES") return NcscLevel::phase_out;
    } else if (t.kx == "RSA") {
        if (aes || t.enc == "3DES") return NcscLevel::phase_out;
    }
    return NcscLevel::insufficient;
}

NcscLevel ncsc_group_level(std::string_view g) {
    if (g == "P-384" || g == "P-256" || g == "X448" || g == "X25519") return NcscLevel::good;
    if (g == "ffdhe4096" || g == "ffdhe3072") return NcscLevel::sufficient;
    if (g == "ffdhe2048") return NcscLevel::phase_out;
    return NcscLevel::insufficient;
}

NcscLevel ncsc_dh_level(int bits) {
    if (bits >= 3072) return NcscLevel::sufficient;
    if (bits >= 2048) return NcscLevel::phase_out;
    return NcscLevel::insufficient;
}

NcscLevel ncsc_rsa_level(int bits) {
    if (bits >= 3072) return NcscLevel::good;
    if (bits >= 2048) return NcscLevel::sufficient;
    return NcscLevel::insufficient;
}

std::vector<ProfileFinding> judge_profile(const TlsProfile& p, const ScanReport& r) {
    Judge j{p, r, {}};
    j.versions();
    j.ciphers();
    j.groups();
    j.key();
    j.dh();
    j.forward_secrecy();
    j.session();
    j.ncsc();
    return std::move(j.out);
}

std::optional<std::string> canonical_version(std::string_view v) {
    if (same(v, "SSLv3") || same(v, "ssl3")) return "SSLv3";
    auto t = transport::tls_version_from_string(v);
    if (!t) return std::nullopt;
    return std::string(transport::to_string(*t));
}

std::optional<std::string> canonical_group(std::string_view g) {
    const std::string l = text::to_lower(g);
    if (l == "x25519") return "X25519";
    if (l == "x448") return "X448";
    if (l == "p-256" || l == "secp256r1" || l == "prime256v1") return "P-256";
    if (l == "p-384" || l == "secp384r1") return "P-384";
    if (l == "p-521" || l == "secp521r1") return "P-521";
    for (const char* f : {"ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"})
        if (l == f) return f;
    return std::nullopt;
}

std::string describe_profile(const TlsProfile& p) {
    std::vector<std::string> parts;
    if (!p.name.empty()) parts.push_back("profile " + p.name);
    auto list = [&](const char* what, const ListRule& l) {
        if (!l.has.empty()) parts.push_back(std::string(what) + " has " + join(l.has, " "));
        if (!l.lacks.empty()) parts.push_back(std::string(what) + " lacks " + join(l.lacks, " "));
        if (!l.only.empty()) parts.push_back(std::string(what) + " only " + join(l.only, " "));
    };
    list("versions", p.versions);
    ListRule ciphers = p.ciphers;
    if (ciphers.only.size() > 6) {  // a named profile's list: too long for one line
        parts.push_back("ciphers only " + std::to_string(ciphers.only.size()) + " listed suites");
        ciphers.only.clear();
    }
    list("ciphers", ciphers);
    list("groups", p.groups);
    if (p.min_rsa_bits) parts.push_back("RSA keys >= " + std::to_string(*p.min_rsa_bits));
    if (p.min_dh_bits) parts.push_back("DHE >= " + std::to_string(*p.min_dh_bits) + " bits");
    if (p.forward_secrecy) parts.push_back("forward secrecy");
    if (p.secure_renegotiation) parts.push_back("secure renegotiation");
    if (p.no_early_data) parts.push_back("no 0-RTT");
    if (p.no_compression) parts.push_back("no compression");
    if (p.ncsc) parts.push_back("nothing NCSC-NL grades insufficient");
    return join(parts, "; ");
}

}  // namespace mailspec
