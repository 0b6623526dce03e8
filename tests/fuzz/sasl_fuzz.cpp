// Arbitrary server challenges against every SASL mechanism, and arbitrary text against the
// strict base64 decoder. Challenges are separated by '\n'. The crypto here is a stand-in
// (fixed-size outputs, no OpenSSL in the protocol library): the parsing paths are the target.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/base64.hpp"
#include "protocol/sasl/factory.hpp"
#include "protocol/sasl/redact.hpp"

namespace {

class StandInCrypto final : public mailspec::sasl::Crypto {
  public:
    std::string hash(Hash h, std::string_view d) override { return digest(h, d); }
    std::string hmac(Hash h, std::string_view k, std::string_view d) override {
        return digest(h, std::string(k) + '|' + std::string(d));
    }
    std::string pbkdf2(Hash h, std::string_view p, std::string_view s, unsigned) override {
        return digest(h, std::string(p) + '|' + std::string(s));
    }
    std::string random_nonce() override { return "fyko+d2lbbFgONRv9qkxdawL"; }

  private:
    static std::string digest(Hash h, std::string_view d) {
        std::size_t n = h == Hash::md5 ? 16 : h == Hash::sha1 ? 20 : 32;
        std::string out(n, '\0');
        for (std::size_t i = 0; i < d.size(); ++i)
            out[i % n] = static_cast<char>(out[i % n] * 31 + d[i]);
        return out;
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mailspec;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    (void)base64::decode(in);
    (void)sasl::redact_auth_command(in);
    (void)sasl::scrub_secret(in, "pencil-secret");

    StandInCrypto crypto;
    sasl::Credentials creds{"user", "pencil", "", "token"};
    for (auto name : sasl::supported_mechanisms()) {
        auto made = sasl::make_mechanism(name, creds, crypto);
        auto* m = std::get_if<std::unique_ptr<sasl::Mechanism>>(&made);
        if (!m) __builtin_trap();
        (void)(*m)->initial_response();
        std::string_view rest = in;
        bool failed = false;
        while (!rest.empty() && !failed) {
            std::size_t nl = rest.find('\n');
            auto r = (*m)->respond(rest.substr(0, nl));
            failed = std::holds_alternative<sasl::Failure>(r);
            rest = nl == rest.npos ? std::string_view() : rest.substr(nl + 1);
        }
        (void)(*m)->finish("");
        (void)(*m)->server_error();
    }
    return 0;
}
