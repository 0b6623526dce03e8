#include "transport/tls.hpp"
#include "transport/openssl_version.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <ctime>

#include "protocol/text.hpp"
#include "transport/error.hpp"

namespace mailspec::transport {

namespace ssl = boost::asio::ssl;

namespace {

[[noreturn]] void setup_error(const std::string& what) {
    throw StepError(StepError::Kind::usage, "TLS setup", what);
}

std::string name_string(const X509_NAME* name) {
    BIO* bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
}

std::optional<std::tm> to_tm(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return tm;
}

std::string iso8601(const std::tm& tm) {
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::vector<std::string> subject_alt_names(X509* cert) {
    std::vector<std::string> out;
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        if (g->type == GEN_DNS) {
            const auto* s = g->d.dNSName;
            out.push_back("DNS:" +
                          std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                      static_cast<std::size_t>(ASN1_STRING_length(s))));
        } else if (g->type == GEN_IPADD) {
            const auto* s = g->d.iPAddress;
            const auto* p = ASN1_STRING_get0_data(s);
            const int len = ASN1_STRING_length(s);
            if (len == 4) {
                boost::asio::ip::address_v4::bytes_type b;
                std::copy(p, p + 4, b.begin());
                out.push_back("IP:" + boost::asio::ip::address_v4(b).to_string());
            } else if (len == 16) {
                boost::asio::ip::address_v6::bytes_type b;
                std::copy(p, p + 16, b.begin());
                out.push_back("IP:" + boost::asio::ip::address_v6(b).to_string());
            }
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

}  // namespace

std::string group_alias(const std::string& openssl_name);

namespace {

void read_key(X509* cert, TlsInfo& info) {
    if (const int nid = X509_get_signature_nid(cert); nid != NID_undef)
        info.signature_algorithm = OBJ_nid2ln(nid);
    EVP_PKEY* key = X509_get0_pubkey(cert);
    if (!key) return;
    info.key_bits = EVP_PKEY_get_bits(key);
    if (const char* t = EVP_PKEY_get0_type_name(key)) info.key_type = t;
    char curve[80];
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                       &len) == 1)
        info.key_curve.assign(curve, len);
}

// The group of the key exchange. TLS 1.3 always has one; for TLS 1.2 and below only an
// (EC)DHE exchange does, and then the server's ephemeral key says which (a DHE group is
// named by its size: servers send their own parameters there, not a named group).
std::string negotiated_group(SSL* ssl) {
    if (SSL_version(ssl) == TLS1_3_VERSION) {
        const int nid = SSL_get_negotiated_group(ssl);
        if (nid == NID_undef) return {};
        if (const char* n = SSL_group_to_name(ssl, nid)) return group_alias(n);
        return group_alias(OBJ_nid2sn(nid));
    }
    EVP_PKEY* tmp = nullptr;
    if (SSL_get_peer_tmp_key(ssl, &tmp) != 1 || !tmp) return {};
    std::string out;
    char name[80];
    std::size_t len = 0;
    if (EVP_PKEY_is_a(tmp, "DH"))
        out = "DHE " + std::to_string(EVP_PKEY_get_bits(tmp));
    else if (EVP_PKEY_is_a(tmp, "X25519"))
        out = "X25519";
    else if (EVP_PKEY_is_a(tmp, "X448"))
        out = "X448";
    else if (EVP_PKEY_get_utf8_string_param(tmp, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name,
                                            &len) == 1)
        out = group_alias(std::string(name, len));
    EVP_PKEY_free(tmp);
    return out;
}

}  // namespace

std::string group_alias(const std::string& openssl_name) {
    if (openssl_name == "prime256v1" || openssl_name == "secp256r1") return "P-256";
    if (openssl_name == "secp384r1") return "P-384";
    if (openssl_name == "secp521r1") return "P-521";
    if (openssl_name == "x25519") return "X25519";
    if (openssl_name == "x448") return "X448";
    return openssl_name;
}

void enable_legacy_algorithms() {
    // Once per process: the default provider stays, the legacy one adds what OpenSSL 3 moved
    // out (whatever this build still has). Missing legacy.so only means fewer ciphers to offer.
    // Unloaded at exit, before OpenSSL's own cleanup (registered earlier), so that the leak
    // checker sees nothing left.
    struct Providers {
        OSSL_PROVIDER* base = OSSL_PROVIDER_load(nullptr, "default");
        OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
        Providers() { ERR_clear_error(); }
        ~Providers() {
            if (legacy) OSSL_PROVIDER_unload(legacy);
            if (base) OSSL_PROVIDER_unload(base);
        }
    };
    static const Providers loaded;
    (void)loaded;
}

std::optional<TlsVersion> tls_version_from_string(std::string_view s) {
    std::string v = text::to_lower(s);
    for (std::string_view prefix : {"tlsv", "tls"})
        if (v.rfind(prefix, 0) == 0) {
            v = v.substr(prefix.size());
            break;
        }
    if (v == "1" || v == "1.0") return TlsVersion::tls1_0;
    if (v == "1.1") return TlsVersion::tls1_1;
    if (v == "1.2") return TlsVersion::tls1_2;
    if (v == "1.3") return TlsVersion::tls1_3;
    return std::nullopt;
}

std::string_view to_string(TlsVersion v) {
    switch (v) {
        case TlsVersion::tls1_0:
            return "TLSv1";
        case TlsVersion::tls1_1:
            return "TLSv1.1";
        case TlsVersion::tls1_2:
            return "TLSv1.2";
        case TlsVersion::tls1_3:
            return "TLSv1.3";
    }
    return "unknown";
}

std::string TlsInfo::summary(bool trust) const {
    std::string s = "TLS " + version + " " + cipher;
    if (!peer_certificate) return s + ", no server certificate";
    s += ", subject " + subject + ", issuer " + issuer + ", not after " + not_after;
    if (!trust) return s + ", trust not judged (scan)";
    s += verified ? ", verified" : ", NOT verified (" + verify_error + ")";
    return s;
}

std::string TlsInfo::key_description() const {
    std::string s = key_type + " " + std::to_string(key_bits);
    if (!key_curve.empty()) s += " (" + key_curve + ")";
    return s;
}

std::map<std::string, std::string> TlsInfo::properties() const {
    std::map<std::string, std::string> p{{"tls.version", version},
                                         {"tls.cipher", cipher},
                                         {"tls.verified", verified ? "yes" : "no"}};
    if (!verified) p["tls.verify_error"] = verify_error;
    if (peer_certificate) {
        p["tls.subject"] = subject;
        p["tls.issuer"] = issuer;
        std::string joined;
        for (const auto& n : sans)
            joined += (joined.empty() ? "" : ", ") + n;
        p["tls.sans"] = joined;
        p["tls.not_before"] = not_before;
        p["tls.not_after"] = not_after;
        p["tls.fingerprint"] = fingerprint_sha256;
        if (!key_type.empty()) p["tls.cert.key"] = key_description();
        if (!signature_algorithm.empty()) p["tls.cert.signature"] = signature_algorithm;
    }
    if (!group.empty()) p["tls.group"] = group;
    if (secure_renegotiation) p["tls.secure_renegotiation"] = *secure_renegotiation ? "yes" : "no";
    return p;
}

std::shared_ptr<ssl::context> make_tls_context(const TlsOptions& options) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    SSL_CTX* native = ctx->native_handle();
    boost::system::error_code ec;
    if (options.scan && options.ca_file.empty()) {
        // A scan reports the certificate, it does not judge it: parsing the system store
        // (some 140 certificates) for each of its many contexts was most of its client CPU.
    } else if (options.ca_file.empty()) {
        ctx->set_default_verify_paths(ec);
        if (ec) setup_error("cannot load the system trust store: " + ec.message());
    } else {
        ctx->load_verify_file(options.ca_file, ec);
        if (ec) setup_error("cannot load CA file " + options.ca_file + ": " + ec.message());
    }
    // Oldest versions on request only: a probe must be able to see what a server accepts.
    SSL_CTX_set_min_proto_version(native,
                                  options.min_version ? openssl_version(*options.min_version) : 0);
    if (options.min_version && *options.min_version < TlsVersion::tls1_2)
        SSL_CTX_set_security_level(native, 0);
    if (options.max_version)
        SSL_CTX_set_max_proto_version(native, openssl_version(*options.max_version));
    if (options.scan) {
        enable_legacy_algorithms();
        SSL_CTX_set_security_level(native, 0);
        SSL_CTX_set_options(native, SSL_OP_LEGACY_SERVER_CONNECT);
    }
    if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(native, options.ciphers.c_str()) != 1)
        setup_error("no usable cipher in \"" + options.ciphers + "\"");
    if (!options.ciphersuites.empty() &&
        SSL_CTX_set_ciphersuites(native, options.ciphersuites.c_str()) != 1)
        setup_error("no usable TLS 1.3 cipher suite in \"" + options.ciphersuites + "\"");
    if (!options.groups.empty() && SSL_CTX_set1_groups_list(native, options.groups.c_str()) != 1)
        setup_error("no usable group in \"" + options.groups + "\"");
    // Verification is judged after the handshake (inspect_tls), so the handshake itself does
    // not abort on an untrusted certificate.
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
}

