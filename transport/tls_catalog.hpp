#pragma once
// What the local OpenSSL can offer, for a scanner that must tell "the server refused it" from
// "we could not ask": the cipher suites usable at each protocol version (with OpenSSL's
// one-line description, which checks/tls_cipher_traits.hpp classifies), and the groups.

#include <string>
#include <vector>

#include "transport/tls.hpp"

namespace mailspec::transport {

struct OfferableCipher {
    std::string name;         // OpenSSL's: "ECDHE-RSA-AES128-GCM-SHA256"
    std::string iana;         // "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    std::string description;  // "... TLSv1.2 Kx=ECDH Au=RSA Enc=AESGCM(128) Mac=AEAD"
};

// Every suite a scanning client (TlsOptions::scan) can offer at exactly `v`, in OpenSSL's
// default order (strongest first). TLS 1.3: the five RFC 8446 suites this build has. Empty when
// the build cannot speak `v` at all.
std::vector<OfferableCipher> offerable_ciphers(TlsVersion v);

// Whether this OpenSSL can offer SSLv3 at all (Debian's cannot: built without it).
bool can_offer_sslv3();

// Why TLS compression is not asked about: this OpenSSL has no compression method to offer
// (Debian's is built without zlib), or the scan does not ask although it could.
std::string compression_note();

// The groups a scan asks about, in the scanner's names (X25519, P-256, ffdhe2048, ...), with
// whether this OpenSSL can offer each one.
struct OfferableGroup {
    std::string name;
    bool offerable = false;
};
std::vector<OfferableGroup> scan_groups();

// The OpenSSL cipher-list string that offers exactly `names`, in that order, at security level 0.
std::string cipher_list(const std::vector<std::string>& names);

}  // namespace mailspec::transport
