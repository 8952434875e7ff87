// User tasks: creating them when a token enters a `user` step, completing and changing them.
#include <fmt/format.h>

#include <algorithm>

#include "runtime/bounds.hpp"
#include "runtime/case_run.hpp"
#include "runtime/variables.hpp"

namespace crmflow::runtime {

using model::Step;
using model::StepIndex;

namespace {

void add_unique(std::vector<std::string>& list, std::string item) {
  if (item.empty() || std::find(list.begin(), list.end(), item) != list.end()) return;
  list.push_back(std::move(item));
}

}  // namespace

Status CaseRun::create_task(Token token, const Step& step) {
  const auto& user = std::get<model::UserTask>(step.detail);
  auto id = env_.store.allocate_id(IdKind::task_id);
  if (!id) return id.status();
  Task task;
  task.id = *id;
  task.case_id = record_.id;
  task.process_id = record_.process_id;
  task.step_id = step.id;
  task.priority = user.priority;
  task.created_at = env_.now;
  task.token = token.id;
  // Every text is rendered before anything is recorded, so a failing one leaves no half task.
  auto fail = [&](std::string_view field, const Error& error) {
    raise_incident(
        token, IncidentState::Phase::enter,
        fmt::format("step '{}': rendering {} failed: {}", step.id, field, error.message));
    return Status{};
  };
  auto fail_due = [&](const Error& error) {
    raise_incident(
        token, IncidentState::Phase::enter,
        fmt::format("step '{}': the due moment cannot be computed: {}", step.id, error.message));
    return Status{};
  };
  if (step.name_template) {
    auto name = render(*step.name_template);
    if (!name) return fail("the name", name.error());
    task.name = std::move(*name);
  } else {
    task.name = step.name;
  }
  if (user.assignee) {
    auto assignee = render(*user.assignee);
    if (!assignee) return fail("the assignee", assignee.error());
    task.assignee = std::move(*assignee);
  }
  for (const auto& candidate : user.candidate_users) {
    auto name = render(*candidate);
    if (!name) return fail("a candidate user", name.error());
    add_unique(task.candidate_users, std::move(*name));
  }
  for (const auto& candidate : user.candidate_groups) {
    auto name = render(*candidate);
    if (!name) return fail("a candidate group", name.error());
    add_unique(task.candidate_groups, std::move(*name));
  }
  if (user.due.after) {
    // A duration counts business time in the process calendar (spec: "Calendars").
    if (!task_time()) return fail_due(task_time().error());
    auto due = task_time()->add(env_.now, *user.due.after);
    if (!due) return fail_due(due.error());
    task.due = *due;
  } else if (user.due.at) {
    model::ValueSource source;
    source.expression = user.due.at;
    auto value = evaluate(source);
    if (!value) return fail("the due moment", value.error());
    auto due = moment_of(*value, zone_, "`due`");
    if (!due) return fail_due(due.error());
    task.due = *due;
  }
  token.wait = WaitKind::task;
  token.ref = task.id;
  park(token);
  event(EventType::task_created, token.step, task.id);
  if (!step.notify.empty()) notify(step, model::NotifyOn::enter, &task);
  if (auto s = start_alarms(token, step, task); !s) return s;
  change_.tasks.push_back(std::move(task));
  return start_boundaries(token, step);
}

Status CaseRun::complete_task(Task task, const Value& vars, std::string_view by,
                              bool admin_override) {
  if (!vars.is_null() && !vars.is_object()) {
    return invalid_input(
        fmt::format("completing task {}: the variables must be an object of "
                    "name: value",
                    task.id));
  }
  Token* parked = find_task_token(task.id);
  if (parked == nullptr) {
    return internal_error(fmt::format("case {} has no token waiting for task {} (step '{}')",
                                      record_.id, task.id, task.step_id));
  }
  const Token token = *parked;
  const Step& step = def_.steps[token.step];
  const auto& user = std::get<model::UserTask>(step.detail);
  auto submitted = check_form(user.form, vars, fmt::format("step '{}'", step.id), zone_);
  if (!submitted) return std::move(submitted).error();
  task.status = TaskStatus::completed;
  task.ended_at = env_.now;
  task.completed_by = by;
  const TaskId id = task.id;
  event(EventType::task_completed, token.step, id, by,
        admin_override ? Value{Value::Object{{"admin_override", Value{true}}}} : Value{});
  const std::string where = fmt::format("task {} (step '{}')", id, step.id);
  if (ScopeInstance* instance = enclosing_instance(token.scope)) {
    // Variables submitted with an instance's task live in the instance (spec: they reach the
    // case only through `collect`).
    if (submitted->is_object()) {
      for (const auto& [name, value] : submitted->as_object()) instance->locals.set(name, value);
    }
    if (auto s = check_submitted(*submitted, instance->locals, env_.limits, where); !s) return s;
  } else {
    merge_variables(*submitted, token.step, id, by);
  }
  if (auto s = check_submitted(*submitted, record_.variables, env_.limits, where); !s) return s;
  remove_token(token.id);
  end_activity(token);
  completing_ = &task;
  Status left = leave(token);
  completing_ = nullptr;
  change_.tasks.push_back(std::move(task));
  return left;
}

Status CaseRun::update_task(Task task, EventType type, std::string_view by, Value data) {
  const Token* parked = find_task_token(task.id);
  const StepIndex step = parked != nullptr ? parked->step : model::kNoStep;
  event(type, step, task.id, by, std::move(data));
  change_.tasks.push_back(std::move(task));
  return {};
}

}  // namespace crmflow::runtime
