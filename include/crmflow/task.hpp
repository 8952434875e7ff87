// crmflow: human tasks (`user` steps) and the worklist query.
//
//   for (const crmflow::Task& t : *engine.tasks({.user = "ali"})) show(t.name, t.due);
//   engine.complete(t.id, {.by = "ali", .vars = {{"device", "A52"}}});
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/ids.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow {

enum class TaskStatus : std::uint8_t {
  open,       // on worklists, waiting to be completed
  completed,  // completed through Engine::complete
  withdrawn,  // the case no longer waits for it (cancelled, interrupted, terminated)
};

// "open", "completed", "withdrawn".
std::string_view to_string(TaskStatus status) noexcept;

// A task as the store keeps it and the engine reports it.
struct Task {
  TaskId id = kNoId;
  CaseId case_id = kNoId;
  std::string process_id{};
  std::string step_id{};
  std::string name{};  // the step's name template rendered when the task was created, else its id
  TaskStatus status = TaskStatus::open;
  std::string assignee{};  // empty: unassigned
  std::vector<std::string> candidate_users{};
  std::vector<std::string> candidate_groups{};
  std::int32_t priority = 50;  // 0..100
  std::optional<Instant> due{};
  Instant created_at{};
  std::optional<Instant> ended_at{};
  std::string completed_by{};  // who completed it (empty unless completed)
  // Internal link to the waiting token of the case; hosts need not read it.
  std::uint32_t token = 0;
};

// A filter over open tasks; empty fields match everything. Ordered by priority (highest first),
// then due (earliest first, tasks without due last), then id.
struct TaskQuery {
  // The worklist of this user: tasks assigned to them, and unassigned tasks they may claim (they
  // are a candidate user, or in a candidate group according to the Directory).
  std::string user{};
  // Only unassigned tasks offered to this group.
  std::string group{};
  // A manager's view: every task offered to one of the groups this user manages
  // (Directory::managed_groups), assigned or not; nothing when they manage none. Not read
  // together with `user` or `group`.
  std::string manager{};
  CaseId case_id = kNoId;
  std::string step_id{};
  // Only tasks with a due moment at or before the engine clock's now.
  bool overdue_only = false;
  std::size_t limit = 0;  // 0: no limit
  std::size_t offset = 0;
};

}  // namespace crmflow