void prepare_tls(SSL* ssl, const TlsOptions& options, const std::string& host) {
    const std::string& name = options.server_name.empty() ? host : options.server_name;
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address(name, ec);
    const bool numeric = !ec;
    if (!numeric && !name.empty()) SSL_set_tlsext_host_name(ssl, name.c_str());
    if (!options.check_hostname || name.empty()) return;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (numeric) {
        X509_VERIFY_PARAM_set1_ip_asc(param, addr.to_string().c_str());
    } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(ssl, name.c_str());
    }
}

TlsInfo inspect_tls(SSL* ssl) {
    TlsInfo info;
    info.group = negotiated_group(ssl);
    info.version = SSL_get_version(ssl);
    if (const char* c = SSL_get_cipher_name(ssl)) info.cipher = c;
    if (SSL_version(ssl) < TLS1_3_VERSION)
        info.secure_renegotiation = SSL_get_secure_renegotiation_support(ssl) == 1;
    X509* cert = SSL_get1_peer_certificate(ssl);
    if (!cert) {
        info.verify_error = "server sent no certificate";
        return info;
    }
    info.peer_certificate = true;
    info.subject = name_string(X509_get_subject_name(cert));
    info.issuer = name_string(X509_get_issuer_name(cert));
    info.sans = subject_alt_names(cert);
    if (auto tm = to_tm(X509_get0_notBefore(cert))) info.not_before = iso8601(*tm);
    if (auto tm = to_tm(X509_get0_notAfter(cert))) {
        info.not_after = iso8601(*tm);
        info.not_after_time = std::chrono::system_clock::from_time_t(timegm(&*tm));
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
        static constexpr char hex[] = "0123456789ABCDEF";
        for (unsigned i = 0; i < len; ++i) {
            if (i) info.fingerprint_sha256 += ':';
            info.fingerprint_sha256 += hex[md[i] >> 4];
            info.fingerprint_sha256 += hex[md[i] & 15];
        }
    }
    read_key(cert, info);
    X509_free(cert);
    if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
        for (int i = 0; i < sk_X509_num(chain); ++i) {
            unsigned char* der = nullptr;
            const int n = i2d_X509(sk_X509_value(chain, i), &der);
            if (n <= 0) continue;
            info.chain_der.emplace_back(der, der + n);
            OPENSSL_free(der);
        }
    }
    const long result = SSL_get_verify_result(ssl);
    info.verified = result == X509_V_OK;
    if (!info.verified) info.verify_error = X509_verify_cert_error_string(result);
    return info;
}

std::optional<std::uint32_t> ticket_max_early_data(SSL* ssl) {
    if (SSL_version(ssl) < TLS1_3_VERSION) return std::nullopt;
    SSL_SESSION* session = SSL_get_session(ssl);
    // OpenSSL replaces the handshake's session by one per NewSessionTicket it reads.
    if (!session || SSL_SESSION_is_resumable(session) != 1) return std::nullopt;
    return SSL_SESSION_get_max_early_data(session);
}

}  // namespace mailspec::transport
