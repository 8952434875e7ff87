// The Engine calls that change cases: task operations, cancel, retry, messages, signals and jobs.
// Each one loads the case, applies itself through a CaseRun and commits once.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "crmflow/engine.hpp"
#include "runtime/bounds.hpp"
#include "runtime/engine_impl.hpp"

namespace crmflow {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string describe(const Task& task) {
  return fmt::format("task {} (step '{}')", task.id, task.step_id);
}

// Whether `by` may act on an unassigned task: a candidate user, in a candidate group, or anyone
// known when the task names no candidates at all.
bool is_candidate(const Task& task, std::string_view by, const Directory& directory) {
  if (task.candidate_users.empty() && task.candidate_groups.empty()) return true;
  if (contains(task.candidate_users, by)) return true;
  for (const std::string& group : directory.groups_of(by)) {
    if (contains(task.candidate_groups, group)) return true;
  }
  return false;
}

Status check_user(std::string_view by, const Directory& directory, std::string_view action,
                  const Task& task) {
  if (by.empty()) {
    return not_authorized(fmt::format("{} {}: say who acts ('by')", action, describe(task)));
  }
  if (!directory.has_user(by)) {
    return not_authorized(
        fmt::format("{} {}: user '{}' is unknown to the directory", action, describe(task), by));
  }
  return {};
}

// The assignee, or a candidate while the task is unassigned.
Status may_act(const Task& task, std::string_view by, const Directory& directory,
               std::string_view action) {
  if (auto s = check_user(by, directory, action, task); !s) return s;
  if (!task.assignee.empty()) {
    if (task.assignee == by) return {};
    return not_authorized(fmt::format("{} {}: it is assigned to '{}'; only they may {} it", action,
                                      describe(task), task.assignee, action));
  }
  if (is_candidate(task, by, directory)) return {};
  return not_authorized(
      fmt::format("{} {}: user '{}' is not among its candidates", action, describe(task), by));
}

// Reports a task operation refused for want of authority to the host's log hook: who tried
// what on which task of which case, and why. Returns the status unchanged.
Status report_refusal(Status status, const LogHook& log, std::string_view action,
                      std::string_view by, TaskId task, CaseId case_id) {
  if (status || status.error().code != ErrorCode::not_authorized || !log) return status;
  LogRecord record;
  record.level = LogLevel::warning;
  record.event = "refused";
  record.case_id = case_id;
  record.message = fmt::format("refused: '{}' may not {} task {} of case {}: {}", by, action, task,
                               case_id, status.error().message);
  record.user = std::string{by};
  record.action = action;
  record.task_id = task;
  log(record);
  return status;
}

}  // namespace

// An open task and its case, ready for a run. Errors: not_found, invalid_state.
struct OpenTask {
  Task task;
  runtime::EngineCore::Loaded loaded;
};

namespace {

Result<OpenTask> open_task(Store& store, runtime::EngineCore& impl, TaskId id,
                           std::string_view action) {
  auto task = store.load_task(id);
  if (!task) return std::move(task).error();
  if (task->status != TaskStatus::open) {
    return invalid_state(
        fmt::format("{} {}: the task is {}", action, describe(*task), to_string(task->status)));
  }
  auto loaded = impl.load(task->case_id);
  if (!loaded) return std::move(loaded).error();
  if (is_final(loaded->record.status)) {
    return invalid_state(fmt::format("{} {}: its case {} is {}", action, describe(*task),
                                     task->case_id, to_string(loaded->record.status)));
  }
  return OpenTask{std::move(*task), std::move(*loaded)};
}

}  // namespace

Status Engine::complete(TaskId id, const CompleteOptions& options) {
  CaseId case_id = kNoId;
  Status done = runtime::rerun_lost_races([&](bool& raced) -> Status {
    auto open = open_task(store_, *impl_, id, "complete");
    if (!open) return std::move(open).error();
    case_id = open->task.case_id;
    if (options.admin_override) {
      // The override skips the check, never the record of who used it.
      if (options.by.empty()) {
        return not_authorized(
            fmt::format("complete {}: say who acts ('by')", describe(open->task)));
      }
    } else if (auto s = may_act(open->task, options.by, impl_->directory(), "complete"); !s) {
      return s;
    }
    const runtime::RunEnvironment env = impl_->environment(impl_->now());
    runtime::CaseRun run{*open->loaded.plan, std::move(open->loaded.record), env, false};
    if (auto s = run.complete_task(std::move(open->task), options.vars, options.by,
                                   options.admin_override);
        !s) {
      return s;
    }
    if (auto s = run.run(); !s) return s;
    return impl_->commit(run, &raced);
  });
  return report_refusal(std::move(done), options_.log, "complete", options.by, id, case_id);
}

