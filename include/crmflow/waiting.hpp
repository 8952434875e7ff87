// crmflow: what an active case waits for, step by step (Engine::waiting), for hosts and for
// `crmflow show`, which explain where a case stands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crmflow/ids.hpp"
#include "crmflow/time.hpp"

namespace crmflow {

enum class WaitingKind : std::uint8_t {
  task,       // an open user task: `task`, `assignee`, `candidate_users`, `candidate_groups`, `due`
  timer,      // a timer: `due`
  message,    // a message: `name`, `key` (empty: any key)
  signal,     // a signal: `name`
  service,    // a service job: `name` (the handler), `due` (next attempt), `attempt`
  call,       // a called case: `child`
  instances,  // a multi-instance step: `completed` of `total` instances
  join,       // a join holding some of its tokens: `completed` arrived of `total` expected
  incident,   // parked by an incident: `message`
};

std::string_view to_string(WaitingKind kind) noexcept;

struct Waiting {
  std::string step_id{};
  WaitingKind kind = WaitingKind::task;
  Instant since{};  // when the case began waiting here (the step was entered, the task created)
  TaskId task = kNoId;
  std::string assignee{};
  std::vector<std::string> candidate_users{};
  std::vector<std::string> candidate_groups{};
  std::optional<Instant> due{};
  std::string name{};
  std::string key{};
  std::uint32_t attempt = 0;
  CaseId child = kNoId;
  std::uint32_t completed = 0;
  std::uint32_t total = 0;
  std::string message{};
  // Boundary events armed on this step (timers with their due moment, messages with name/key),
  // each as one more Waiting of kind timer/message with the same step_id and `boundary` set.
  bool boundary = false;
};

}  // namespace crmflow
