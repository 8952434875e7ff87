// `crmflow test FILE... [--store memory|sqlite]` (spec/cli.md; --store is ours, docs/scenarios.md):
// runs scenario files and prints one line per scenario, then `N passed, N failed`. Problems in a
// file go to stderr as FILE:LINE:COL diagnostics.
#include <fmt/core.h>

#include <algorithm>

#include "commands.hpp"
#include "crmflow/scenario.hpp"

namespace crmflow::cli {

// Returns 0 when every scenario passed, 1 when any failed, 2 when a file could not be read or
// parsed or names an invalid process; with several files the highest code wins.
int run_test(const Arguments& args) {
  ScenarioStore store = ScenarioStore::as_file;
  if (auto chosen = args.get("store")) {
    if (*chosen == "memory") {
      store = ScenarioStore::memory;
    } else if (*chosen == "sqlite") {
      store = ScenarioStore::sqlite;
    } else {
      fmt::print(stderr, "crmflow: usage: --store must be memory or sqlite, not '{}'\n", *chosen);
      return kExitUsage;
    }
  }
  int exit_code = kExitOk;
  std::size_t passed = 0;
  std::size_t failed = 0;
  for (const std::string& path : args.positional()) {
    const ScenarioFileOutcome outcome = run_scenario_file(path, store);
    for (const Diagnostic& d : outcome.diagnostics) fmt::print(stderr, "{}\n", d.format());
    for (const ScenarioOutcome& scenario : outcome.scenarios) {
      fmt::print("{}\n", scenario.line());
    }
    passed += outcome.passed();
    failed += outcome.failed();
    exit_code = std::max(exit_code, outcome.exit_code());
  }
  fmt::print("{} passed, {} failed\n", passed, failed);
  return exit_code;
}

}  // namespace crmflow::cli
