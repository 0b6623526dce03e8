#include "protocol/sasl/factory.hpp"

#include <array>

#include "protocol/sasl/cram_md5.hpp"
#include "protocol/sasl/login.hpp"
#include "protocol/sasl/plain.hpp"
#include "protocol/sasl/scram.hpp"
#include "protocol/sasl/xoauth2.hpp"
#include "protocol/text.hpp"

namespace mailspec::sasl {
namespace {

constexpr std::array<std::string_view, 6> names = {
    "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN", "XOAUTH2",
};

}  // namespace

std::span<const std::string_view> supported_mechanisms() {
    return names;
}

MakeResult make_mechanism(std::string_view name, Credentials c, Crypto& crypto) {
    using text::iequals;
    std::optional<Failure> bad;
    std::unique_ptr<Mechanism> m;
    if (iequals(name, "PLAIN")) {
        if (!(bad = Plain::check(c))) m = std::make_unique<Plain>(std::move(c));
    } else if (iequals(name, "LOGIN")) {
        m = std::make_unique<Login>(std::move(c));
    } else if (iequals(name, "CRAM-MD5")) {
        m = std::make_unique<CramMd5>(std::move(c), crypto);
    } else if (iequals(name, "SCRAM-SHA-1") || iequals(name, "SCRAM-SHA-256")) {
        auto hash = iequals(name, "SCRAM-SHA-1") ? Crypto::Hash::sha1 : Crypto::Hash::sha256;
        if (!(bad = Scram::check(c))) m = std::make_unique<Scram>(hash, std::move(c), crypto);
    } else if (iequals(name, "XOAUTH2")) {
        if (!(bad = XOAuth2::check(c))) m = std::make_unique<XOAuth2>(std::move(c));
    } else {
        std::string list;
        for (auto n : names)
            list += (list.empty() ? "" : ", ") + std::string(n);
        return Failure{"unsupported SASL mechanism \"" + std::string(name) +
                       "\" (supported: " + list + ")"};
    }
    if (bad) return *bad;
    return m;
}

}  // namespace mailspec::sasl
