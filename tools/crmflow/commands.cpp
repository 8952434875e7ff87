#include "commands.hpp"

#include <fmt/core.h>

namespace crmflow::cli {
namespace {

// Commands land here as the library grows; each names its options as spec/cli.md gives them.
const std::vector<CommandSpec>& specs() {
  static const std::vector<CommandSpec> kSpecs = {};
  return kSpecs;
}

}  // namespace

std::span<const CommandSpec> command_specs() { return specs(); }

int run_command(const Arguments& args) {
  fmt::print(stderr, "crmflow: usage: command '{}' is not available yet\n", args.command());
  return kExitUsage;
}

void print_help(std::FILE* out) {
  fmt::print(out, "crmflow {}: business processes for CRM work\n\nusage: crmflow COMMAND [ARGS...]\n",
             kVersion);
  for (const auto& spec : command_specs()) fmt::print(out, "  {}\n", spec.usage);
}

}  // namespace crmflow::cli
