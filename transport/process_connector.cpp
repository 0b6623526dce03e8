#include "transport/process_connector.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/this_coro.hpp>
#include <cerrno>
#include <cstring>

#include "transport/error.hpp"

namespace mailspec::transport {

namespace asio = boost::asio;

std::size_t NoticeFilter::feed(const char* in, std::size_t n, char* out) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = in[i];
        if (at_line_start) {
            if (c == '\n') continue;  // an empty line around the notices
            dropping = c == '*';
        }
        if (!dropping) out[k++] = c;
        at_line_start = c == '\n';
        if (at_line_start) dropping = false;
    }
    return k;
}

namespace {

// Everything below runs in forked children of a multi-threaded process: system calls only,
// no allocation.

void write_all_fd(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

// Waits up to `ms` for `pid`; true when it was reaped.
bool reap_within(pid_t pid, int ms) {
    for (int waited = 0;; waited += 50) {
        if (::waitpid(pid, nullptr, WNOHANG) == pid) return true;
        if (waited >= ms) return false;
        ::usleep(50'000);
    }
}

// The helper: starts the program with stdin = `stream`, stdout into a pipe it filters onto
// `stream`, and stops the program once the runner's end of `stream` is gone.
[[noreturn]] void run_helper(int stream, int exec_errors, char* const* argv) {
    int out[2];
    if (::pipe(out) != 0) ::_exit(1);
    const pid_t child = ::fork();
    if (child < 0) ::_exit(1);
    if (child == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(stream, 0);
        ::dup2(out[1], 1);
        if (null >= 0) ::dup2(null, 2);
        ::close(out[0]);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        ::execvp(argv[0], argv);
        const int e = errno;
        write_all_fd(exec_errors, reinterpret_cast<const char*>(&e), sizeof e);
        ::_exit(127);
    }
    ::close(exec_errors);
    ::close(out[1]);
    ::signal(SIGPIPE, SIG_IGN);
    NoticeFilter filter;
    char in[4096], passed[4096];
    for (;;) {
        pollfd fds[2] = {{out[0], POLLIN, 0}, {stream, POLLRDHUP, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) break;  // the client is gone
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            const ssize_t n = ::read(out[0], in, sizeof in);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // the program closed its stdout (exited)
            write_all_fd(stream, passed, filter.feed(in, static_cast<std::size_t>(n), passed));
        }
    }
    ::shutdown(stream, SHUT_WR);  // the client reads end of stream
    if (!reap_within(child, 500)) {
        ::kill(child, SIGTERM);
        if (!reap_within(child, 2000)) {
            ::kill(child, SIGKILL);
            ::waitpid(child, nullptr, 0);
        }
    }
    ::_exit(0);
}

}  // namespace

ProcessConnector::ProcessConnector(std::string description, ArgvFor argv_for)
    : description_(std::move(description)), argv_for_(std::move(argv_for)) {}

asio::awaitable<asio::ip::tcp::socket> ProcessConnector::connect(
    const Endpoint& to, std::chrono::steady_clock::time_point) {
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::string> args = argv_for_(to);
    if (args.empty()) throw StepError(StepError::Kind::usage, "connect", "no program to run");
    std::vector<char*> cargv;
    for (auto& a : args)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);

    int sv[2], errs[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        throw StepError(StepError::Kind::connect, "connect",
                        std::string("socketpair: ") + std::strerror(errno));
    if (::pipe2(errs, O_CLOEXEC) != 0) {
        const int e = errno;
        ::close(sv[0]);
        ::close(sv[1]);
        throw StepError(StepError::Kind::connect, "connect",
                        std::string("pipe: ") + std::strerror(e));
    }
    // Double fork: the helper is re-parented to init, so the runner has no child to reap
    // later; it stops with the stream, not with a signal from the terminal (own session).
    const pid_t first = ::fork();
    if (first == 0) {
        ::setsid();
        ::close(sv[0]);
        ::close(errs[0]);
        ::fcntl(sv[1], F_SETFD, 0);  // the program's stdin
        const pid_t helper = ::fork();
        if (helper == 0) run_helper(sv[1], errs[1], cargv.data());
        ::_exit(helper < 0 ? 1 : 0);
    }
    ::close(sv[1]);
    ::close(errs[1]);
    if (first < 0) {
        const int e = errno;
        ::close(sv[0]);
        ::close(errs[0]);
        throw StepError(StepError::Kind::connect, "connect",
                        std::string("fork: ") + std::strerror(e));
    }
    int status = 0;
    while (::waitpid(first, &status, 0) < 0 && errno == EINTR) {
    }
    // The exec error pipe closes on a successful exec (O_CLOEXEC) or carries errno. Both
    // happen within milliseconds of the fork.
    int e = 0;
    ssize_t got;
    do {
        got = ::read(errs[0], &e, sizeof e);
    } while (got < 0 && errno == EINTR);
    ::close(errs[0]);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got == sizeof e) {
        ::close(sv[0]);
        throw StepError(StepError::Kind::connect, "connect",
                        "cannot run " + args.front() + ": " +
                            (got == sizeof e ? std::strerror(e) : "fork failed"));
    }
    // The SMTP client wants a tcp::socket; any stream socket's descriptor works for reading,
    // writing and closing (its local_endpoint() reports an error, shown as "?").
    asio::ip::tcp::socket socket(ex);
    boost::system::error_code ec;
    socket.assign(asio::ip::tcp::v4(), sv[0], ec);
    if (ec) {
        ::close(sv[0]);
        throw StepError(StepError::Kind::connect, "connect", "socket: " + ec.message());
    }
    co_return socket;
}

std::vector<std::string> exim_bh_argv(const std::vector<std::string>& command,
                                      const std::string& address, const Endpoint& target) {
    std::vector<std::string> argv = command.empty() ? std::vector<std::string>{"exim"} : command;
    argv.push_back("-bh");
    argv.push_back(address);
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(target.host, ec);
    if (!ec) {
        argv.push_back("-oMi");
        argv.push_back(ip.to_string() + "." + std::to_string(target.port));
    }
    return argv;
}

}  // namespace mailspec::transport
