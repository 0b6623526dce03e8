#include "transport/netns_connector.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "transport/error.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string errno_text(int e) {
    return std::strerror(e);
}

// Runs `body` on a fresh thread that first enters the namespace `fd`; the thread ends with
// it, so no thread of the runner ever changes namespace. Returns 0 or the setns errno.
template <class Body>
int in_namespace(int fd, Body body) {
    int setns_errno = 0;
    std::thread t([&] {
        if (::setns(fd, CLONE_NEWNET) != 0) {
            setns_errno = errno;
            return;
        }
        body();
    });
    t.join();
    return setns_errno;
}

std::string setns_failure(const std::string& name, int e) {
    if (e == EPERM)
        return "not permitted to enter network namespace '" + name +
               "' (setns needs CAP_SYS_ADMIN: run as root or with that capability)";
    return "cannot enter network namespace '" + name + "': " + errno_text(e);
}

}  // namespace

NetnsConnector::NetnsConnector(std::string name, std::optional<asio::ip::address> source,
                               std::shared_ptr<Resolver> resolver)
    : DirectConnector(source, std::move(resolver)), name_(std::move(name)) {
    const std::string step = "netns";
    const std::string path = kNetnsDir + name_;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
        const int e = errno;
        throw StepError(StepError::Kind::connect, step,
                        e == ENOENT ? "network namespace '" + name_ + "' does not exist (no " +
                                          path + "; see `ip netns list`)"
                                    : "cannot open " + path + ": " + errno_text(e));
    }
    // Preflight: a namespace that cannot be entered makes the vantage unusable up front.
    if (int e = in_namespace(fd_, [] {}); e != 0) {
        ::close(fd_);
        fd_ = -1;
        throw StepError(StepError::Kind::connect, step, setns_failure(name_, e));
    }
}

NetnsConnector::~NetnsConnector() {
    if (fd_ >= 0) ::close(fd_);
}

std::string NetnsConnector::describe() const {
    return "netns " + name_ + (source() ? " bind " + source()->to_string() : "");
}

void NetnsConnector::open_socket(tcp::socket& socket, const tcp& protocol, std::string& error) {
    int sock = -1;
    int socket_errno = 0;
    if (int e = in_namespace(fd_,
                             [&] {
                                 sock = ::socket(protocol.family(), SOCK_STREAM | SOCK_CLOEXEC,
                                                 protocol.protocol());
                                 if (sock < 0) socket_errno = errno;
                             });
        e != 0) {
        error = setns_failure(name_, e);
        return;
    }
    if (sock < 0) {
        error = "cannot open a socket in network namespace '" + name_ +
                "': " + errno_text(socket_errno);
        return;
    }
    boost::system::error_code ec;
    socket.assign(protocol, sock, ec);
    if (ec) {
        ::close(sock);
        error = "cannot use the socket from network namespace '" + name_ + "': " + ec.message();
        return;
    }
    if (source()) {
        socket.bind(tcp::endpoint(*source(), 0), ec);
        if (ec)
            error = "cannot use source address " + source()->to_string() +
                    " in network namespace '" + name_ + "': " + ec.message();
    }
}

}  // namespace mailspec::transport
