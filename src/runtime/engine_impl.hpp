// EngineCore: what the public Engine methods share: the plan cache, the environment of a call,
// and the one way a run's change reaches the store.
#pragma once

#include <map>
#include <memory>
#include <mutex>
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
    RunEnvironment env{store_, directory(), now, options_.limits};
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
  Status commit(CaseRun& run);

  // Starts a case of `plan` (variables checked) and runs it until it waits.
  Result<CaseId> start_case(const ProcessPlan& plan, const StartOptions& options);

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

  Store& store_;
  const EngineOptions& options_;
  MemoryDirectory empty_directory_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::int64_t>, std::shared_ptr<const ProcessPlan>, std::less<>>
      plans_;
};

// Case as the API reports it: the record with where its tokens stand.
Case case_view(const CaseRecord& record, const ProcessPlan& plan);

}  // namespace crmflow::runtime