Status Engine::may_complete(TaskId id, std::string_view by) {
  auto open = open_task(store_, *impl_, id, "complete");
  if (!open) return std::move(open).error();
  return may_act(open->task, by, impl_->directory(), "complete");
}

namespace {

Status apply_task_change(runtime::EngineCore& impl, OpenTask& open, EventType event,
                         std::string_view by, Value data, bool& raced) {
  const runtime::RunEnvironment env = impl.environment(impl.now());
  runtime::CaseRun run{*open.loaded.plan, std::move(open.loaded.record), env, false};
  if (auto s = run.update_task(std::move(open.task), event, by, std::move(data)); !s) return s;
  if (auto s = run.run(); !s) return s;
  return impl.commit(run, &raced);
}

}  // namespace

Status Engine::claim(TaskId id, std::string_view by) {
  CaseId case_id = kNoId;
  Status done = runtime::rerun_lost_races([&](bool& raced) -> Status {
    auto open = open_task(store_, *impl_, id, "claim");
    if (!open) return std::move(open).error();
    case_id = open->task.case_id;
    const Task& task = open->task;
    if (auto s = check_user(by, impl_->directory(), "claim", task); !s) return s;
    if (task.assignee == by) return {};
    if (!task.assignee.empty()) {
      return conflict(
          fmt::format("claim {}: it is already claimed by '{}'", describe(task), task.assignee));
    }
    if (!is_candidate(task, by, impl_->directory())) {
      return not_authorized(
          fmt::format("claim {}: user '{}' is not among its candidates", describe(task), by));
    }
    open->task.assignee = std::string{by};
    return apply_task_change(*impl_, *open, EventType::task_claimed, by, {}, raced);
  });
  return report_refusal(std::move(done), options_.log, "claim", by, id, case_id);
}

Status Engine::unclaim(TaskId id, std::string_view by) {
  CaseId case_id = kNoId;
  Status done = runtime::rerun_lost_races([&](bool& raced) -> Status {
    auto open = open_task(store_, *impl_, id, "unclaim");
    if (!open) return std::move(open).error();
    case_id = open->task.case_id;
    const Task& task = open->task;
    if (auto s = check_user(by, impl_->directory(), "unclaim", task); !s) return s;
    if (task.assignee.empty()) {
      return invalid_state(fmt::format("unclaim {}: nobody has claimed it", describe(task)));
    }
    if (task.assignee != by) {
      return not_authorized(
          fmt::format("unclaim {}: it is assigned to '{}'; only they may unclaim "
                      "it",
                      describe(task), task.assignee));
    }
    open->task.assignee.clear();
    return apply_task_change(*impl_, *open, EventType::task_unclaimed, by, {}, raced);
  });
  return report_refusal(std::move(done), options_.log, "unclaim", by, id, case_id);
}

Status Engine::delegate(TaskId id, std::string_view by, std::string_view to) {
  CaseId case_id = kNoId;
  Status done = runtime::rerun_lost_races([&](bool& raced) -> Status {
    auto open = open_task(store_, *impl_, id, "delegate");
    if (!open) return std::move(open).error();
    case_id = open->task.case_id;
    if (auto s = may_act(open->task, by, impl_->directory(), "delegate"); !s) return s;
    if (to.empty() || !impl_->directory().has_user(to)) {
      return invalid_input(fmt::format("delegate {}: user '{}' is unknown to the directory",
                                       describe(open->task), to));
    }
    open->task.assignee = std::string{to};
    return apply_task_change(*impl_, *open, EventType::task_delegated, by,
                             Value::Object{{"to", std::string{to}}}, raced);
  });
  return report_refusal(std::move(done), options_.log, "delegate", by, id, case_id);
}

