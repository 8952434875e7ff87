// crmflow: what an active case waits for, step by step (Engine::waiting), for hosts and for
// `crmflow show`, which explain where a case stands.
//
//   for (const crmflow::Waiting& w : *engine.waiting(id)) {
//     if (w.kind == crmflow::WaitingKind::task) show(w.step_id, w.task, w.candidate_groups);
//     if (w.kind == crmflow::WaitingKind::timer && w.due) show(w.step_id, *w.due);
//   }
//
// Entries are snapshots, like Case: ask again after the case moves on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/ids.hpp"
#include "crmflow/time.hpp"

namespace crmflow {

// What one entry waits for; the fields of Waiting each kind fills are named beside it.
enum class WaitingKind : std::uint8_t {
  task,       // an open user task: `task`, `name`, `assignee`, `candidate_users`,
              // `candidate_groups`, `due` (the task's due moment, if it has one)
  timer,      // a timer: `due` (when it fires)
  message,    // a message: `name`, `key` (nullopt: any key)
  signal,     // a signal: `name`
  service,    // a service job: `name` (the handler), `attempt` (1 = first try), `due` (that try)
  call,       // a called case: `child` (its id), `name` (its process)
  instances,  // a multi-instance step: `completed` of `total` instances
  join,       // a join holding some of its tokens: `completed` flows arrived of `total` awaited
  incident,   // parked by an incident until Engine::retry: `message`
};

// "task", "timer", "message", ... exactly the enumerator names.
std::string_view to_string(WaitingKind kind) noexcept;

struct Waiting {
  std::string step_id{};
  WaitingKind kind = WaitingKind::task;
  // When the case began waiting here: the task's creation, the incident's moment, the moment a
  // boundary event was armed, else when the step was last entered (a join: its first arrival
  // since it last fired; a wait after an event gateway: when the gateway was left).
  Instant since{};
  TaskId task = kNoId;
  std::string assignee{};  // empty: unassigned
  std::vector<std::string> candidate_users{};
  std::vector<std::string> candidate_groups{};
  std::optional<Instant> due{};
  std::string name{};
  std::optional<std::string> key{};
  std::uint32_t attempt = 0;
  CaseId child = kNoId;
  std::uint32_t completed = 0;
  std::uint32_t total = 0;
  std::string message{};
  // A boundary event armed on the step's activity (kind timer or message): it follows the entry
  // of the activity itself, with the same step_id. `interrupting`: firing it withdraws the
  // activity.
  bool boundary = false;
  bool interrupting = false;
};

}  // namespace crmflow
