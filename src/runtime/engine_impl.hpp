// EngineCore: what the public Engine methods share: the plan cache, the environment of a call,
// and the one way a run's change reaches the store.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "crmflow/engine.hpp"
#include "runtime/case_run.hpp"
#include "runtime/plan.hpp"

namespace crmflow::runtime {

class EngineCore {
 public:
  EngineCore(Store& store, const EngineOptions& options) : store_(store), options_(options) {}

  Instant now() const { return options_.clock->now(); }
  const Directory& directory() const {
    return options_.directory != nullptr ? *options_.directory : empty_directory_;
  }
  RunEnvironment environment(Instant now) {
    RunEnvironment env{store_, directory(), now, options_.limits, options_.calendars};
    env.plan_of = [this](std::string_view process, std::optional<std::int64_t> version) {
      return plan_for_call(process, version);
    };
    return env;
  }
  // The plan of `process` at `version`, or its latest deployed version. Errors: not_found.
  Result<std::shared_ptr<const ProcessPlan>> plan_for_call(std::string_view process,
                                                           std::optional<std::int64_t> version);

  // The plan of a deployed version (cached). Errors: not_found, the store's.
  Result<std::shared_ptr<const ProcessPlan>> plan(std::string_view process_id,
                                                  std::int64_t version);
  // Remembers the plan of a version just deployed.
  void remember(std::shared_ptr<const ProcessPlan> plan);

  // Commits what the run changed and hands its notifications to the notifier. A called case
  // that ended in the run resumes its caller (and so on upwards) in the same transaction.
  // `raced` (when given) is set when the store refused the commit because another call changed
  // one of the cases meanwhile (`conflict`): the caller may run the call again on the new state.
  Status commit(CaseRun& run, bool* raced = nullptr);

  // A trigger occurrence that starts a case: the job that fired, and the job of the next
  // occurrence (none when the schedule has ended). Both ride on the new case's commit.
  struct TriggerFiring {
    const JobRecord* job = nullptr;
    model::TriggerKind kind = model::TriggerKind::cycle;
    std::optional<JobRecord> next{};
  };

  // Starts a case of `plan` (variables checked) and runs it until it waits. With `firing`, the
  // case is started by that trigger occurrence: its case_started event records the trigger
  // ({"trigger": "cycle"|"cron", "occurrence": n}), and the same commit removes the fired job
  // and adds the next one.
  Result<CaseId> start_case(const ProcessPlan& plan, const StartOptions& options,
                            const TriggerFiring* firing = nullptr);

  // Loads a case and its plan. Errors: not_found, the store's.
  struct Loaded {
    CaseRecord record;
    std::shared_ptr<const ProcessPlan> plan;
  };
  Result<Loaded> load(CaseId id);

 private:
  // When `change` ends a called case: runs its caller's `call` step on, adding the caller's
  // change (and its callers', recursively) to change.linked.
  Status resume_caller(CaseChange& change, const RunEnvironment& env);
  // EngineCore::commit after the change is taken from its run.
  Status commit_change(CaseChange change, const RunEnvironment& env, bool* raced);

  Store& store_;
  const EngineOptions& options_;
  MemoryDirectory empty_directory_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::int64_t>, std::shared_ptr<const ProcessPlan>, std::less<>>
      plans_;
};

// How often a call whose commit lost a race with another call on the same case is run again
// on the case as the winner left it, before `conflict` reaches the caller. The second run sees
// what the winner did: a task completed meanwhile is then `invalid_state`, as if the calls had
// come one after the other.
inline constexpr int kRaceAttempts = 8;

// Runs `attempt(raced)` until it succeeds, fails other than by a lost race, or kRaceAttempts
// runs have lost. `attempt` sets `raced` through EngineCore::commit.
template <typename Attempt>
auto rerun_lost_races(Attempt&& attempt) {
  for (int run = 1;; ++run) {
    bool raced = false;
    auto outcome = attempt(raced);
    if (outcome || !raced || run == kRaceAttempts) return outcome;
  }
}

// Case as the API reports it: the record with where its tokens stand.
Case case_view(const CaseRecord& record, const ProcessPlan& plan);

}  // namespace crmflow::runtime
