#pragma once
// DKIM public key records (RFC 6376 §3.6.1) at <selector>._domainkey.<domain>:
// "v=DKIM1; k=rsa; p=MIIBIjANBg...". v= is optional but must come first and be DKIM1; k=
// defaults to rsa (RFC 8463 adds ed25519); p= is required, base64 (whitespace allowed), and
// empty when the key is revoked. The key bytes are judged outside protocol/ (OpenSSL).

#include <string>
#include <string_view>
#include <vector>

namespace mailspec::posture {

struct DkimKeyRecord {
    std::string key_type = "rsa";  // k=, lowercased
    std::string hashes;            // h=, as written ("" = any)
    std::string flags;             // t=, as written ("y" testing, "s" strict)
    bool revoked = false;          // p= present and empty (§3.6.1)
    std::string key;               // p= decoded: RSA SubjectPublicKeyInfo DER, ed25519 raw 32 bytes
    std::vector<std::string> errors;
};
DkimKeyRecord parse_dkim_key_record(std::string_view txt);

}  // namespace mailspec::posture
