#pragma once
// Throw-away certificates for TLS tests, made in memory with OpenSSL: a CA and leaf
// certificates it signs, with chosen subject alternative names and validity.

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

using X509 = struct x509_st;
using EVP_PKEY = struct evp_pkey_st;

namespace mailspec::test {

struct ServerTlsSettings {
    std::string sans = "DNS:mail.test,IP:127.0.0.1";
    int days_valid = 365;  // not after: now + days (negative: already expired)
    int min_version = 0;   // TLS1_VERSION ...; 0 = OpenSSL's default
    int max_version = 0;
    bool legacy = false;        // "@SECLEVEL=0" so that TLS 1.0/1.1 can really be negotiated
    std::string ciphers;        // TLS <= 1.2 suites the server accepts; empty: OpenSSL's default
    bool server_order = false;  // the server's order of `ciphers` wins over the client's
};

class TestCa {
  public:
    explicit TestCa(std::string name = "mailspec test CA");
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    std::string ca_pem() const;
    // A server context presenting a fresh leaf certificate signed by this CA.
    std::shared_ptr<boost::asio::ssl::context> server_context(
        const ServerTlsSettings& settings = {}) const;

  private:
    EVP_PKEY* key_ = nullptr;
    X509* cert_ = nullptr;
};

}  // namespace mailspec::test
