// Placeholders for the commands that change cases, until each has its own file.
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
int run_deploy(const Arguments& args) { return not_yet(args); }
int run_start(const Arguments& args) { return not_yet(args); }
int run_claim(const Arguments& args) { return not_yet(args); }
int run_unclaim(const Arguments& args) { return not_yet(args); }
int run_delegate(const Arguments& args) { return not_yet(args); }
int run_complete(const Arguments& args) { return not_yet(args); }
int run_message(const Arguments& args) { return not_yet(args); }
int run_signal(const Arguments& args) { return not_yet(args); }
int run_cancel(const Arguments& args) { return not_yet(args); }
int run_retry(const Arguments& args) { return not_yet(args); }
int run_tick(const Arguments& args) { return not_yet(args); }
}  // namespace crmflow::cli
