#include "reporters/report_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <vector>

namespace mailspec::reports {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int err) {
    throw ReportWriteError("cannot write report " + path + ": " + what + ": " + std::strerror(err));
}

std::filesystem::path directory_of(const std::string& path) {
    auto dir = std::filesystem::path(path).parent_path();
    return dir.empty() ? std::filesystem::path(".") : dir;
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
    auto target = std::filesystem::path(path);
    std::string tmpl = (directory_of(path) / ("." + target.filename().string() + ".XXXXXX"));
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    if (fd < 0) fail(path, "create temporary file in " + directory_of(path).string(), errno);
    auto abandon = [&](const char* what) {
        int err = errno;
        close(fd);
        unlink(name.data());
        fail(path, what, err);
    };
    for (std::size_t off = 0; off < content.size();) {
        ssize_t n = write(fd, content.data() + off, content.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            abandon("write");
        }
        off += static_cast<std::size_t>(n);
    }
    // mkstemp creates 0600; a report is meant to be read by others (CI artefact upload).
    if (fchmod(fd, 0644) != 0) abandon("chmod");
    if (fsync(fd) != 0) abandon("fsync");
    if (close(fd) != 0) {
        int err = errno;
        unlink(name.data());
        fail(path, "close", err);
    }
    if (std::rename(name.data(), path.c_str()) != 0) {
        int err = errno;
        unlink(name.data());
        fail(path, "rename", err);
    }
}

void check_writable(const std::string& path) {
    if (path == "-") return;
    if (path.empty()) throw ReportWriteError("empty report file name");
    auto dir = directory_of(path);
    if (access(dir.c_str(), W_OK | X_OK) != 0) fail(path, "directory " + dir.string(), errno);
    struct stat st {};
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw ReportWriteError("cannot write report " + path + ": it is a directory");
}

FileReporter::FileReporter(std::string path, Render render, std::ostream& dash)
    : path_(std::move(path)), render_(std::move(render)), dash_(dash) {}

void FileReporter::finish(const RunRecord& rec) {
    std::string content = render_(rec);
    if (path_ == "-") {
        dash_ << content << std::flush;
        return;
    }
    write_file_atomically(path_, content);
}

}  // namespace mailspec::reports
