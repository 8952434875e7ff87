#include "notify/command_target.hpp"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace crmflow::notify {
namespace {

constexpr std::size_t kStderrExcerpt = 300;

std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const std::size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

// The longest prefix of `text` of at most `max_bytes` that does not cut a UTF-8 character.
std::string_view cut(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// The last line with something on it, control characters made spaces.
std::string last_line(std::string_view text, std::size_t max_bytes) {
  text = trim(text);
  const std::size_t newline = text.find_last_of('\n');
  if (newline != std::string_view::npos) text = trim(text.substr(newline + 1));
  std::string line{cut(text, max_bytes)};
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return line;
}

// "30 s" for whole seconds, "300 ms" otherwise.
std::string duration_text(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

std::string signal_name(int signal) {
  if (const char* abbrev = sigabbrev_np(signal)) return std::string{"SIG"} + abbrev;
  return "an unknown signal";
}

// Whether `path` names a file this process could execute; the errno-like reason when not.
int executable_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return errno;
  if (S_ISDIR(info.st_mode)) return EISDIR;
  if (::access(path.c_str(), X_OK) != 0) return errno;
  return 0;
}

// As posix_spawnp looks a name up: each PATH entry in turn (an empty one is the current
// folder), the glibc default when PATH is unset.
int find_in_path(const std::string& name) {
  const char* env = std::getenv("PATH");
  const std::string_view path = env != nullptr ? env : "/bin:/usr/bin";
  int reason = ENOENT;
  for (std::size_t begin = 0; begin <= path.size();) {
    std::size_t end = path.find(':', begin);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view dir = path.substr(begin, end - begin);
    const std::string candidate = (dir.empty() ? std::string{"."} : std::string{dir}) + "/" + name;
    const int found = executable_file(candidate);
    if (found == 0) return 0;
    if (found == EACCES) reason = EACCES;  // as exec does: report a denied one over none
    begin = end + 1;
  }
  return reason;
}

}  // namespace

Status check_command_target(const CommandTarget& target, std::string_view role) {
  const std::string who = std::string{role} + " '" + target.name + "'";
  if (target.argv.empty() || target.argv.front().empty()) {
    return invalid_input(who +
                         ": `command` is empty: give the program and its arguments, e.g. "
                         "[/usr/local/bin/send-mail, --quiet]");
  }
  for (const std::string& arg : target.argv) {
    if (arg.find('\0') != std::string::npos) {
      return invalid_input(who +
                           ": an element of `command` holds a NUL byte, which a program "
                           "cannot receive");
    }
  }
  if (target.timeout <= std::chrono::milliseconds::zero()) {
    return invalid_input(who + ": `timeout` must be positive");
  }
  const std::string& program = target.argv.front();
  const bool has_slash = program.find('/') != std::string::npos;
  const int reason = has_slash ? executable_file(program) : find_in_path(program);
  const std::string named = who + ": program '" + program + "'";
  switch (reason) {
    case 0:
      return {};
    case ENOENT:
    case ENOTDIR:
      return not_found(named + (has_slash ? " does not exist" : " was not found in PATH") +
                       ": check the first element of `command`");
    case EISDIR:
      return invalid_input(named + " is a folder, not a program");
    case EACCES:
      return invalid_input(named +
                           " may not be executed (permission denied): make it "
                           "executable (chmod +x) or fix the path");
    default:
      return invalid_input(named +
                           " cannot be checked: " + std::generic_category().message(reason));
  }
}

CommandRequest command_request(const CommandTarget& target, std::string input) {
  CommandRequest request;
  request.argv = target.argv;
  request.input = std::move(input);
  request.timeout = target.timeout;
  return request;
}

std::string describe_run(const CommandTarget& target, const CommandRun& run) {
  std::string text = "program '" + target.argv.front() + "'";
  switch (run.ending) {
    case CommandRun::Ending::exited:
      text += " exited with code " + std::to_string(run.exit_code);
      break;
    case CommandRun::Ending::signaled:
      text += " was ended by signal " + std::to_string(run.signal) + " (" +
              signal_name(run.signal) + ")";
      break;
    case CommandRun::Ending::timed_out:
      text += " did not finish within " + duration_text(target.timeout) + " and was stopped";
      break;
  }
  if (std::string line = last_line(run.error_tail, kStderrExcerpt); !line.empty()) {
    text += ": " + line;
  }
  return text;
}

std::string first_line(std::string_view text, std::size_t max_bytes) {
  text = trim(text);
  text = trim(text.substr(0, text.find('\n')));
  return std::string{cut(text, max_bytes)};
}

}  // namespace crmflow::notify
