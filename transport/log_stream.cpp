#include "transport/log_stream.hpp"

#include <sys/wait.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>

#include "transport/child_process.hpp"

namespace mailspec::transport {

namespace {

constexpr std::size_t kDrainBudget = 4 << 20;  // per drain() and stream

// Reads what `d` has without waiting, at most `budget` bytes (a command that prints without
// pause must not keep the caller here); false once it reached end of file (or failed).
bool read_ready(boost::asio::posix::stream_descriptor& d, std::string& into, std::size_t cap,
                std::size_t budget) {
    char buf[65536];
    bool open = true;
    for (std::size_t got = 0; got < budget;) {
        boost::system::error_code ec;
        const std::size_t n = d.read_some(boost::asio::buffer(buf), ec);
        into.append(buf, n);
        got += n;
        if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) break;
        if (ec) {
            open = false;
            break;
        }
    }
    if (into.size() > cap) into.erase(0, into.size() - cap);
    return open;
}

}  // namespace

LogStream::LogStream(boost::asio::any_io_executor ex, const std::vector<std::string>& argv,
                     std::size_t cap)
    : cap_(cap), proc_(std::make_unique<ChildProcess>(ex, argv)) {
    proc_->close_stdin();
    proc_->out().non_blocking(true);
    proc_->err().non_blocking(true);
}

LogStream::~LogStream() = default;

void LogStream::drain() {
    if (out_open_) out_open_ = read_ready(proc_->out(), text_, cap_, kDrainBudget);
    if (err_open_) err_open_ = read_ready(proc_->err(), err_, 4096, kDrainBudget);
    // Ended only when its output is closed too: the last lines may follow its exit.
    if (!wait_status_ && !out_open_) wait_status_ = proc_->poll();
}

std::optional<std::string> LogStream::ended() const {
    if (!wait_status_) return std::nullopt;
    return ChildProcess::describe(*wait_status_);
}

bool LogStream::ended_well() const {
    return wait_status_ && WIFEXITED(*wait_status_) && WEXITSTATUS(*wait_status_) == 0;
}

std::string LogStream::stderr_tail() const {
    std::string s;
    for (char c : err_) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
        if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) s += c;
    }
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    if (s.size() > 300) s = "..." + s.substr(s.size() - 300);
    return s;
}

}  // namespace mailspec::transport
