#include "protocol/sasl/scram.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "protocol/sasl/factory.hpp"
#include "tests/unit/protocol/sasl/fixed_nonce_crypto.hpp"
#include "tests/unit/protocol/sasl/step_helpers.hpp"

namespace mailspec::sasl {
namespace {

using testing::failure;
using testing::FixedNonceCrypto;
using ::testing::HasSubstr;
using testing::response;

// RFC 5802 §5.
constexpr std::string_view sha1_nonce = "fyko+d2lbbFgONRv9qkxdawL";
constexpr std::string_view sha1_server_first =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
constexpr std::string_view sha1_client_final =
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
constexpr std::string_view sha1_server_final = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

// RFC 7677 §3.
constexpr std::string_view sha256_nonce = "rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view sha256_server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view sha256_client_final =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view sha256_server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

Credentials user_pencil() {
    Credentials c;
    c.authcid = "user";
    c.password = "pencil";
    return c;
}

struct Fixture {
    explicit Fixture(std::string_view nonce, Crypto::Hash h = Crypto::Hash::sha1,
                     Credentials c = user_pencil())
        : crypto(std::string(nonce)), scram(h, std::move(c), crypto) {}
    FixedNonceCrypto crypto;
    Scram scram;
};

TEST(SaslScram, Rfc5802Sha1FullExchange) {
    Fixture f(sha1_nonce);
    EXPECT_EQ(f.scram.name(), "SCRAM-SHA-1");
    EXPECT_EQ(f.scram.initial_response(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    EXPECT_EQ(response(f.scram.respond(sha1_server_first)), sha1_client_final);
    EXPECT_EQ(f.scram.iterations(), 4096u);
    // Server-final as a 334 challenge: verified, answered with the empty response.
    EXPECT_EQ(response(f.scram.respond(sha1_server_final)), "");
    EXPECT_EQ(f.scram.finish(""), std::nullopt);
}

TEST(SaslScram, Rfc7677Sha256FullExchange) {
    Fixture f(sha256_nonce, Crypto::Hash::sha256);
    EXPECT_EQ(f.scram.name(), "SCRAM-SHA-256");
    EXPECT_EQ(f.scram.initial_response(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    EXPECT_EQ(response(f.scram.respond(sha256_server_first)), sha256_client_final);
    EXPECT_EQ(response(f.scram.respond(sha256_server_final)), "");
    EXPECT_EQ(f.scram.finish(""), std::nullopt);
}

TEST(SaslScram, ServerSignatureWithTheSuccessReplyIsVerifiedInFinish) {
    Fixture f(sha256_nonce, Crypto::Hash::sha256);
    f.scram.initial_response();
    response(f.scram.respond(sha256_server_first));
    EXPECT_EQ(f.scram.finish(sha256_server_final), std::nullopt);
}

TEST(SaslScram, WithoutInitialResponseTheEmptyChallengeGetsClientFirst) {
    Fixture f(sha1_nonce);
    EXPECT_EQ(response(f.scram.respond("")), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    EXPECT_EQ(response(f.scram.respond(sha1_server_first)), sha1_client_final);
}

TEST(SaslScram, TamperedServerSignatureFails) {
    Fixture f(sha1_nonce);
    f.scram.initial_response();
    response(f.scram.respond(sha1_server_first));
    EXPECT_THAT(failure(f.scram.respond("v=rmF9pqV8S7suAoZWja4dJRkFsKA=")),
                HasSubstr("server signature does not verify"));
    // The failure sticks: a later success reply does not make the server authenticated.
    ASSERT_TRUE(f.scram.finish("").has_value());
}

TEST(SaslScram, TamperedSignatureInFinishFails) {
    Fixture f(sha256_nonce, Crypto::Hash::sha256);
    f.scram.initial_response();
    response(f.scram.respond(sha256_server_first));
    auto r = f.scram.finish("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    ASSERT_TRUE(r.has_value());
    EXPECT_THAT(r->reason, HasSubstr("does not verify"));
}

TEST(SaslScram, SuccessWithoutServerSignatureFails) {
    Fixture f(sha1_nonce);
    f.scram.initial_response();
    response(f.scram.respond(sha1_server_first));
    auto r = f.scram.finish("");
    ASSERT_TRUE(r.has_value());
    EXPECT_THAT(r->reason, HasSubstr("without sending its signature"));
}

TEST(SaslScram, SuccessBeforeTheProofFails) {
    Fixture f(sha1_nonce);
    f.scram.initial_response();
    EXPECT_TRUE(f.scram.finish("").has_value());
}

TEST(SaslScram, ServerNonceMustExtendTheClientNonce) {
    for (std::string_view sf : {
             "r=XXXX+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
             "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",  // nothing added
             "r=fyko+d2lbbFgONRv9qkxdaw,s=QSXCR+Q6sek8bf92,i=4096",   // shorter
         }) {
        Fixture f(sha1_nonce);
        f.scram.initial_response();
        EXPECT_THAT(failure(f.scram.respond(sf)), HasSubstr("does not extend the client nonce"))
            << sf;
    }
}

TEST(SaslScram, BadSaltFails) {
    Fixture f(sha1_nonce);
    f.scram.initial_response();
    EXPECT_THAT(failure(f.scram.respond(
                    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf9,i=4096")),
                HasSubstr("salt is not valid base64"));
}

TEST(SaslScram, BadIterationCountsFail) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"0", "not a positive number"},     {"", "not a positive number"},
        {"-1", "not a positive number"},    {"40x", "not a positive number"},
        {"04096", "not a positive number"}, {" 4096", "not a positive number"},
        {"1000001", "exceeds the limit"},   {"99999999999999999999999999", "exceeds the limit"},
    };
    for (auto [count, reason] : cases) {
        Fixture f(sha1_nonce);
        f.scram.initial_response();
        std::string sf = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=";
        sf += count;
        EXPECT_THAT(failure(f.scram.respond(sf)), HasSubstr(reason)) << count;
    }
}

TEST(SaslScram, MalformedServerFirstFails) {
    for (std::string_view sf : {"", "garbage", "s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawLx,i=1",
                                "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92",
                                "r=fyko+d2lbbFgONRv9qkxdawLx,,s=QSXCR+Q6sek8bf92,i=1"}) {
        Fixture f(sha1_nonce);
        f.scram.initial_response();
        EXPECT_THAT(failure(f.scram.respond(sf)), HasSubstr("malformed")) << sf;
    }
}

TEST(SaslScram, MandatoryExtensionIsRefused) {
    Fixture f(sha1_nonce);
    f.scram.initial_response();
    EXPECT_THAT(failure(f.scram.respond("m=foo,r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXC,i=1")),
                HasSubstr("extension"));
}

TEST(SaslScram, ServerErrorIsReported) {
    Fixture f(sha1_nonce);
    f.scram.initial_response();
    response(f.scram.respond(sha1_server_first));
    EXPECT_THAT(failure(f.scram.respond("e=invalid-proof")),
                HasSubstr("server reported an error: invalid-proof"));
    EXPECT_EQ(f.scram.server_error(), "invalid-proof");
}

TEST(SaslScram, UserNameIsEscapedAndAuthzidGoesInTheGs2Header) {
    Credentials c;
    c.authcid = "a,b=c";
    c.password = "pencil";
    c.authzid = "admin=1";
    Fixture f("abc", Crypto::Hash::sha256, c);
    EXPECT_EQ(f.scram.initial_response(), "n,a=admin=3D1,n=a=2Cb=3Dc,r=abc");
    // The channel-binding attribute carries the whole gs2 header, base64-encoded.
    EXPECT_THAT(response(f.scram.respond("r=abcdef,s=QSXCR+Q6sek8bf92,i=1")),
                HasSubstr("c=" + std::string("bixhPWFkbWluPTNEMSw=") + ",r=abcdef,p="));
}

TEST(SaslScram, BadCredentialsAreRefusedByTheFactory) {
    FixedNonceCrypto crypto("abc");
    Credentials c = user_pencil();
    c.password = "pen\ncil";
    auto m = make_mechanism("scram-sha-256", c, crypto);
    ASSERT_TRUE(std::holds_alternative<Failure>(m));
    EXPECT_THAT(std::get<Failure>(m).reason, HasSubstr("password contains U+000A"));
    EXPECT_THAT(std::get<Failure>(m).reason, ::testing::Not(HasSubstr("pen")));
    c = user_pencil();
    c.authcid = "";
    EXPECT_TRUE(std::holds_alternative<Failure>(make_mechanism("SCRAM-SHA-1", c, crypto)));
}

TEST(SaslScram, NonAsciiSpaceInThePasswordIsMappedBySaslprep) {
    // "pen\u00A0cil" must prepare to "pen cil": both give the same proof.
    Credentials a = user_pencil(), b = user_pencil();
    a.password =
        "pen\xC2\xA0"
        "cil";
    b.password = "pen cil";
    Fixture fa("abc", Crypto::Hash::sha256, a), fb("abc", Crypto::Hash::sha256, b);
    fa.scram.initial_response();
    fb.scram.initial_response();
    EXPECT_EQ(response(fa.scram.respond("r=abcdef,s=QSXCR+Q6sek8bf92,i=1")),
              response(fb.scram.respond("r=abcdef,s=QSXCR+Q6sek8bf92,i=1")));
}

}  // namespace
}  // namespace mailspec::sasl
