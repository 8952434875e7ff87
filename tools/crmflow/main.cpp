// crmflow: the command-line runner (spec/cli.md). A host application like any other: it uses the
// public API only. Exit codes: 0 success, 1 a refused or failed command, 2 bad usage.
#include <cstdio>
#include <string_view>
#include <vector>

#include <fmt/core.h>

#include "arguments.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace crmflow::cli;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.size() == 1 && (args[0] == "--version" || args[0] == "version")) {
    fmt::print("crmflow {}\n", kVersion);
    return 0;
  }
  auto parsed = Arguments::parse(args, command_specs());
  if (!parsed) {
    fmt::print(stderr, "crmflow: usage: {}\n", parsed.error().message);
    return kExitUsage;
  }
  if (parsed->command().empty()) {
    print_help(parsed->has("help") ? stdout : stderr);
    return parsed->has("help") ? 0 : kExitUsage;
  }
  return run_command(*parsed);
}
