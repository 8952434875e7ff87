// crmflow: running scenario files (spec/scenario-format.md), the YAML tests of process
// definitions that `crmflow test` runs and the Python binding exposes.
//
//   crmflow::ScenarioFileOutcome outcome =
//   crmflow::run_scenario_file("tests/scenarios/repair.yaml"); for (const auto& d :
//   outcome.diagnostics) std::cerr << d.format() << '\n'; for (const auto& s : outcome.scenarios)
//   std::cout << s.line() << '\n';  // "PASS name" return outcome.exit_code();
//
// Each scenario runs on a fresh engine: a manual clock at the file's `clock`, a fresh memory
// store, the file's `users` as the directory, its fake `handlers` (failures counted per job), and
// a notifier that records what was sent. After every action everything due at the clock is fired.
//
// Thread safety: the functions are independent of each other and keep no state; several files
// may run at once on different threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crmflow/diagnostic.hpp"

namespace crmflow {

// How one scenario went.
struct ScenarioOutcome {
  std::string name;
  bool passed = false;
  // Why it failed: the action (with its line in the file) and what differed, expected against
  // actual. Empty when it passed.
  std::string failure;

  // "PASS name" or "FAIL name: failure", the line `crmflow test` prints.
  std::string line() const;
};

// How one file went.
struct ScenarioFileOutcome {
  std::string file;
  // Every problem found in the file (and in the process files it names), as
  // FILE:LINE:COL diagnostics. When there is any, no scenario was run.
  std::vector<Diagnostic> diagnostics;
  // One per scenario of the file, in the file's order.
  std::vector<ScenarioOutcome> scenarios;

  std::size_t passed() const;
  std::size_t failed() const;
  // 0 when every scenario passed; 1 when any failed; 2 when the file could not be read or
  // parsed, or a process in it is invalid (the spec's exit codes).
  int exit_code() const;
};

// Where the scenarios run: as each file says (`store:`, default memory), or every file on one
// kind of store (`crmflow test --store sqlite` runs the conformance scenarios through
// SqliteStore, each scenario on a temporary database file of its own).
enum class ScenarioStore { as_file, memory, sqlite };

// Reads the file at `path`, checks it, and runs every scenario in it. Relative paths in the file
// are taken from the file's folder.
ScenarioFileOutcome run_scenario_file(const std::string& path,
                                      ScenarioStore store = ScenarioStore::as_file);

// As run_scenario_file for a text; `file_name` names it in messages and its folder is where
// relative paths start.
ScenarioFileOutcome run_scenario_text(std::string_view text, const std::string& file_name,
                                      ScenarioStore store = ScenarioStore::as_file);

}  // namespace crmflow
