// The text forms SqliteStore keeps in its columns: enum names, instants as integers, variables as
// JSON, name lists as JSON arrays, and a commit's history events as one JSON array. Pure
// functions, no SQLite: the row mapping (sqlite_rows.hpp) uses them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"
#include "crmflow/history.hpp"
#include "crmflow/notification.hpp"
#include "crmflow/store.hpp"
#include "crmflow/task.hpp"
#include "crmflow/value.hpp"

namespace crmflow::sqlite {

// Instants are stored as INTEGER milliseconds since 1970-01-01T00:00:00Z, Instant's resolution.
inline std::int64_t to_millis(Instant at) noexcept { return at.time_since_epoch().count(); }
inline Instant from_millis(std::int64_t millis) noexcept {
  return Instant{std::chrono::milliseconds{millis}};
}

std::string_view to_text(JobKind kind) noexcept;
std::optional<JobKind> parse_job_kind(std::string_view text) noexcept;
std::string_view to_text(SubscriptionKind kind) noexcept;
std::optional<SubscriptionKind> parse_subscription_kind(std::string_view text) noexcept;
std::optional<TaskStatus> parse_task_status(std::string_view text) noexcept;
// The names of to_string(DeliveryStatus): "pending", "sent", "failed".
std::optional<DeliveryStatus> parse_delivery_status(std::string_view text) noexcept;

// A case's variables in the two columns that hold them: `plain` JSON always (what json_extract
// queries: dates read as ISO 8601 strings), and the typed JSON only when the plain text would
// lose something (a date, datetime or duration, or a key that typed JSON escapes).
struct VariablesText {
  std::string plain;
  std::optional<std::string> typed;
};
VariablesText encode_variables(const Value& variables);
// The variables from those columns (typed when present, else plain). Errors: invalid_input from
// the JSON reader, for the caller to wrap.
Result<Value> decode_variables(std::string_view plain, const std::optional<std::string>& typed);

// A list of names (candidate users or groups) as a JSON array of strings, and back.
std::string encode_names(const std::vector<std::string>& names);
Result<std::vector<std::string>> decode_names(std::string_view text);

// The events one commit appended to case `case_id`, as one JSON array of objects
// {"seq":1,"at":ms,"event":"case_started","step":..,"task":..,"by":..,"data":..} (members that
// are empty are left out; `data` in typed JSON so dates survive; "case" only for an event whose
// case_id is not `case_id`).
std::string encode_history(CaseId case_id, std::span<const HistoryEvent> events);
// Appends the events of one such array to `out`. Errors: invalid_input saying what is wrong.
Status decode_history(CaseId case_id, std::string_view text, std::vector<HistoryEvent>& out);

}  // namespace crmflow::sqlite
