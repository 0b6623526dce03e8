#include "protocol/sasl/scram.hpp"

#include <cstdint>
#include <vector>

#include "protocol/base64.hpp"
#include "protocol/sasl/saslprep.hpp"

namespace mailspec::sasl {
namespace {

// RFC 5802 §5.1 saslname: ',' and '=' are escaped as "=2C" and "=3D".
std::string escape_saslname(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == ',')
            out += "=2C";
        else if (c == '=')
            out += "=3D";
        else
            out += c;
    }
    return out;
}

// RFC 5802 "printable": %x21-2B / %x2D-7E (no ',').
bool printable(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x21 || c > 0x7E || c == ',') return false;
    return !s.empty();
}

struct Attribute {
    char key;
    std::string_view value;
};

// "a=v,b=w" -> attributes; nullopt when an item is not "<letter>=<value>".
std::optional<std::vector<Attribute>> split_attributes(std::string_view s) {
    std::vector<Attribute> out;
    while (true) {
        std::size_t comma = s.find(',');
        std::string_view item = s.substr(0, comma);
        bool letter = item.size() >= 2 &&
                      ((item[0] >= 'a' && item[0] <= 'z') || (item[0] >= 'A' && item[0] <= 'Z'));
        if (!letter || item[1] != '=') return std::nullopt;
        out.push_back({item[0], item.substr(2)});
        if (comma == std::string_view::npos) return out;
        s.remove_prefix(comma + 1);
    }
}

std::string xor_bytes(std::string_view a, std::string_view b) {
    std::string out(a.size(), '\0');
    for (std::size_t i = 0; i < a.size(); ++i)
        out[i] = static_cast<char>(a[i] ^ b[i]);
    return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string error_value(std::string_view s) {
    return std::string(s.substr(0, s.find(',')));
}

}  // namespace

Scram::Scram(Crypto::Hash hash, Credentials c, Crypto& crypto, unsigned max_iterations)
    : hash_(hash), crypto_(crypto), max_iterations_(max_iterations) {
    if (auto f = check(c)) {
        fail(f->reason);
        return;
    }
    // check() succeeded, so these preparations succeed too.
    user_ = escape_saslname(std::get<std::string>(saslprep(c.authcid, "user name")));
    password_ = std::get<std::string>(saslprep(c.password, "password"));
    gs2_header_ = "n,";
    if (!c.authzid.empty())
        gs2_header_ +=
            "a=" + escape_saslname(std::get<std::string>(saslprep(c.authzid, "authzid")));
    gs2_header_ += ',';
}

std::optional<Failure> Scram::check(const Credentials& c) {
    for (auto [value, what] :
         {std::pair{&c.authcid, "user name"}, std::pair{&c.password, "password"},
          std::pair{&c.authzid, "authorization identity"}}) {
        auto prepared = saslprep(*value, what);
        if (auto* f = std::get_if<Failure>(&prepared)) return Failure{"SCRAM: " + f->reason};
        if (value == &c.authcid && std::get<std::string>(prepared).empty())
            return Failure{"SCRAM: the user name is empty"};
    }
    return std::nullopt;
}

std::string_view Scram::name() const {
    return hash_ == Crypto::Hash::sha1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
}

Failure Scram::fail(std::string reason) {
    state_ = State::failed;
    failure_ = Failure{std::string(name()) + ": " + std::move(reason)};
    return *failure_;
}

std::optional<std::string> Scram::initial_response() {
    if (state_ != State::start) return std::nullopt;
    auto r = client_first();
    // On failure no initial response is sent; the first respond() reports why.
    if (auto* s = std::get_if<std::string>(&r)) return *s;
    return std::nullopt;
}

StepResult Scram::client_first() {
    nonce_ = crypto_.random_nonce();
    if (!printable(nonce_)) return fail("the client nonce is empty or not printable");
    client_first_bare_ = "n=" + user_ + ",r=" + nonce_;
    state_ = State::sent_first;
    return gs2_header_ + client_first_bare_;
}

StepResult Scram::respond(std::string_view challenge) {
    switch (state_) {
        case State::start:
            return client_first();  // no initial response: the challenge is the empty prompt
        case State::sent_first:
            return client_final(challenge);
        case State::sent_final:
            if (auto f = verify(challenge)) return *f;
            return std::string();  // RFC 4422 §5: the outcome follows an empty response
        case State::verified:
            return fail("unexpected challenge after the server signature");
        case State::failed:
            break;
    }
    return *failure_;
}

