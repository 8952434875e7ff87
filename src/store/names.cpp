// The text forms of the record enums: the same words in the API, history, the command line and
// scenario files.
#include <array>
#include <string_view>

#include "crmflow/case.hpp"
#include "crmflow/history.hpp"
#include "crmflow/notification.hpp"
#include "crmflow/task.hpp"

namespace crmflow {
namespace {

constexpr std::array<std::string_view, 5> kCaseStatusNames = {"active", "completed", "terminated",
                                                              "cancelled", "incident"};

constexpr std::array<std::string_view, 25> kEventNames = {
    "case_started",        "step_entered",         "step_left",           "step_withdrawn",
    "task_created",        "task_claimed",         "task_unclaimed",      "task_delegated",
    "task_completed",      "task_escalated",       "timer_fired",         "alarm_fired",
    "message_received",    "signal_received",      "job_failed",          "incident_raised",
    "incident_resolved",   "variables_changed",    "notification_queued", "notification_sent",
    "notification_failed", "notification_skipped", "case_completed",      "case_terminated",
    "case_cancelled",
};
static_assert(static_cast<std::size_t>(EventType::case_cancelled) + 1 == kEventNames.size());

}  // namespace

std::string_view to_string(CaseStatus status) noexcept {
  return kCaseStatusNames[static_cast<std::size_t>(status)];
}

std::optional<CaseStatus> parse_case_status(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kCaseStatusNames.size(); ++i) {
    if (kCaseStatusNames[i] == text) return static_cast<CaseStatus>(i);
  }
  return std::nullopt;
}

bool is_final(CaseStatus status) noexcept {
  return status == CaseStatus::completed || status == CaseStatus::terminated ||
         status == CaseStatus::cancelled;
}

std::string_view to_string(TaskStatus status) noexcept {
  switch (status) {
    case TaskStatus::open:
      return "open";
    case TaskStatus::completed:
      return "completed";
    case TaskStatus::withdrawn:
      return "withdrawn";
  }
  return "open";
}

std::string_view to_string(DeliveryStatus status) noexcept {
  switch (status) {
    case DeliveryStatus::pending:
      return "pending";
    case DeliveryStatus::sent:
      return "sent";
    case DeliveryStatus::failed:
      return "failed";
  }
  return "pending";
}

std::string_view to_string(EventType event) noexcept {
  return kEventNames[static_cast<std::size_t>(event)];
}

std::optional<EventType> parse_event_type(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kEventNames.size(); ++i) {
    if (kEventNames[i] == text) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

}  // namespace crmflow
