// Alarms of user tasks: jobs that notify and/or escalate at moments relative to the task's
// creation or due moment, optionally repeating. Alarms never move the case; a task that ends
// disarms them (end_activity).
#include <fmt/format.h>

#include <algorithm>

#include "expr/template.hpp"
#include "runtime/case_run.hpp"
#include "time/arithmetic.hpp"

namespace crmflow::runtime {

using model::Alarm;
using model::AlarmAnchor;
using model::Step;

namespace {

// The first moment of an alarm, nullopt when it has none (relative to a due the task lacks).
// Durations count on `basis`: the process calendar's business time, else plain time. An alarm
// that counts a duration (`after`, `before_due`, or repeating with `every`) fails when the
// process names a calendar the engine lacks (`basis` is its not_found).
Result<std::optional<Instant>> first_moment(const Alarm& alarm, const Task& task,
                                            const Result<TimeBasis>& basis) {
  const bool counts = alarm.anchor == AlarmAnchor::after_created ||
                      alarm.anchor == AlarmAnchor::before_due || alarm.every.has_value();
  if (counts && !basis) return basis.error();
  switch (alarm.anchor) {
    case AlarmAnchor::after_created: {
      auto at = basis->add(task.created_at, alarm.offset);
      if (!at) return std::move(at).error();
      return std::optional<Instant>{*at};
    }
    case AlarmAnchor::before_due: {
      if (!task.due) return std::optional<Instant>{};
      auto at = basis->subtract(*task.due, alarm.offset);
      if (!at) return std::move(at).error();
      return std::optional<Instant>{*at};
    }
    case AlarmAnchor::at_due:
    case AlarmAnchor::overdue:
      return task.due;
  }
  return std::optional<Instant>{};
}

}  // namespace

Status CaseRun::start_alarms(const Token& token, const Step& step, const Task& task) {
  const auto& user = std::get<model::UserTask>(step.detail);
  for (std::uint32_t i = 0; i < user.alarms.size(); ++i) {
    auto moment = first_moment(user.alarms[i], task, task_time());
    if (!moment) {
      // The task stays open; an alarm that cannot be armed is an incident an operator must see.
      event(EventType::incident_raised, token.step, task.id, {},
            Value::Object{{"message", fmt::format("step '{}': alarm {} cannot be armed: {}",
                                                  step.id, i + 1, moment.error().message)}});
      continue;
    }
    if (!moment->has_value()) continue;
    // An alarm whose moment has passed when the task is created fires at once.
    const Instant due = std::max(**moment, env_.now);
    auto job = schedule(JobKind::alarm, due, token);
    if (!job) return job.status();
    change_.jobs_added.back().index = i;
    state_.alarms.push_back(ArmedAlarm{token.id, i, *job, 0, due});
  }
  return {};
}

Result<bool> CaseRun::fire_alarm(const JobRecord& job) {
  change_.jobs_removed.push_back(job.id);
  auto armed = std::find_if(state_.alarms.begin(), state_.alarms.end(),
                            [&](const ArmedAlarm& a) { return a.job == job.id; });
  if (armed == state_.alarms.end()) return false;
  const Token* parked = find_token(armed->token);
  if (parked == nullptr || parked->wait != WaitKind::task) return false;
  const Token token = *parked;
  use_scope(token.scope);  // texts and keys read the instance locals, if any
  const Step& step = def_.steps[token.step];
  const Alarm& alarm = std::get<model::UserTask>(step.detail).alarms[armed->index];
  auto loaded = env_.store.load_task(token.ref);
  if (!loaded) return std::move(loaded).error();
  Task task = std::move(*loaded);
  ++armed->fired;
  event(EventType::alarm_fired, token.step, task.id, {},
        Value::Object{{"alarm", static_cast<std::int64_t>(armed->index)},
                      {"firing", static_cast<std::int64_t>(armed->fired)}});

  // Re-arm first: `armed` is not touched after the state changes below.
  const bool again =
      alarm.every.has_value() && (!alarm.times.has_value() || armed->fired < *alarm.times);
  if (again) {
    // Firing k+1 lies k×every after the first (computed at once, so repetitions never drift),
    // in the process calendar's business time: an hourly alarm pauses over nights and weekends.
    auto step_by = time::multiply(*alarm.every, armed->fired);
    Result<Instant> next = !step_by      ? Result<Instant>{std::move(step_by).error()}
                           : task_time() ? task_time()->add(armed->first, *step_by)
                                         : Result<Instant>{task_time().error()};
    if (next) {
      auto id = schedule(JobKind::alarm, *next, token);
      if (!id) return std::move(id).error();
      change_.jobs_added.back().index = armed->index;
      armed->job = *id;
    } else {
      state_.alarms.erase(armed);
    }
  } else {
    state_.alarms.erase(armed);
  }

  if (alarm.escalate) {
    const model::Escalation& e = *alarm.escalate;
    Value::Object data;
    if (e.groups) {
      task.candidate_groups = *e.groups;
      task.candidate_users.clear();
      task.assignee.clear();
      Value::List groups(e.groups->begin(), e.groups->end());
      data.emplace("groups", std::move(groups));
    }
    if (e.assignee) {
      const TaskInSight in_sight{*this, &task};
      auto assignee = render(*e.assignee);
      if (assignee) {
        task.assignee = std::move(*assignee);
        data.emplace("assignee", task.assignee);
      }
    }
    if (e.priority) {
      task.priority = *e.priority;
      data.emplace("priority", *e.priority);
    }
    event(EventType::task_escalated, token.step, task.id, {}, Value{std::move(data)});
  }
  if (alarm.notify) queue_notification(step, *alarm.notify, &task);
  if (alarm.escalate) change_.tasks.push_back(std::move(task));
  return true;
}

}  // namespace crmflow::runtime
