#pragma once
// Certificates for TLS tests, generated at test time with the OpenSSL API into a temporary
// directory (removed at exit): a test CA, a server certificate it signed for "localhost",
// 127.0.0.1 and ::1, and an unrelated CA that must not be trusted.

#include <string>

namespace mailspec::testing {

struct TestPki {
    std::string ca_file;        // PEM: the CA that signed the server certificate
    std::string other_ca_file;  // PEM: a CA that signed nothing here
    std::string cert_file;      // PEM: server certificate (CN=localhost)
    std::string key_file;       // PEM: its private key

    static const TestPki& get();  // created once per process
};

}  // namespace mailspec::testing
