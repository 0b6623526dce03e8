#include "checks/tls_cipher_traits.hpp"

#include <sstream>

#include "protocol/text.hpp"

namespace mailspec {

namespace {

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}

}  // namespace

bool CipherTraits::forward_secret() const {
    return kx == "ECDH" || kx == "DH" || kx == "any" || kx == "ECDHEPSK" || kx == "DHEPSK";
}

std::optional<CipherTraits> parse_cipher_description(std::string_view description) {
    std::istringstream in{std::string(description)};
    CipherTraits t;
    if (!(in >> t.name >> t.version)) return std::nullopt;
    std::string field;
    bool kx = false, au = false, enc = false, mac = false;
    while (in >> field) {
        const auto eq = field.find('=');
        if (eq == std::string::npos) continue;  // "export" in descriptions of old builds
        const std::string key = field.substr(0, eq), value = field.substr(eq + 1);
        if (key == "Kx") {
            t.kx = value.substr(0, value.find('('));  // "RSA(512)" in old export suites
            kx = true;
        } else if (key == "Au") {
            t.au = value;
            au = true;
        } else if (key == "Enc") {
            enc = true;
            const auto paren = value.find('(');
            t.enc = value.substr(0, paren);
            if (paren != std::string::npos) t.bits = std::atoi(value.c_str() + paren + 1);
        } else if (key == "Mac") {
            t.mac = value;
            mac = true;
        }
    }
    if (!(kx && au && enc && mac)) return std::nullopt;
    return t;
}

const std::vector<CipherClass>& cipher_classes() {
    static const std::vector<CipherClass> k{
        {"kRSA", "RSA key exchange: no forward secrecy"},
        {"noFS", "no forward secrecy (kRSA, static DH, PSK)"},
        {"RC4", "RC4 stream cipher"},
        {"3DES", "triple DES (64-bit blocks: Sweet32)"},
        {"DES", "single DES"},
        {"NULL", "no encryption"},
        {"aNULL", "no authentication (anonymous DH)"},
        {"EXPORT", "export-grade (40/56-bit) suites"},
        {"CBC", "CBC-mode block cipher (not AEAD)"},
        {"SHA1", "HMAC-SHA1 record MAC"},
        {"MD5", "HMAC-MD5 record MAC"},
        {"AEAD", "authenticated encryption (GCM, CCM, ChaCha20-Poly1305)"},
        {"DSS", "DSA-authenticated"},
        {"CAMELLIA", "Camellia"},
        {"ARIA", "ARIA"},
        {"SEED", "SEED"},
        {"IDEA", "IDEA"},
        {"CCM8", "AES-CCM with an 8-octet tag"},
        {"TLSv1.3", "TLS 1.3 suites"},
    };
    return k;
}

bool is_cipher_class(std::string_view name) {
    const std::string n = text::to_lower(name);
    for (const auto& c : cipher_classes())
        if (text::to_lower(c.name) == n) return true;
    return false;
}

bool in_cipher_class(const CipherTraits& t, std::string_view name) {
    const std::string n = text::to_lower(name);
    if (n == "krsa") return t.kx == "RSA";
    if (n == "nofs") return !t.forward_secret();
    if (n == "rc4") return starts_with(t.enc, "RC4");
    if (n == "3des") return starts_with(t.enc, "3DES");
    if (n == "des") return t.enc == "DES";
    if (n == "null") return t.enc == "None";
    if (n == "anull") return t.au == "None";
    // OpenSSL 3 has no export suites; older builds named them EXP-... and said "export".
    if (n == "export") return starts_with(t.name, "EXP") || (t.bits > 0 && t.bits <= 56);
    if (n == "cbc")
        return !t.aead() && t.enc != "None" && !starts_with(t.enc, "RC4") &&
               t.enc.find("CHACHA") == std::string::npos;
    if (n == "sha1") return t.mac == "SHA1";
    if (n == "md5") return t.mac == "MD5";
    if (n == "aead") return t.aead();
    if (n == "dss") return t.au == "DSS";
    if (n == "camellia") return starts_with(t.enc, "Camellia");
    if (n == "aria") return starts_with(t.enc, "ARIA");
    if (n == "seed") return t.enc == "SEED";
    if (n == "idea") return t.enc == "IDEA";
    if (n == "ccm8") return t.enc == "AESCCM8";
    if (n == "tlsv1.3") return t.version == "TLSv1.3";
    return false;
}

std::vector<std::string> weak_classes(const CipherTraits& t) {
    std::vector<std::string> out;
    for (std::string_view c :
         {"kRSA", "noFS", "aNULL", "NULL", "EXPORT", "RC4", "DES", "3DES", "MD5", "SHA1", "CBC"}) {
        if (c == "noFS" && in_cipher_class(t, "kRSA")) continue;  // kRSA says it already
        if (in_cipher_class(t, c)) out.emplace_back(c);
    }
    return out;
}

}  // namespace mailspec
