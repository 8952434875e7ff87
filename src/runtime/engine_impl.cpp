#include "runtime/engine_impl.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "store/case_state.hpp"

namespace crmflow::runtime {

Result<std::shared_ptr<const ProcessPlan>> EngineCore::plan(std::string_view process_id,
                                                            std::int64_t version) {
  {
    std::lock_guard lock{mutex_};
    auto found = plans_.find(std::pair{std::string{process_id}, version});
    if (found != plans_.end()) return found->second;
  }
  auto record = store_.definition(process_id, version);
  if (!record) return std::move(record).error();
  if (!record->has_value()) {
    return not_found(fmt::format("process '{}' has no deployed version {}", process_id, version));
  }
  std::shared_ptr<const Process> process = (*record)->process;
  if (process == nullptr) {
    // A record read from disk: load the definition again from its canonical text.
    LoadOutcome outcome =
        load_process((*record)->canonical, fmt::format("{} version {}", process_id, version),
                     LoadOptions{.calendars = std::nullopt, .limits = options_.definition_limits});
    if (!outcome.ok()) {
      return internal_error(fmt::format(
          "process '{}' version {} is stored but no longer loads: {}", process_id, version,
          outcome.diagnostics.empty() ? std::string{"unknown error"}
                                      : outcome.diagnostics.front().format()));
    }
    process = outcome.process;
  }
  auto made = runtime::make_plan(std::move(process), version);
  remember(made);
  return made;
}

void EngineCore::remember(std::shared_ptr<const ProcessPlan> plan) {
  std::lock_guard lock{mutex_};
  plans_[std::pair{plan->process->id(), plan->version}] = std::move(plan);
}

Result<std::shared_ptr<const ProcessPlan>> EngineCore::plan_for_call(
    std::string_view process, std::optional<std::int64_t> version) {
  if (version) return plan(process, *version);
  auto latest = store_.latest_definition(process);
  if (!latest) return std::move(latest).error();
  if (!latest->has_value()) {
    return not_found(fmt::format("no process '{}' is deployed", process));
  }
  return plan(process, (*latest)->version);
}

Status EngineCore::resume_caller(CaseChange& change, const RunEnvironment& env) {
  const CaseRecord& child = change.record;
  if (child.parent_case == kNoId || !is_final(child.status)) return {};
  // Only the call that ended the child resumes the caller.
  const bool ended_now =
      std::any_of(change.history.begin(), change.history.end(), [](const HistoryEvent& e) {
        return e.event == EventType::case_completed || e.event == EventType::case_terminated ||
               e.event == EventType::case_cancelled;
      });
  if (!ended_now) return {};
  // The caller may already be in this change (it cancelled the child): nothing to resume then.
  for (const CaseChange& c : change.linked) {
    if (c.record.id == child.parent_case) return {};
  }
  auto loaded = load(child.parent_case);
  if (!loaded) {
    if (loaded.error().code == ErrorCode::not_found) return {};
    return std::move(loaded).error();
  }
  if (is_final(loaded->record.status)) return {};
  CaseRun caller{*loaded->plan, std::move(loaded->record), env, /*is_new=*/false};
  auto resumed = caller.finish_call(child);
  if (!resumed) return std::move(resumed).error();
  if (!*resumed) return {};
  if (auto s = caller.run(); !s) return s;
  CaseChange up = caller.take_change();
  if (auto s = resume_caller(up, env); !s) return s;
  std::vector<CaseChange> nested = std::move(up.linked);
  up.linked.clear();
  change.linked.push_back(std::move(up));
  for (CaseChange& c : nested) change.linked.push_back(std::move(c));
  return {};
}

Status EngineCore::commit(CaseRun& run, bool* raced) {
  return commit_change(run.take_change(), run.environment(), raced);
}

Status EngineCore::commit_change(CaseChange change, const RunEnvironment& env, bool* raced) {
  if (auto s = resume_caller(change, env); !s) return s;
  if (auto s = store_.commit(change); !s) {
    if (raced != nullptr && s.error().code == ErrorCode::conflict) *raced = true;
    return s;
  }
  if (options_.notifier != nullptr) {
    for (const Notification& n : change.outbox) options_.notifier->queued(n);
    for (const CaseChange& c : change.linked) {
      for (const Notification& n : c.outbox) options_.notifier->queued(n);
    }
  }
  return {};
}

Result<EngineCore::Loaded> EngineCore::load(CaseId id) {
  auto record = store_.load_case(id);
  if (!record) return std::move(record).error();
  auto found = plan(record->process_id, record->version);
  if (!found) return std::move(found).error();
  return Loaded{std::move(*record), std::move(*found)};
}

Case case_view(const CaseRecord& record, const ProcessPlan& plan) {
  const model::Definition& d = *plan.definition;
  Case c;
  c.id = record.id;
  c.process_id = record.process_id;
  c.version = record.version;
  c.key = record.key;
  c.status = record.status;
  c.progress = record.progress;
  c.initiator = record.initiator;
  c.started_at = record.started_at;
  c.ended_at = record.ended_at;
  c.variables = record.variables;
  c.parent = record.parent_case;
  if (record.state) {
    const CaseState& state = *record.state;
    for (const Token& t : state.tokens) c.active.push_back(d.steps[t.step].id);
    for (const JoinState& j : state.joins) c.active.push_back(d.steps[j.step].id);
    std::sort(c.active.begin(), c.active.end());
    c.active.erase(std::unique(c.active.begin(), c.active.end()), c.active.end());
    c.path.reserve(state.path.size());
    for (std::uint32_t step : state.path) c.path.push_back(d.steps[step].id);
    for (const IncidentState& i : state.incidents) {
      c.incidents.push_back(Incident{d.steps[i.step].id, i.message, i.at});
    }
  }
  return c;
}

}  // namespace crmflow::runtime
