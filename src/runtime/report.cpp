// build_report (include/crmflow/report.hpp): one pass over the covered cases' histories, plus the
// open worklist and the tasks completed in those cases.
#include "crmflow/report.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace crmflow {

namespace {

// The member of `counts` (const or not) that counts `status`.
template <class Counts>
auto& count_of(Counts& counts, CaseStatus status) noexcept {
  switch (status) {
    case CaseStatus::active:
      break;
    case CaseStatus::incident:
      return counts.incident;
    case CaseStatus::completed:
      return counts.completed;
    case CaseStatus::terminated:
      return counts.terminated;
    case CaseStatus::cancelled:
      return counts.cancelled;
  }
  return counts.active;
}

}  // namespace

std::size_t& StatusCounts::of(CaseStatus status) noexcept { return count_of(*this, status); }
std::size_t StatusCounts::of(CaseStatus status) const noexcept { return count_of(*this, status); }

namespace runtime {
namespace {

using std::chrono::milliseconds;

// The nearest-rank percentile of sorted, non-empty durations: the value at 1-based rank
// ceil(p * n / 100).
milliseconds nearest_rank(const std::vector<milliseconds>& sorted, std::size_t percent) {
  std::size_t rank = (percent * sorted.size() + 99) / 100;
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

DurationStats stats_of(std::vector<milliseconds> durations) {
  DurationStats out;
  if (durations.empty()) return out;
  std::sort(durations.begin(), durations.end());
  out.count = durations.size();
  out.median = nearest_rank(durations, 50);
  out.p90 = nearest_rank(durations, 90);
  out.max = durations.back();
  return out;
}

std::string text_field(const Value& data, std::string_view name) {
  const Value* field = data.find(name);
  return field != nullptr && field->is_string() ? field->as_string() : std::string{};
}

// What one process's report gathers before it is put in order.
struct ProcessAccumulator {
  StatusCounts cases;
  std::vector<std::string> step_order;  // first entered first
  std::set<std::string, std::less<>> in_order;
  std::map<std::string, StepReport, std::less<>> steps;
  std::map<std::string, std::vector<milliseconds>, std::less<>> durations;
  std::vector<SlaBreach> breaches;
  std::vector<FailedNotification> failed;

  StepReport& step(const std::string& id) {
    auto [it, inserted] = steps.try_emplace(id);
    if (inserted) it->second.step_id = id;
    return it->second;
  }

  void entered(const std::string& id) {
    if (in_order.insert(id).second) step_order.push_back(id);
    step(id);
  }
};

// One entering of a step whose end the walk has not seen yet.
struct Visit {
  Instant entered;
  bool withdrawn = false;  // a step_withdrawn named the step while this visit was open
};

// The open visits of each step, oldest first, and the tasks completed in the case.
struct CaseWalk {
  std::unordered_map<std::string, std::deque<Visit>> open_visits;
  std::vector<TaskId> completed_tasks;
};

// Ends the visit a step_left closes: the oldest not withdrawn, else the oldest. A step_withdrawn
// only marks a visit, because the instances of a multi-instance step are withdrawn (one event
// each) while the step itself goes on to be left; a marked visit is dropped once the step is
// entered again or the history ends.
std::optional<Instant> close_visit(std::deque<Visit>& visits) {
  if (visits.empty()) return std::nullopt;
  auto it = std::find_if(visits.begin(), visits.end(), [](const Visit& v) { return !v.withdrawn; });
  if (it == visits.end()) it = visits.begin();
  Instant entered = it->entered;
  visits.erase(it);
  return entered;
}

void walk_history(CaseId case_id, const std::vector<HistoryEvent>& events, ProcessAccumulator& acc,
                  CaseWalk& walk) {
  for (const HistoryEvent& e : events) {
    switch (e.event) {
      case EventType::step_entered: {
        acc.entered(e.step_id);
        auto& visits = walk.open_visits[e.step_id];
        std::erase_if(visits, [](const Visit& v) { return v.withdrawn; });
        visits.push_back(Visit{e.at});
        break;
      }
      case EventType::step_left: {
        acc.entered(e.step_id);
        ++acc.step(e.step_id).passed;
        if (auto entered = close_visit(walk.open_visits[e.step_id])) {
          acc.durations[e.step_id].push_back(e.at - *entered);
        }
        break;
      }
      case EventType::step_withdrawn: {
        auto& visits = walk.open_visits[e.step_id];
        auto it =
            std::find_if(visits.begin(), visits.end(), [](const Visit& v) { return !v.withdrawn; });
        if (it != visits.end()) it->withdrawn = true;
        break;
      }
      case EventType::task_completed:
        if (e.task_id != kNoId) walk.completed_tasks.push_back(e.task_id);
        break;
      case EventType::notification_failed:
        acc.failed.push_back(FailedNotification{.case_id = case_id,
                                                .step_id = e.step_id,
                                                .task_id = e.task_id,
                                                .at = e.at,
                                                .channel = text_field(e.data, "channel"),
                                                .message = text_field(e.data, "message")});
        break;
      default:
        break;
    }
  }
}

bool breach_order(const SlaBreach& a, const SlaBreach& b) {
  bool a_open = !a.completed_at.has_value();
  bool b_open = !b.completed_at.has_value();
  if (a_open != b_open) return a_open;
  if (a.late != b.late) return a.late > b.late;
  return a.task_id < b.task_id;
}

ProcessReport finish(std::string process_id, ProcessAccumulator acc) {
  ProcessReport out;
  out.process_id = std::move(process_id);
  out.cases = acc.cases;
  for (const std::string& id : acc.step_order) {
    StepReport step = std::move(acc.steps[id]);
    if (auto d = acc.durations.find(id); d != acc.durations.end()) {
      step.durations = stats_of(std::move(d->second));
    }
    out.steps.push_back(std::move(step));
  }
  for (auto& [id, step] : acc.steps) {  // never entered: by id, as the map holds them
    if (acc.in_order.count(id) == 0) out.steps.push_back(std::move(step));
  }
  std::sort(acc.breaches.begin(), acc.breaches.end(), breach_order);
  out.sla_breaches = std::move(acc.breaches);
  out.failed_notifications = std::move(acc.failed);
  return out;
}

}  // namespace
}  // namespace runtime

Result<Report> build_report(Engine& engine, const ReportQuery& query, Instant now) {
  using runtime::ProcessAccumulator;
  Report report;
  report.now = now;
  report.query = query;

  auto found = engine.cases(CaseQuery{.process_id = query.process_id});
  if (!found) return found.error();
  std::map<std::string, ProcessAccumulator, std::less<>> processes;
  std::unordered_map<CaseId, ProcessAccumulator*> case_process;
  std::vector<std::pair<TaskId, ProcessAccumulator*>> completed;  // tasks, in case order
  for (const Case& c : *found) {                                  // ordered by id
    if (query.since && c.started_at < *query.since) continue;
    ProcessAccumulator& acc = processes[c.process_id];
    case_process.emplace(c.id, &acc);
    ++acc.cases.of(c.status);
    ++report.cases.of(c.status);
    auto history = engine.history(c.id);
    if (!history) return history.error();
    runtime::CaseWalk walk;
    runtime::walk_history(c.id, *history, acc, walk);
    for (TaskId t : walk.completed_tasks) completed.emplace_back(t, &acc);
    for (const std::string& step : c.active) ++acc.step(step).active;
  }

  auto open = engine.tasks();
  if (!open) return open.error();
  for (const Task& t : *open) {
    auto owner = case_process.find(t.case_id);
    if (owner == case_process.end()) continue;
    StepReport& step = owner->second->step(t.step_id);
    ++step.open_tasks;
    if (t.due && *t.due < now) {
      ++step.overdue_tasks;
      owner->second->breaches.push_back(SlaBreach{.task_id = t.id,
                                                  .case_id = t.case_id,
                                                  .step_id = t.step_id,
                                                  .name = t.name,
                                                  .due = *t.due,
                                                  .late = now - *t.due});
    }
  }
  for (const auto& [id, acc] : completed) {
    auto task = engine.task(id);
    if (!task) return task.error();
    if (!task->due || task->status != TaskStatus::completed) continue;
    const Instant done = task->ended_at.value_or(task->created_at);
    if (done <= *task->due) continue;
    ++acc->step(task->step_id).completed_late;
    acc->breaches.push_back(SlaBreach{.task_id = task->id,
                                      .case_id = task->case_id,
                                      .step_id = task->step_id,
                                      .name = task->name,
                                      .due = *task->due,
                                      .completed_at = done,
                                      .late = done - *task->due});
  }

  for (auto& [id, acc] : processes) {
    report.processes.push_back(runtime::finish(id, std::move(acc)));
  }
  return report;
}

}  // namespace crmflow
