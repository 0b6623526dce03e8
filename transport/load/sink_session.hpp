#pragma once
// The SMTP side of `mailspec sink`, without I/O: bytes in, replies out. It accepts every
// sender, recipient and message (and any AUTH PLAIN credentials) and keeps nothing but counts.
// Replies to all complete commands of one input chunk are appended together, so pipelined
// clients (RFC 2920) get one write per batch.

#include <cstdint>
#include <string>
#include <string_view>

namespace mailspec::load {

struct SinkCounts {
    std::uint64_t connections = 0;
    std::uint64_t messages = 0;
    std::uint64_t recipients = 0;
    std::uint64_t bytes = 0;  // message octets between DATA's 354 and the final dot
    std::uint64_t tls = 0;    // STARTTLS handshakes begun
    void add(const SinkCounts& o) {
        connections += o.connections;
        messages += o.messages;
        recipients += o.recipients;
        bytes += o.bytes;
        tls += o.tls;
    }
};

class SinkSession {
  public:
    struct Options {
        std::string hostname = "sink.mailspec.test";
        bool offer_starttls = false;
        std::size_t max_line = 4096;  // longer command lines get 500
    };
    explicit SinkSession(Options o) : o_(std::move(o)) {}

    std::string greeting() const { return "220 " + o_.hostname + " ESMTP mailspec sink\r\n"; }
    // Consumes `in`, appending replies to `out`. After a 220 to STARTTLS it stops consuming
    // and returns how many bytes it used (the rest, if any, is an injection attempt: dropped).
    std::size_t feed(std::string_view in, std::string& out);

    bool starttls_pending() const { return starttls_pending_; }
    void tls_started();  // the handshake succeeded: back to the start of the session
    bool closed() const { return closed_; }  // after QUIT (or a fatal line)
    const SinkCounts& counts() const { return counts_; }

  private:
    enum class DataState { mid, cr, line_start, dot, dot_cr };
    void command(std::string_view line, std::string& out);
    std::size_t data(std::string_view in);  // bytes used; sets in_data_ = false at the dot

    Options o_;
    std::string line_;  // incomplete command line
    bool overlong_ = false, in_data_ = false, starttls_pending_ = false, closed_ = false;
    bool tls_ = false, greeted_ = false, mail_ = false;
    std::uint64_t rcpts_ = 0;
    DataState ds_ = DataState::line_start;
    SinkCounts counts_;
};

}  // namespace mailspec::load
