// crmflow::scenario: one scenario run on a fresh engine with fakes (spec/scenario-format.md).
//
//   ScenarioRun run{file};
//   std::string failure = run.run(file.scenarios[0]);   // "" when it passed
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crmflow/clock.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/notification.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scratch_store.hpp"

namespace crmflow::scenario {

// "refused with CODE: MESSAGE": how an error the engine returned is named in failures.
std::string refused_text(const Error& error);

class ScenarioRun {
 public:
  // REQUIRES: `file` outlives the run.
  explicit ScenarioRun(const ScenarioFile& file);

  // Runs the scenario's actions in order and returns "" when all passed, or the first failure:
  // "line N: ACTION: what differed".
  std::string run(const Scenario& scenario);

 private:
  // An action's outcome: ok, refused with an Error (the engine's, or not_found for a step with
  // no open task), or a failure of the scenario itself (it cannot go on).
  struct Outcome {
    Status status;
    std::string failure;
  };

  Outcome setup();
  // Makes the engine over the store, with the scenario's fake handlers.
  void start_engine();
  // `restart: true`: drops the engine, reopens the store and starts a new engine over it.
  Outcome restart();
  Outcome apply(const Action& action);
  Outcome act_on_task(const Action& action);
  // The nearest case that `caller` started through `call` steps (directly or further down) with
  // an open task at `step`, or nullopt.
  Result<std::optional<CaseId>> called_case_with_task(CaseId caller, const std::string& step);
  // The case the action names (`case:`), or the one most recently started.
  Result<CaseId> case_of(const Action& action) const;
  // Fires every job due up to `until`, in time order, moving the clock to each due moment.
  std::string fire_until(Instant until);
  // What the engine holds, for checking that a refused action changed nothing.
  std::string snapshot();

  // expectations.cpp: "" when every field holds, else what differed.
  std::string check(const Action& action);
  std::string check_case_fields(const Expectation& expect, CaseId id);
  std::string check_tasks(const std::vector<ExpectedTask>& expected, CaseId id);
  std::string check_sent(const std::vector<ExpectedNotification>& expected);

  const ScenarioFile& file_;
  ManualClock clock_;
  // The scenario's store; null when it could not be opened (setup() reports why).
  std::unique_ptr<ScratchStore> store_;
  Error store_error_{};
  MemoryDirectory directory_;
  RecordingNotifier notifier_;
  std::unique_ptr<Engine> engine_;
  std::map<std::string, CaseId, std::less<>> cases_;  // alias -> case
  std::optional<std::string> last_;                   // the alias of the last start
};

}  // namespace crmflow::scenario
