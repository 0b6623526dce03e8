#pragma once
// A command that prints a mail log as it grows (`tail -F FILE`, `journalctl --follow`, either
// through ssh): the maillog check reads what it printed so far at each poll, without
// blocking. The newest `cap` bytes of stdout are kept; stderr's last bytes give the reason when
// the command ends badly. The child (and its process group) ends with the object.

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mailspec::transport {

class ChildProcess;

class LogStream {
  public:
    // Throws std::runtime_error naming the program when it cannot be started.
    LogStream(boost::asio::any_io_executor ex, const std::vector<std::string>& argv,
              std::size_t cap);
    ~LogStream();
    LogStream(const LogStream&) = delete;
    LogStream& operator=(const LogStream&) = delete;

    // Takes in what the command printed since the last call.
    void drain();
    const std::string& text() const { return text_; }
    // After drain(): nullopt while the command runs (or its output is still open); else how it
    // ended ("exit status 0", "killed by signal 9").
    std::optional<std::string> ended() const;
    bool ended_well() const;          // ended with exit status 0
    std::string stderr_tail() const;  // one printable line, at most 300 bytes

  private:
    std::size_t cap_;
    std::unique_ptr<ChildProcess> proc_;
    std::string text_, err_;
    bool out_open_ = true, err_open_ = true;
    std::optional<int> wait_status_;
};

}  // namespace mailspec::transport
