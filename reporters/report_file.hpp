#pragma once
// Where a report goes: a file written atomically (temp file in the same directory, fsync,
// rename: readers never see half a report), or "-" for a stream (stdout in the CLI).

#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reporters/run_record.hpp"

namespace mailspec::reports {

struct ReportWriteError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Replaces `path` with `content` atomically. Throws ReportWriteError naming the path.
void write_file_atomically(const std::string& path, std::string_view content);

// Throws ReportWriteError when `path` ("-" is always fine) could not be written at the end of
// the run: its directory is missing or not writable. Lets the CLI refuse before running.
void check_writable(const std::string& path);

// A file report: collects the run, renders it once at run_end and writes it to `path`
// (atomically) or, for "-", to `dash`.
class FileReporter : public CollectingReporter {
  public:
    using Render = std::function<std::string(const RunRecord&)>;
    FileReporter(std::string path, Render render, std::ostream& dash);

  protected:
    void finish(const RunRecord& rec) override;

  private:
    std::string path_;
    Render render_;
    std::ostream& dash_;
};

}  // namespace mailspec::reports
