// crmflow: a report over cases: how many stand where, how long steps take, what is late.
//
//   crmflow::Result<crmflow::Report> r = crmflow::build_report(engine, {.process_id = "repair"},
//                                                              clock.now());
//   for (const crmflow::ProcessReport& p : r->processes)
//     for (const crmflow::StepReport& s : p.steps) show(s.step_id, s.active, s.median);
//
// The rules (docs/report.md):
// - The cases are those of `process_id` (every process when empty) started at or after `since`.
// - A step's durations run from each `step_entered` to the `step_left` that ends that visit, in
//   the case's history; a case that loops through a step gives one duration per visit. A visit
//   that ends in `step_withdrawn` (interrupted, cancelled) or has not ended gives none.
// - median and p90 use the nearest-rank rule: of n sorted durations, the p-th percentile is the
//   one at rank ceil(p * n / 100) (1-based), always a measured duration (of 4, the median is the
//   2nd).
// - A task is late when the moment it is judged at is strictly after its due moment: an open task
//   at `now` (overdue), a completed task at its completion (completed late). Both are SLA
//   breaches; withdrawn tasks and tasks without a due moment never are.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "crmflow/case.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/error.hpp"
#include "crmflow/ids.hpp"
#include "crmflow/time.hpp"

namespace crmflow {

// Which cases a report covers; empty fields cover everything.
struct ReportQuery {
  std::string process_id{};
  std::optional<Instant> since{};  // only cases started at or after it
};

// Cases counted by status.
struct StatusCounts {
  std::size_t active = 0;
  std::size_t incident = 0;
  std::size_t completed = 0;
  std::size_t terminated = 0;
  std::size_t cancelled = 0;

  // The count of one status (a reference into this object).
  std::size_t& of(CaseStatus status) noexcept;
  std::size_t of(CaseStatus status) const noexcept;
  std::size_t total() const noexcept {
    return active + incident + completed + terminated + cancelled;
  }
  friend bool operator==(const StatusCounts&, const StatusCounts&) = default;
};

// The measured visits of a step: how long each took, from entering to leaving.
struct DurationStats {
  std::size_t count = 0;  // visits measured; the fields below are zero when it is 0
  std::chrono::milliseconds median{0};
  std::chrono::milliseconds p90{0};
  std::chrono::milliseconds max{0};
  friend bool operator==(const DurationStats&, const DurationStats&) = default;
};

// One step of a process, over the covered cases.
struct StepReport {
  std::string step_id{};
  std::size_t active = 0;  // cases standing at the step now (Case::active)
  std::size_t passed = 0;  // times the step was left (a case that loops counts each visit)
  DurationStats durations{};
  std::size_t open_tasks = 0;
  std::size_t overdue_tasks = 0;   // open tasks with due < now
  std::size_t completed_late = 0;  // tasks completed after their due moment
};

// A task that is or was late: open past its due moment, or completed after it.
struct SlaBreach {
  TaskId task_id = kNoId;
  CaseId case_id = kNoId;
  std::string step_id{};
  std::string name{};  // the task's name
  Instant due{};
  std::optional<Instant> completed_at{};  // nullopt: still open
  std::chrono::milliseconds late{0};      // (completed_at, or now) - due; always > 0
};

// A notification that could not be sent (history event `notification_failed`).
struct FailedNotification {
  CaseId case_id = kNoId;
  std::string step_id{};
  TaskId task_id = kNoId;  // kNoId when not about a task
  Instant at{};
  std::string channel{};
  std::string message{};
};

// Everything about the covered cases of one process (all its versions).
struct ProcessReport {
  std::string process_id{};
  StatusCounts cases{};
  // Ordered by when a covered case first entered the step (cases by id, each in history order):
  // the order of the flow for most processes. Steps where a case stands without having entered
  // them (a join holding some of its branches) follow, by id.
  std::vector<StepReport> steps{};
  // Open breaches first (most late first), then completed ones (most late first); ties by task id.
  std::vector<SlaBreach> sla_breaches{};
  std::vector<FailedNotification> failed_notifications{};  // by case id, then history order
};

struct Report {
  Instant now{};  // the moment overdue tasks were judged at
  ReportQuery query{};
  StatusCounts cases{};                    // over every covered case
  std::vector<ProcessReport> processes{};  // ordered by process id; only processes with cases
};

// Builds the report of the cases `query` covers as they stand, judging open tasks at `now`.
// Reads through Engine::cases, Engine::history, Engine::tasks and Engine::task; changes nothing.
// Errors: the store's (unavailable, internal).
[[nodiscard]] Result<Report> build_report(Engine& engine, const ReportQuery& query, Instant now);

}  // namespace crmflow
