#include "notify/file_channel.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "notify/notification_json.hpp"

namespace crmflow::notify {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kFileMode = 0644;

std::string errno_text(int error) { return std::generic_category().message(error); }

// An open file, closed (and so unlocked) when it goes.
class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Flushes the folder's entry for a file just created, without which a crash could lose the
// file and every line in it although each was fsynced.
Status sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return unavailable("cannot open folder '" + folder.string() + "': " + errno_text(error));
  }
  OpenFile dir{fd};
  if (::fsync(dir.get()) != 0) {
    const int error = errno;
    return unavailable("cannot flush folder '" + folder.string() + "': " + errno_text(error));
  }
  return {};
}

// Opens `path` for appending, creating it when missing; `created` tells whether this call made it.
int open_for_append(const fs::path& path, bool& created) {
  created = false;
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd >= 0 || errno != ENOENT) return fd;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_CREAT | O_EXCL, kFileMode);
  } while (fd < 0 && errno == EINTR);
  if (fd >= 0) {
    created = true;
    return fd;
  }
  if (errno != EEXIST) return fd;
  // Another writer created it in between: use theirs.
  return ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
}

class FileChannel final : public Channel {
 public:
  FileChannel(std::string name, fs::path path) : name_(std::move(name)), path_(std::move(path)) {}

  DeliveryOutcome deliver(const Notification& notification) override {
    try {
      std::string line = notification_json(notification);
      line.push_back('\n');
      if (Status s = append(line); !s) return DeliveryOutcome::retry(s.error().message);
      return DeliveryOutcome::delivered();
    } catch (const std::exception& e) {
      return DeliveryOutcome::retry(where() + e.what());
    }
  }

 private:
  std::string where() const { return "channel '" + name_ + "': '" + path_.string() + "': "; }
  Error failed_to(std::string_view what, int error) const {
    return unavailable(where() + "cannot " + std::string{what} + ": " + errno_text(error));
  }

  Status append(std::string_view line) const {
    bool created = false;
    const int fd = open_for_append(path_, created);
    if (fd < 0) return failed_to("open it for appending", errno);
    OpenFile file{fd};
    int rc = -1;
    do {
      rc = ::flock(file.get(), LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return failed_to("lock it", errno);
    struct stat before {};
    if (::fstat(file.get(), &before) != 0) return failed_to("read its size", errno);
    if (Status s = write_whole(file.get(), line, before.st_size); !s) return s;
    if (::fsync(file.get()) != 0) return failed_to("flush it to disk", errno);
    if (created) {
      if (Status s = sync_folder(path_.parent_path()); !s) {
        return Error{s.error().code, where() + s.error().message};
      }
    }
    return {};
  }

  // One write(2) in all but rare cases; a short one (a signal, a full disk) is continued, and
  // when the rest cannot be written the part already written is cut off again.
  Status write_whole(int fd, std::string_view line, off_t size_before) const {
    std::size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      const int error = n < 0 ? errno : ENOSPC;  // write() returning 0 for a file: no room
      if (error == EINTR) continue;
      if (done > 0 && ::ftruncate(fd, size_before) != 0) {
        const int cut_error = errno;
        return failed_to("write a whole line (" + errno_text(error) +
                             ") nor cut off the part written, so it ends in a broken line",
                         cut_error);
      }
      return failed_to("write to it", error);
    }
    return {};
  }

  const std::string name_;
  const fs::path path_;
};

Result<fs::path> checked_path(const FileTarget& target) {
  const std::string who = "channel '" + target.name + "'";
  if (target.path.empty()) {
    return invalid_input(who + ": `path` is empty: name the file to append to");
  }
  std::error_code ec;
  fs::path path = fs::absolute(target.path, ec);
  if (ec) {
    return invalid_input(who + ": cannot resolve path '" + target.path.string() +
                         "': " + ec.message());
  }
  const fs::path folder = path.parent_path();
  const fs::file_status folder_status = fs::status(folder, ec);
  if (ec && folder_status.type() != fs::file_type::not_found) {
    return invalid_input(who + ": cannot look at folder '" + folder.string() + "' of path '" +
                         target.path.string() + "': " + ec.message());
  }
  if (!fs::exists(folder_status)) {
    return not_found(who + ": folder '" + folder.string() + "' of path '" + target.path.string() +
                     "' does not exist: create it or fix `path`");
  }
  if (!fs::is_directory(folder_status)) {
    return invalid_input(who + ": '" + folder.string() + "' in path '" + target.path.string() +
                         "' is not a folder: fix `path`");
  }
  if (fs::is_directory(fs::status(path, ec))) {
    return invalid_input(who + ": path '" + target.path.string() +
                         "' is a folder: name a file in it");
  }
  return path;
}

}  // namespace

Result<std::shared_ptr<Channel>> make_file_channel(const FileTarget& target) {
  auto path = checked_path(target);
  if (!path) return std::move(path).error();
  bool created = false;
  const int fd = open_for_append(*path, created);
  if (fd < 0) {
    const int error = errno;
    return invalid_input("channel '" + target.name + "': cannot open '" + path->string() +
                         "' for appending: " + errno_text(error));
  }
  ::close(fd);
  if (created) {
    if (Status s = sync_folder(path->parent_path()); !s) {
      return Error{s.error().code, "channel '" + target.name + "': " + s.error().message};
    }
  }
  return std::shared_ptr<Channel>{std::make_shared<FileChannel>(target.name, std::move(*path))};
}

}  // namespace crmflow::notify