StepResult Scram::client_final(std::string_view server_first) {
    if (server_first.starts_with("m="))
        return fail("the server requires an extension this client does not support (m=)");
    if (server_first.starts_with("e=")) {
        server_error_ = error_value(server_first.substr(2));
        return fail("the server reported an error: " + server_error_);
    }
    auto attrs = split_attributes(server_first);
    if (!attrs || attrs->size() < 3 || (*attrs)[0].key != 'r' || (*attrs)[1].key != 's' ||
        (*attrs)[2].key != 'i')
        return fail("malformed server-first-message (expected r=...,s=...,i=...)");
    std::string_view nonce = (*attrs)[0].value, salt_b64 = (*attrs)[1].value,
                     count = (*attrs)[2].value;

    if (!nonce.starts_with(nonce_) || nonce.size() == nonce_.size())
        return fail("the server nonce does not extend the client nonce");
    if (!printable(nonce)) return fail("the server nonce contains non-printable characters");

    auto salt = base64::decode(salt_b64);
    if (auto* e = std::get_if<base64::DecodeError>(&salt))
        return fail("the salt is not valid base64: " + e->reason);
    if (std::get<std::string>(salt).empty()) return fail("the salt is empty");

    // RFC 5802: posit-number = %x31-39 *DIGIT. The value stops growing once it is past the
    // limit, so no length of digits can overflow.
    std::uint64_t n = 0;
    bool digits = !count.empty() && count[0] != '0';
    for (char c : count) {
        if (c < '0' || c > '9') {
            digits = false;
            break;
        }
        if (n <= max_iterations_) n = n * 10 + static_cast<unsigned>(c - '0');
    }
    std::string shown(count.substr(0, 20));
    if (!digits) return fail("the iteration count is not a positive number: \"" + shown + "\"");
    if (n > max_iterations_)
        return fail("the iteration count " + shown + " exceeds the limit of " +
                    std::to_string(max_iterations_));
    iterations_ = static_cast<unsigned>(n);

    std::string salted = crypto_.pbkdf2(hash_, password_, std::get<std::string>(salt), iterations_);
    std::string client_key = crypto_.hmac(hash_, salted, "Client Key");
    std::string stored_key = crypto_.hash(hash_, client_key);
    std::string final_without_proof = "c=" + base64::encode(gs2_header_) + ",r=";
    final_without_proof += nonce;
    std::string auth_message = client_first_bare_ + ',';
    auth_message += server_first;
    auth_message += ',' + final_without_proof;
    std::string client_signature = crypto_.hmac(hash_, stored_key, auth_message);
    std::string server_key = crypto_.hmac(hash_, salted, "Server Key");
    server_signature_ = crypto_.hmac(hash_, server_key, auth_message);
    if (salted.empty() || client_key.empty() || stored_key.empty() || server_key.empty() ||
        client_signature.size() != client_key.size() || server_signature_.empty())
        return fail("the hash primitives failed");

    state_ = State::sent_final;
    return final_without_proof + ",p=" + base64::encode(xor_bytes(client_key, client_signature));
}

std::optional<Failure> Scram::verify(std::string_view server_final) {
    if (server_final.starts_with("e=")) {
        server_error_ = error_value(server_final.substr(2));
        return fail("the server reported an error: " + server_error_);
    }
    if (!server_final.starts_with("v="))
        return fail("malformed server-final-message (expected v=... or e=...)");
    std::string_view value = server_final.substr(2);
    value = value.substr(0, value.find(','));  // extensions may follow
    auto signature = base64::decode(value);
    if (auto* e = std::get_if<base64::DecodeError>(&signature))
        return fail("the server signature is not valid base64: " + e->reason);
    if (!equal_constant_time(std::get<std::string>(signature), server_signature_))
        return fail(
            "the server signature does not verify: the server does not know the password "
            "(or the exchange was tampered with)");
    state_ = State::verified;
    return std::nullopt;
}

std::optional<Failure> Scram::finish(std::string_view server_final) {
    switch (state_) {
        case State::verified:
            if (server_final.empty()) return std::nullopt;
            return fail("unexpected additional data after the server signature");
        case State::sent_final:
            if (!server_final.empty()) return verify(server_final);
            return fail(
                "the server accepted without sending its signature (v=), so it did not prove "
                "that it knows the password");
        case State::failed:
            return failure_;
        default:
            return fail("the server accepted before the exchange was complete");
    }
}

}  // namespace mailspec::sasl