namespace {

// A manager of one of the task's candidate groups.
Status may_reassign(const Task& task, std::string_view by, const Directory& directory) {
  if (auto s = check_user(by, directory, "reassign", task); !s) return s;
  for (const std::string& group : directory.managed_groups(by)) {
    if (contains(task.candidate_groups, group)) return {};
  }
  if (task.candidate_groups.empty()) {
    return not_authorized(fmt::format(
        "reassign {}: it is offered to no group, so no manager may reassign it", describe(task)));
  }
  return not_authorized(fmt::format("reassign {}: user '{}' manages none of its groups ({})",
                                    describe(task), by, fmt::join(task.candidate_groups, ", ")));
}

}  // namespace

Status Engine::reassign(TaskId id, const ReassignOptions& options) {
  CaseId case_id = kNoId;
  Status done = runtime::rerun_lost_races([&](bool& raced) -> Status {
    auto open = open_task(store_, *impl_, id, "reassign");
    if (!open) return std::move(open).error();
    case_id = open->task.case_id;
    if (options.admin_override) {
      if (options.by.empty()) {
        return not_authorized(
            fmt::format("reassign {}: say who acts ('by')", describe(open->task)));
      }
    } else if (auto s = may_reassign(open->task, options.by, impl_->directory()); !s) {
      return s;
    }
    if (!options.to.empty() && !impl_->directory().has_user(options.to)) {
      return invalid_input(fmt::format("reassign {}: user '{}' is unknown to the directory",
                                       describe(open->task), options.to));
    }
    if (open->task.assignee == options.to) return {};
    Value::Object data{{"from", open->task.assignee}, {"reassigned", true}};
    if (!options.to.empty()) data.emplace("to", options.to);
    if (options.admin_override) data.emplace("admin_override", true);
    open->task.assignee = options.to;
    const EventType event =
        options.to.empty() ? EventType::task_unclaimed : EventType::task_delegated;
    return apply_task_change(*impl_, *open, event, options.by, std::move(data), raced);
  });
  return report_refusal(std::move(done), options_.log, "reassign", options.by, id, case_id);
}

Status Engine::cancel(CaseId id, std::string_view reason) {
  return runtime::rerun_lost_races([&](bool& raced) -> Status {
    auto loaded = impl_->load(id);
    if (!loaded) return std::move(loaded).error();
    if (is_final(loaded->record.status)) {
      return invalid_state(
          fmt::format("cancel case {}: it is already {}", id, to_string(loaded->record.status)));
    }
    const runtime::RunEnvironment env = impl_->environment(impl_->now());
    runtime::CaseRun run{*loaded->plan, std::move(loaded->record), env, false};
    if (auto s = run.cancel(reason); !s) return s;
    if (auto s = run.run(); !s) return s;
    return impl_->commit(run, &raced);
  });
}

Status Engine::retry(CaseId id, std::string_view step_id, const Value& vars) {
  return runtime::rerun_lost_races([&](bool& raced) -> Status {
    auto loaded = impl_->load(id);
    if (!loaded) return std::move(loaded).error();
    const auto step = loaded->plan->definition->find_step(step_id);
    if (!step) {
      return not_found(fmt::format("retry case {}: process '{}' has no step '{}'", id,
                                   loaded->record.process_id, step_id));
    }
    if (is_final(loaded->record.status)) {
      return invalid_state(
          fmt::format("retry case {}: it is {}", id, to_string(loaded->record.status)));
    }
    const runtime::RunEnvironment env = impl_->environment(impl_->now());
    runtime::CaseRun run{*loaded->plan, std::move(loaded->record), env, false};
    if (auto s = run.retry(*step, vars); !s) return s;
    if (auto s = run.run(); !s) return s;
    return impl_->commit(run, &raced);
  });
}

