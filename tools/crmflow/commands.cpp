#include "commands.hpp"

#include <fmt/core.h>

#include <utility>

#include "check_commands.hpp"
#include "store_commands.hpp"

namespace crmflow::cli {
namespace {

// Commands land here as the library grows; each names its options as spec/cli.md gives them.
const std::vector<CommandSpec>& specs() {
  static const std::vector<CommandSpec> kSpecs = {
      {"validate", "crmflow validate FILE...", 1, kUnbounded, {}},
      {"graph", "crmflow graph FILE [--format dot|svg|mermaid] [--db PATH --case ID]", 1, 1,
       {{"format", true, false}, {"case", true, false}}},
      {"test", "crmflow test FILE... [--store memory|sqlite]", 1, kUnbounded,
       {{"store", true, false}}},
      {"deploy", "crmflow deploy FILE...", 1, kUnbounded, {}},
      {"start",
       "crmflow start PROCESS [--key K] [--by U] [--version N] [--var NAME=VALUE]... "
       "[--vars-file F.yaml]",
       1, 1,
       {{"key", true, false},
        {"by", true, false},
        {"version", true, false},
        {"var", true, true},
        {"vars-file", true, false}}},
      {"tasks",
       "crmflow tasks [--user U] [--group G] [--manager M] [--case ID] [--overdue] [--limit N] "
       "[--offset N]",
       0, 0,
       {{"user", true, false},
        {"group", true, false},
        {"manager", true, false},
        {"case", true, false},
        {"overdue", false, false},
        {"limit", true, false},
        {"offset", true, false}}},
      {"claim", "crmflow claim TASK --by U", 1, 1, {{"by", true, false}}},
      {"unclaim", "crmflow unclaim TASK --by U", 1, 1, {{"by", true, false}}},
      {"delegate", "crmflow delegate TASK --by U --to V", 1, 1,
       {{"by", true, false}, {"to", true, false}}},
      {"reassign", "crmflow reassign TASK --by MANAGER [--to U]", 1, 1,
       {{"by", true, false}, {"to", true, false}}},
      {"complete", "crmflow complete TASK --by U [--var NAME=VALUE]...", 1, 1,
       {{"by", true, false}, {"var", true, true}, {"vars-file", true, false}}},
      {"message", "crmflow message NAME [--key K] [--var NAME=VALUE]...", 1, 1,
       {{"key", true, false}, {"var", true, true}, {"vars-file", true, false}}},
      {"signal", "crmflow signal NAME [--var NAME=VALUE]...", 1, 1,
       {{"var", true, true}, {"vars-file", true, false}}},
      {"cancel", "crmflow cancel CASE [--reason TEXT]", 1, 1, {{"reason", true, false}}},
      {"retry", "crmflow retry CASE STEP [--var NAME=VALUE]...", 2, 2,
       {{"var", true, true}, {"vars-file", true, false}}},
      {"tick", "crmflow tick [--now DATETIME]", 0, 0, {{"now", true, false}}},
      {"run", "crmflow run [--workers N]", 0, 0, {{"workers", true, false}}},
      {"cases", "crmflow cases [--process P] [--status S] [--key K]", 0, 0,
       {{"process", true, false},
        {"status", true, false},
        {"key", true, false},
        {"limit", true, false},
        {"offset", true, false}}},
      {"show", "crmflow show CASE", 1, 1, {}},
      {"history", "crmflow history CASE", 1, 1, {}},
      {"report", "crmflow report [--process P] [--since DATETIME]", 0, 0,
       {{"process", true, false}, {"since", true, false}}},
      {"archive",
       "crmflow archive (--ended-before DATETIME | --older-than DURATION) --to FILE.jsonl "
       "[--limit N]",
       0, 0,
       {{"ended-before", true, false},
        {"older-than", true, false},
        {"to", true, false},
        {"limit", true, false}}},
  };
  return kSpecs;
}

}  // namespace

std::span<const CommandSpec> command_specs() { return specs(); }

int run_command(const Arguments& args) {
  if (args.command() == "validate") return run_validate(args);
  if (args.command() == "graph") return run_graph(args);
  if (args.command() == "test") return run_test(args);
  using Runner = int (*)(const Arguments&);
  static const std::pair<std::string_view, Runner> kStoreCommands[] = {
      {"deploy", run_deploy},   {"start", run_start},     {"tasks", run_tasks},
      {"claim", run_claim},     {"unclaim", run_unclaim}, {"delegate", run_delegate},
      {"reassign", run_reassign},
      {"complete", run_complete}, {"message", run_message}, {"signal", run_signal},
      {"cancel", run_cancel},   {"retry", run_retry},     {"tick", run_tick},
      {"run", run_run},
      {"cases", run_cases},     {"show", run_show},       {"history", run_history},
      {"report", run_report},   {"archive", run_archive},
  };
  for (const auto& [name, runner] : kStoreCommands) {
    if (args.command() == name) return runner(args);
  }
  fmt::print(stderr, "crmflow: usage: command '{}' is not available yet\n", args.command());
  return kExitUsage;
}

void print_help(std::FILE* out) {
  fmt::print(out, "crmflow {}: business processes for CRM work\n\nusage: crmflow COMMAND [ARGS...]\n",
             kVersion);
  for (const auto& spec : command_specs()) fmt::print(out, "  {}\n", spec.usage);
}

}  // namespace crmflow::cli
