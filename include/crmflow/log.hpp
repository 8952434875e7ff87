// crmflow: the host's log hook, for what the engine did on its own that an operator should know
// (a job set aside after a failure, a notification given up on), and for every call it refused
// for want of authority (who tried what on which task), so that the host can audit them.
//
//   crmflow::Engine engine{store, {.log = [](const crmflow::LogRecord& r) {
//     syslog(r.level == crmflow::LogLevel::error ? LOG_ERR : LOG_WARNING, "%s", r.message.c_str());
//   }}};
//
// The hook is called on the thread of the engine call (a runner's worker), after the change it
// reports is committed or given up; it must not call back into the engine. Messages never carry
// channel secrets (header values, rendered bodies).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "crmflow/ids.hpp"

namespace crmflow {

enum class LogLevel : std::uint8_t { info, warning, error };

// "info", "warning", "error".
std::string_view to_string(LogLevel level) noexcept;

// The events the engine reports (LogRecord::event):
//   job_failed           a job could not be fired and is set aside (error)
//   notification_failed  a notification was given up after its last attempt (warning)
//   delivery_unrecorded  a delivery attempt could not be recorded; it is tried again (error)
//   archive_skipped      Engine::archive kept an ended case it could not read whole (error)
//   refused              a task operation was refused with not_authorized: `user` tried
//                        `action` on `task_id` of `case_id`; the message gives the reason. The
//                        refusal changed nothing (warning)
struct LogRecord {
  LogLevel level = LogLevel::info;
  std::string_view event{};  // a stable word: "job_failed", "notification_failed", "refused"
  CaseId case_id = kNoId;    // kNoId when about no case (a trigger)
  std::string message{};     // one line for a person
  // For `refused`: who tried (as they named themselves; may be empty), what ("complete",
  // "claim", "unclaim", "delegate", "reassign"), and on which task. Empty and kNoId otherwise.
  std::string user{};
  std::string_view action{};
  TaskId task_id = kNoId;
};

using LogHook = std::function<void(const LogRecord&)>;

}  // namespace crmflow
