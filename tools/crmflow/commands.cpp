#include "commands.hpp"

#include <fmt/core.h>

#include "check_commands.hpp"

namespace crmflow::cli {
namespace {

// Commands land here as the library grows; each names its options as spec/cli.md gives them.
const std::vector<CommandSpec>& specs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"validate", "crmflow validate FILE...", 1, kUnbounded, {}},
      {"graph", "crmflow graph FILE [--format dot|svg|mermaid] [--db PATH --case ID]", 1, 1,
       {{"format", true, false}, {"case", true, false}}},
      {"test", "crmflow test FILE...", 1, kUnbounded, {}},
  };
  return kSpecs;
}

}  // namespace

std::span<const CommandSpec> command_specs() { return specs(); }

int run_command(const Arguments& args) {
  if (args.command() == "validate") return run_validate(args);
  if (args.command() == "graph") return run_graph(args);
  if (args.command() == "test") return run_test(args);
  fmt::print(stderr, "crmflow: usage: command '{}' is not available yet\n", args.command());
  return kExitUsage;
}

void print_help(std::FILE* out) {
  fmt::print(out, "crmflow {}: business processes for CRM work\n\nusage: crmflow COMMAND [ARGS...]\n",
             kVersion);
  for (const auto& spec : command_specs()) fmt::print(out, "  {}\n", spec.usage);
}

}  // namespace crmflow::cli
