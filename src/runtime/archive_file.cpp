// jsonl_archive_sink: the archive as a file of JSON lines, each flushed to disk before the case
// it holds may be removed.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "crmflow/engine.hpp"
#include "crmflow/json.hpp"

namespace crmflow {
namespace {

std::string system_message(int error) { return std::strerror(error); }

// The open archive file. Writes are serialised: a sink copied to several threads appends whole
// lines.
class ArchiveFile {
 public:
  ArchiveFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~ArchiveFile() { ::close(fd_); }
  ArchiveFile(const ArchiveFile&) = delete;
  ArchiveFile& operator=(const ArchiveFile&) = delete;

  Status append(const ArchivedCase& archived) {
    // Typed JSON keeps dates, datetimes and durations among the variables as they were.
    std::string line = to_json(archived.record, JsonStyle::typed);
    line.push_back('\n');
    std::lock_guard lock{mutex_};
    std::size_t written = 0;
    while (written < line.size()) {
      const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        return failed(archived.id, "writing", errno);
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd_) != 0) return failed(archived.id, "flushing", errno);
    return {};
  }

 private:
  Status failed(CaseId id, std::string_view doing, int error) const {
    return unavailable(fmt::format("archive file '{}': {} the record of case {} failed: {}", path_,
                                   doing, id, system_message(error)));
  }

  const std::string path_;
  const int fd_;
  std::mutex mutex_;
};

// Flushes the folder that holds `path`, so that a file just created is found after a power cut.
Status flush_folder(const std::string& path) {
  std::filesystem::path folder = std::filesystem::path{path}.parent_path();
  if (folder.empty()) folder = ".";
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return unavailable(
        fmt::format("archive file '{}': cannot open its folder: {}", path, system_message(errno)));
  }
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) {
    return unavailable(fmt::format("archive file '{}': flushing its folder failed: {}", path,
                                   system_message(error)));
  }
  return {};
}

}  // namespace

Result<ArchiveSink> jsonl_archive_sink(const std::string& path) {
  if (path.empty()) return invalid_input("archive file: no path given");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    return unavailable(fmt::format("archive file '{}': cannot open it for appending: {}", path,
                                   system_message(errno)));
  }
  auto file = std::make_shared<ArchiveFile>(path, fd);
  if (auto s = flush_folder(path); !s) return std::move(s).error();
  return ArchiveSink{[file](const ArchivedCase& archived) { return file->append(archived); }};
}

}  // namespace crmflow
