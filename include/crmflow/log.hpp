// crmflow: the host's log hook, for what the engine did on its own that an operator should know:
// a job parked after a failure running it again cannot mend, a notification given up on.
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

struct LogRecord {
  LogLevel level = LogLevel::info;
  std::string_view event{};  // a stable word: "job_parked", "notification_failed", ...
  CaseId case_id = kNoId;    // kNoId when about no case (a trigger)
  std::string message{};     // one line for a person
};

using LogHook = std::function<void(const LogRecord&)>;

}  // namespace crmflow
