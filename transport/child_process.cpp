#include "transport/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace mailspec::transport {

namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (pipe2(fd, O_CLOEXEC) != 0)
            throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) ::close(f);
    }
    int release(int i) {
        int f = fd[i];
        fd[i] = -1;
        return f;
    }
};

}  // namespace

ChildProcess::ChildProcess(boost::asio::any_io_executor ex, const std::vector<std::string>& argv)
    : in_(ex), out_(ex), err_(ex) {
    if (argv.empty()) throw std::runtime_error("no program to start");
    Pipe in, out, err;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    // dup2 clears close-on-exec on the child's 0, 1, 2; every other pipe end closes at exec.
    posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int rc = posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        pid_ = -1;
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }
    in_.assign(in.release(1));
    out_.assign(out.release(0));
    err_.assign(err.release(0));
}

ChildProcess::~ChildProcess() {
    boost::system::error_code ec;
    in_.close(ec);
    out_.close(ec);
    err_.close(ec);
    if (pid_ > 0 && !poll()) {
        kill();
        int status = 0;
        waitpid(pid_, &status, 0);
    }
}

void ChildProcess::close_stdin() {
    boost::system::error_code ec;
    in_.close(ec);
}

void ChildProcess::terminate() {
    if (pid_ > 0 && !status_) ::kill(-pid_, SIGTERM);
}

void ChildProcess::kill() {
    if (pid_ > 0 && !status_) ::kill(-pid_, SIGKILL);
}

std::optional<int> ChildProcess::poll() {
    if (status_ || pid_ <= 0) return status_;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) status_ = status;
    return status_;
}

std::string ChildProcess::describe(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

}  // namespace mailspec::transport
