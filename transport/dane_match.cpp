#include "transport/dane_match.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>

namespace mailspec::transport {

namespace {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr parse(const DerCertificate& der) {
    const unsigned char* p = der.data();
    return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

bool usable_record(const dns::TlsaRecord& r) {
    return (r.usage == 2 || r.usage == 3) && r.selector <= 1 && r.matching_type <= 2;
}

std::vector<std::uint8_t> association(X509* x, std::uint8_t selector, std::uint8_t mtype) {
    unsigned char* der = nullptr;
    int n = selector == 0 ? i2d_X509(x, &der) : i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    if (n <= 0) return {};
    std::vector<std::uint8_t> raw(der, der + n);
    OPENSSL_free(der);
    if (mtype == 0) return raw;
    const EVP_MD* md = mtype == 1 ? EVP_sha256() : mtype == 2 ? EVP_sha512() : nullptr;
    if (!md) return {};
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(raw.data(), raw.size(), out, &len, md, nullptr) != 1) return {};
    return {out, out + len};
}

// The leaf chains up to chain[depth]: each certificate was issued and signed by the next.
bool chains_to(const std::vector<X509Ptr>& chain, std::size_t depth) {
    for (std::size_t i = 0; i < depth; ++i) {
        if (X509_check_issued(chain[i + 1].get(), chain[i].get()) != X509_V_OK) return false;
        EVP_PKEY* key = X509_get0_pubkey(chain[i + 1].get());
        if (!key || X509_verify(chain[i].get(), key) != 1) return false;
    }
    return true;
}

// Not yet valid or expired at `now`, for the certificates up to `depth`.
std::optional<std::size_t> out_of_date(const std::vector<X509Ptr>& chain, std::size_t depth,
                                       std::chrono::system_clock::time_point now) {
    time_t t = std::chrono::system_clock::to_time_t(now);
    for (std::size_t i = 0; i <= depth && i < chain.size(); ++i) {
        if (X509_cmp_time(X509_get0_notAfter(chain[i].get()), &t) < 0 ||
            X509_cmp_time(X509_get0_notBefore(chain[i].get()), &t) > 0)
            return i;
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(DaneVerdict v) {
    switch (v) {
        case DaneVerdict::pass:
            return "pass";
        case DaneVerdict::tlsa_absent:
            return "tlsa-absent";
        case DaneVerdict::tlsa_unusable:
            return "tlsa-unusable";
        case DaneVerdict::tlsa_mismatch:
            return "tlsa-mismatch";
        case DaneVerdict::name_mismatch:
            return "name-mismatch";
        case DaneVerdict::cert_expired:
            return "cert-expired";
        case DaneVerdict::insecure:
            return "insecure";
        case DaneVerdict::bogus:
            return "bogus";
    }
    return "?";
}

std::string tlsa_string(const dns::TlsaRecord& r) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s = std::to_string(r.usage) + " " + std::to_string(r.selector) + " " +
                    std::to_string(r.matching_type) + " ";
    for (auto b : r.data) {
        s += hex[b >> 4];
        s += hex[b & 15];
    }
    return s;
}

std::vector<std::uint8_t> tlsa_association(const DerCertificate& cert, std::uint8_t selector,
                                           std::uint8_t matching_type) {
    auto x = parse(cert);
    if (!x || selector > 1) return {};
    return association(x.get(), selector, matching_type);
}

DaneMatch match_tlsa(const std::vector<DerCertificate>& chain_der,
                     const std::vector<dns::TlsaRecord>& records,
                     const std::vector<std::string>& names,
                     std::chrono::system_clock::time_point now) {
    DaneMatch m;
    if (records.empty()) {
        m.verdict = DaneVerdict::tlsa_absent;
        m.detail = "no TLSA records";
        return m;
    }
    for (const auto& r : records)
        if (usable_record(r)) ++m.usable;
    // The records by name in the messages, so the admin sees what DNS holds (at most three).
    auto listed = [&](bool usable) {
        std::string out;
        int n = 0;
        for (const auto& r : records) {
            if (usable_record(r) != usable) continue;
            if (++n > 3) {
                out += ", ...";
                break;
            }
            out += (out.empty() ? "" : ", ") + tlsa_string(r);
        }
        return out;
    };
    if (m.usable == 0) {
        m.verdict = DaneVerdict::tlsa_unusable;
        m.detail = "no usable TLSA record (" + listed(false) +
                   "): only usages 2 (DANE-TA) and 3 (DANE-EE) with selector 0/1 and matching "
                   "type 0/1/2 apply to SMTP (RFC 7672 §3.1.3)";
        return m;
    }
    std::vector<X509Ptr> chain;
    for (const auto& der : chain_der) {
        auto x = parse(der);
        if (!x) break;  // judge the prefix that parses
        chain.push_back(std::move(x));
    }
    if (chain.empty()) {
        m.verdict = DaneVerdict::tlsa_mismatch;
        m.detail = "the server presented no certificate";
        return m;
    }
    // The best outcome over all records, whatever order DNS returned them in: an EE match
    // wins outright (so DANE-EE records are tried first); a TA match needs the name and
    // validity, else it explains the failure better than a plain mismatch.
    std::vector<const dns::TlsaRecord*> ordered;
    for (int usage : {3, 2})
        for (const auto& r : records)
            if (usable_record(r) && r.usage == usage) ordered.push_back(&r);
    std::optional<DaneMatch> ta_failure;
    for (const auto* rp : ordered) {
        const auto& r = *rp;
        if (r.usage == 3) {
            if (association(chain[0].get(), r.selector, r.matching_type) == r.data) {
                m.verdict = DaneVerdict::pass;
                m.matched = tlsa_string(r);
                m.depth = 0;
                m.detail = "DANE-EE record " + m.matched + " matches the server's certificate";
                return m;
            }
            continue;
        }
        for (std::size_t d = 0; d < chain.size(); ++d) {
            if (association(chain[d].get(), r.selector, r.matching_type) != r.data) continue;
            if (!chains_to(chain, d)) continue;
            DaneMatch c = m;
            c.matched = tlsa_string(r);
            c.depth = static_cast<int>(d);
            bool named = false;
            for (const auto& n : names) {
                if (X509_check_host(chain[0].get(), n.data(), n.size(),
                                    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1) {
                    named = true;
                    break;
                }
            }
            if (!named) {
                c.verdict = DaneVerdict::name_mismatch;
                c.detail = "DANE-TA record " + c.matched + " matches the certificate at depth " +
                           std::to_string(d) + ", but the server's certificate does not name " +
                           (names.empty() ? std::string("the MX host") : names.front()) +
                           " (RFC 7672 §3.2.3)";
            } else if (auto old = out_of_date(chain, d, now)) {
                c.verdict = DaneVerdict::cert_expired;
                c.detail = "DANE-TA record " + c.matched +
                           " matches, but the certificate at depth " + std::to_string(*old) +
                           " is expired or not yet valid";
            } else {
                c.verdict = DaneVerdict::pass;
                c.detail = "DANE-TA record " + c.matched + " matches the certificate at depth " +
                           std::to_string(d) + ", which issued the server's certificate for " +
                           names.front();
                return c;
            }
            if (!ta_failure) ta_failure = c;
        }
    }
    if (ta_failure) return *ta_failure;
    m.verdict = DaneVerdict::tlsa_mismatch;
    // What a DANE-EE record of the first record's form would have to hold for this server.
    const auto& first = *ordered.front();
    dns::TlsaRecord leaf{3, first.selector, first.matching_type,
                         association(chain[0].get(), first.selector, first.matching_type)};
    m.detail = "none of the " + std::to_string(m.usable) + " usable TLSA records (" + listed(true) +
               ") matches the presented chain (" + std::to_string(chain.size()) + " certificate" +
               (chain.size() == 1 ? "" : "s") + "; its certificate as " + tlsa_string(leaf) + ")";
    return m;
}

}  // namespace mailspec::transport
