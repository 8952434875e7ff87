// Placeholders for the commands that read cases, until each has its own file.
#include <fmt/core.h>

#include "commands.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {
namespace {
int not_yet(const Arguments& args) {
  fmt::print(stderr, "crmflow: usage: command '{}' is not available yet\n", args.command());
  return kExitUsage;
}
}  // namespace
int run_tasks(const Arguments& args) { return not_yet(args); }
int run_cases(const Arguments& args) { return not_yet(args); }
int run_show(const Arguments& args) { return not_yet(args); }
int run_history(const Arguments& args) { return not_yet(args); }
int run_report(const Arguments& args) { return not_yet(args); }
}  // namespace crmflow::cli
