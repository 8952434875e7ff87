// crmflow: the history of a case, one event per thing that happened, in order.
//
//   for (const crmflow::HistoryEvent& e : *engine.history(id))
//     std::cout << crmflow::to_string(e.event) << ' ' << e.step_id << '\n';
//
// The event names are the same in the API, `crmflow history` and scenario files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crmflow/ids.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow {

enum class EventType : std::uint8_t {
  case_started,
  step_entered,
  step_left,
  step_withdrawn,
  task_created,
  task_claimed,
  task_unclaimed,
  task_delegated,
  task_completed,
  task_escalated,
  timer_fired,
  alarm_fired,
  message_received,
  signal_received,
  job_failed,
  incident_raised,
  incident_resolved,
  variables_changed,
  notification_queued,
  notification_sent,
  notification_failed,
  notification_skipped,
  case_completed,
  case_terminated,
  case_cancelled,
};

// "case_started", "step_entered", ... exactly the enumerator names.
std::string_view to_string(EventType event) noexcept;
// The inverse of to_string; nullopt for any other text.
std::optional<EventType> parse_event_type(std::string_view text) noexcept;

struct HistoryEvent {
  CaseId case_id = kNoId;
  std::uint64_t sequence = 0;  // 1, 2, 3, ... within the case: the order events happened in
  Instant at{};
  EventType event = EventType::case_started;
  std::string step_id{};   // empty when the event is not about a step
  TaskId task_id = kNoId;  // kNoId when not about a task
  std::string by{};        // the user who caused it, if any
  // Details (an object, or null): e.g. {"to": "sara"} for task_delegated, {"message": ...} for
  // incident_raised, {"changed": [names]} for variables_changed, {"reason": ...} for cancel.
  Value data{};
};

}  // namespace crmflow
