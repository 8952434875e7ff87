#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "check_commands.hpp"
#include "crmflow/process.hpp"

namespace crmflow::cli {

FileText read_file_text(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    return {std::nullopt, "cannot read: is a directory"};
  std::ifstream in{path, std::ios::binary};
  if (!in) return {std::nullopt, fmt::format("cannot read: {}", std::strerror(errno))};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return {std::nullopt, fmt::format("cannot read: {}", std::strerror(errno))};
  return {text.str(), {}};
}

int run_validate(const Arguments& args) {
  bool unreadable = false;
  bool invalid = false;
  for (const std::string& path : args.positional()) {
    FileText file = read_file_text(path);
    if (!file.text) {
      fmt::print(stderr, "{}\n", Diagnostic{path, 0, 0, file.problem}.format());
      unreadable = true;
      continue;
    }
    LoadOutcome outcome = load_process(*file.text, path);
    for (const Diagnostic& d : outcome.diagnostics) fmt::print(stderr, "{}\n", d.format());
    if (!outcome.ok()) invalid = true;
  }
  if (unreadable) return kExitUsage;
  return invalid ? kExitFailed : kExitOk;
}

}  // namespace crmflow::cli