namespace {

// The bounds on an event's variables (EngineLimits), before anything is delivered: their depth
// and size, and the size of the variables of every case they reach once merged, so that a
// refusal reaches no case. Errors: invalid_input naming the event and the case.
Status check_event(Store& store, const std::vector<Subscription>& subs, const Value& vars,
                   const EngineLimits& limits, std::string_view what) {
  if (auto s = runtime::check_submitted(vars, vars, limits, what); !s) return s;
  if (!vars.is_object() || vars.size() == 0) return {};
  CaseId last = kNoId;
  for (const Subscription& sub : subs) {
    if (sub.case_id == last) continue;
    last = sub.case_id;
    auto record = store.load_case(sub.case_id);
    if (!record) {
      if (record.error().code == ErrorCode::not_found) continue;  // gone: reaches nothing
      return std::move(record).error();
    }
    Value merged = record->variables;
    for (const auto& [name, value] : vars.as_object()) merged.set(name, value);
    if (auto problem = runtime::check_variables_size(
            merged, limits, fmt::format("{} to case {}", what, sub.case_id))) {
      return invalid_input(std::move(*problem));
    }
  }
  return {};
}

// Delivers to every subscription found, one commit per case (its waits in token order).
Result<std::vector<CaseId>> deliver(runtime::EngineCore& impl,
                                    const std::vector<Subscription>& subs, const Value& vars) {
  std::vector<CaseId> reached;
  for (std::size_t first = 0; first < subs.size();) {
    const CaseId case_id = subs[first].case_id;
    std::size_t last = first;
    while (last < subs.size() && subs[last].case_id == case_id) ++last;
    // A case changed by another call meanwhile is loaded again; a wait that is gone by then
    // (the other call ended it) receives nothing.
    auto delivered = runtime::rerun_lost_races([&](bool& raced) -> Result<bool> {
      auto loaded = impl.load(case_id);
      if (!loaded) return std::move(loaded).error();
      const runtime::RunEnvironment env = impl.environment(impl.now());
      runtime::CaseRun run{*loaded->plan, std::move(loaded->record), env, false};
      bool any = false;
      for (std::size_t i = first; i < last; ++i) {
        auto received = run.receive(subs[i], vars);
        if (!received) return std::move(received).error();
        any = any || *received;
      }
      if (!any) return false;
      if (auto s = run.run(); !s) return std::move(s).error();
      if (auto s = impl.commit(run, &raced); !s) return std::move(s).error();
      return true;
    });
    if (!delivered) return std::move(delivered).error();
    if (*delivered) reached.push_back(case_id);
    first = last;
  }
  return reached;
}

}  // namespace

Result<std::vector<CaseId>> Engine::correlate(std::string_view name, std::string_view key,
                                              const Value& vars) {
  if (!vars.is_null() && !vars.is_object()) {
    return invalid_input(fmt::format("message '{}': the variables must be an object", name));
  }
  auto subs = store_.subscriptions(SubscriptionKind::message, name, key);
  if (!subs) return std::move(subs).error();
  if (auto s = check_event(store_, *subs, vars, options_.limits, fmt::format("message '{}'", name));
      !s) {
    return std::move(s).error();
  }
  auto reached = deliver(*impl_, *subs, vars);
  if (!reached) return reached;
  if (!reached->empty()) return reached;
  // Nobody waits: each process whose latest version has this message trigger starts a case,
  // with the message's key as the business key and its variables as the start variables.
  auto definitions = store_.latest_definitions();
  if (!definitions) return std::move(definitions).error();
  for (const DefinitionRecord& d : *definitions) {
    auto plan = impl_->plan(d.process_id, d.version);
    if (!plan) return std::move(plan).error();
    const auto& triggers = (*plan)->definition->triggers;
    const bool triggered = std::any_of(triggers.begin(), triggers.end(), [&](const auto& t) {
      return t.kind == model::TriggerKind::message && t.message == name;
    });
    if (!triggered) continue;
    StartOptions options;
    options.key = std::string{key};
    options.vars = vars;
    auto started = impl_->start_case(**plan, options);
    if (!started) return std::move(started).error();
    reached->push_back(*started);
  }
  if (reached->empty()) {
    return not_found(
        fmt::format("no case waits for message '{}' with key '{}', and no process "
                    "starts on it",
                    name, key));
  }
  return reached;
}

Result<std::vector<CaseId>> Engine::signal(std::string_view name, const Value& vars) {
  if (!vars.is_null() && !vars.is_object()) {
    return invalid_input(fmt::format("signal '{}': the variables must be an object", name));
  }
  auto subs = store_.subscriptions(SubscriptionKind::signal, name, {});
  if (!subs) return std::move(subs).error();
  if (auto s = check_event(store_, *subs, vars, options_.limits, fmt::format("signal '{}'", name));
      !s) {
    return std::move(s).error();
  }
  return deliver(*impl_, *subs, vars);
}

}  // namespace crmflow
