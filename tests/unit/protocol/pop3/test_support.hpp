#pragma once
// Helpers shared by the POP3 and IMAP codec tests: a minimal private base64 (protocol/base64 is
// written by another helper; replace these once it lands), a PLAIN mechanism to drive the SASL
// exchanges, and CRLF conversion for dialogues written with plain newlines.

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/sasl/mechanism.hpp"

namespace mailspec::test {

inline std::string crlf(std::string_view lf_text) {
    std::string out;
    for (char c : lf_text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

inline std::string b64encode(std::string_view in) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                     (static_cast<unsigned char>(in[i + 1]) << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        for (int s = 18; s >= 0; s -= 6)
            out += kAlphabet[(v >> s) & 63];
    }
    std::size_t rest = in.size() - i;
    if (rest > 0) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

inline std::optional<std::string> b64decode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    if (in.size() % 4 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 4) {
        unsigned v = 0;
        int pad = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            char c = in[i + j];
            if (c == '=' && i + 4 == in.size() && j >= 2) {
                ++pad;
                v <<= 6;
                continue;
            }
            int d = value(c);
            if (d < 0 || pad > 0) return std::nullopt;
            v = (v << 6) | static_cast<unsigned>(d);
        }
        out += static_cast<char>((v >> 16) & 0xff);
        if (pad < 2) out += static_cast<char>((v >> 8) & 0xff);
        if (pad < 1) out += static_cast<char>(v & 0xff);
    }
    return out;
}

// RFC 4616 PLAIN; `challenges` counts respond() calls so tests can see the exchange shape.
class PlainMechanism : public sasl::Mechanism {
  public:
    PlainMechanism(std::string user, std::string pass)
        : user_(std::move(user)), pass_(std::move(pass)) {}
    std::string_view name() const override { return "PLAIN"; }
    std::optional<std::string> initial_response() override {
        return std::string("\0", 1) + user_ + std::string("\0", 1) + pass_;
    }
    sasl::StepResult respond(std::string_view) override {
        ++challenges;
        return sasl::Failure{"PLAIN expects no challenge"};
    }
    std::optional<sasl::Failure> finish(std::string_view) override { return std::nullopt; }
    int challenges = 0;

  private:
    std::string user_, pass_;
};

// A LOGIN-style mechanism without initial response: answers each challenge from a list.
class ScriptedMechanism : public sasl::Mechanism {
  public:
    explicit ScriptedMechanism(std::vector<std::string> answers) : answers_(std::move(answers)) {}
    std::string_view name() const override { return "LOGIN"; }
    std::optional<std::string> initial_response() override { return std::nullopt; }
    sasl::StepResult respond(std::string_view challenge) override {
        seen.emplace_back(challenge);
        if (next_ >= answers_.size()) return sasl::Failure{"unexpected challenge"};
        return answers_[next_++];
    }
    std::optional<sasl::Failure> finish(std::string_view) override { return std::nullopt; }
    std::vector<std::string> seen;

  private:
    std::vector<std::string> answers_;
    std::size_t next_ = 0;
};

// Runs a sans-I/O session against a scripted server, the way a transport driver would. Each
// turn releases `reply` once the client has written `client` (turn 0: the greeting, client "").
// Replies are fed in two pieces split at `split` (npos: whole) to exercise partial reads.
struct Turn {
    std::string client;
    std::string reply;
};

struct DriveResult {
    std::string written;  // everything the client sent
    int tls_starts = 0;
    bool closed = false;  // the session asked to close
    bool idle = false;    // the session ran out of steps
};

template <class Session>
DriveResult drive(Session& s, const std::vector<Turn>& turns,
                  std::size_t split = std::string::npos) {
    DriveResult out;
    std::deque<std::string> pending;
    std::size_t next_turn = 0, matched = 0;
    auto release = [&]() {
        while (next_turn < turns.size()) {
            const auto& t = turns[next_turn];
            if (out.written.compare(matched, t.client.size(), t.client) != 0 ||
                out.written.size() - matched < t.client.size())
                return;
            matched += t.client.size();
            ++next_turn;
            std::string_view r = t.reply;
            std::size_t k = std::min(split, r.size());
            if (k > 0) pending.emplace_back(r.substr(0, k));
            if (k < r.size()) pending.emplace_back(r.substr(k));
        }
    };
    release();
    for (int guard = 0; guard < 10000; ++guard) {
        auto a = s.next();
        using K = decltype(a.kind);
        if (a.kind == K::write) {
            out.written += a.bytes;
            release();
        } else if (a.kind == K::read) {
            if (pending.empty()) {
                s.end_of_stream();
            } else {
                s.feed(pending.front());
                pending.pop_front();
            }
        } else if (a.kind == K::start_tls) {
            ++out.tls_starts;
            s.tls_established();
        } else if (a.kind == K::idle) {
            out.idle = true;
            return out;
        } else if (a.kind == K::close) {
            out.closed = true;
        } else {
            return out;
        }
    }
    return out;
}

}  // namespace mailspec::test
