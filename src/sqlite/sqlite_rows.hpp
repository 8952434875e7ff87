// Rows and records: the column lists SqliteStore selects and writes, and the functions that turn
// a result row into a record (decoding JSON and the execution state) or bind a record's values.
// A row that cannot be decoded is `internal`, naming the record and what is wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "crmflow/error.hpp"
#include "crmflow/store.hpp"

namespace SQLite {
class Statement;
}

namespace crmflow::sqlite {

// The columns read_* expect, in this order, first in the select list.
inline constexpr const char* kCaseColumns =
    "id, process_id, version, key, status, progress, initiator, started_at, ended_at, variables, "
    "variables_typed, parent_case, parent_token, row_version, state";
inline constexpr const char* kTaskColumns =
    "id, case_id, process_id, step_id, name, status, assignee, candidate_users, candidate_groups, "
    "priority, due, created_at, ended_at, completed_by, token";
inline constexpr const char* kJobColumns =
    "id, case_id, kind, due, token, attempt, index_in_step, leased_until, process_id, version, "
    "occurrence";
inline constexpr const char* kSubscriptionColumns = "case_id, token, boundary, kind, name, key";
inline constexpr const char* kNotificationColumns =
    "id, case_id, step_id, channel, recipient, subject, text, idempotency_key, queued_at, "
    "segments, status, attempts, next_attempt, leased_until, sent_at, last_error";
inline constexpr const char* kDefinitionColumns =
    "process_id, version, content_hash, canonical, deployed_at";

// The current row of `statement` as a record. Errors: internal naming the record.
Result<CaseRecord> read_case(const SQLite::Statement& statement);
Result<Task> read_task(const SQLite::Statement& statement);
Result<JobRecord> read_job(const SQLite::Statement& statement);
Result<Subscription> read_subscription(const SQLite::Statement& statement);
Result<Notification> read_notification(const SQLite::Statement& statement);
DefinitionRecord read_definition(const SQLite::Statement& statement);

// INSERT OR REPLACE of a job row (kJobColumns), and the binding of all its parameters.
const std::string& insert_job_sql();
void bind_job(SQLite::Statement& statement, const JobRecord& job);

// Binding helpers: ids and unsigned counters as INTEGER, instants as milliseconds, absent
// optionals as NULL.
void bind_id(SQLite::Statement& statement, int index, std::uint64_t id);
void bind_instant(SQLite::Statement& statement, int index, Instant at);
void bind_instant(SQLite::Statement& statement, int index, const std::optional<Instant>& at);
void bind_text(SQLite::Statement& statement, int index, const std::optional<std::string>& text);

}  // namespace crmflow::sqlite
