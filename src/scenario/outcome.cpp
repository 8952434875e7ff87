// The public face of the scenario runner (include/crmflow/scenario.hpp).
#include <algorithm>

#include "crmflow/scenario.hpp"
#include "scenario/read_scenario.hpp"
#include "scenario/scenario_run.hpp"

namespace crmflow {
namespace {

ScenarioFileOutcome run_read(std::optional<scenario::ScenarioFile> file,
                             std::vector<Diagnostic> problems, const std::string& name,
                             ScenarioStore store) {
  ScenarioFileOutcome outcome;
  outcome.file = name;
  outcome.diagnostics = std::move(problems);
  if (!file) return outcome;
  if (store != ScenarioStore::as_file) file->sqlite = store == ScenarioStore::sqlite;
  for (const scenario::Scenario& s : file->scenarios) {
    std::string failure = scenario::ScenarioRun{*file}.run(s);
    outcome.scenarios.push_back(ScenarioOutcome{s.name, failure.empty(), std::move(failure)});
  }
  return outcome;
}

}  // namespace

std::string ScenarioOutcome::line() const {
  return passed ? "PASS " + name : "FAIL " + name + ": " + failure;
}

std::size_t ScenarioFileOutcome::passed() const {
  return static_cast<std::size_t>(
      std::count_if(scenarios.begin(), scenarios.end(), [](const auto& s) { return s.passed; }));
}

std::size_t ScenarioFileOutcome::failed() const { return scenarios.size() - passed(); }

int ScenarioFileOutcome::exit_code() const {
  if (!diagnostics.empty()) return 2;
  return failed() > 0 ? 1 : 0;
}

ScenarioFileOutcome run_scenario_file(const std::string& path, ScenarioStore store) {
  std::vector<Diagnostic> problems;
  std::optional<scenario::ScenarioFile> file = scenario::read_scenario_file(path, problems);
  return run_read(std::move(file), std::move(problems), path, store);
}

ScenarioFileOutcome run_scenario_text(std::string_view text, const std::string& file_name,
                                      ScenarioStore store) {
  std::vector<Diagnostic> problems;
  std::optional<scenario::ScenarioFile> file = scenario::read_scenario(text, file_name, problems);
  return run_read(std::move(file), std::move(problems), file_name, store);
}

}  // namespace crmflow
