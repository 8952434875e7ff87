#include "sqlite/sqlite_rows.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <string_view>

#include "sqlite/sqlite_codec.hpp"
#include "store/state_codec.hpp"

namespace crmflow::sqlite {
namespace {

std::optional<Instant> optional_instant(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return from_millis(column.getInt64());
}

std::optional<std::string> optional_text(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

std::uint64_t unsigned_int(const SQLite::Column& column) {
  return static_cast<std::uint64_t>(column.getInt64());
}

std::uint32_t unsigned_int32(const SQLite::Column& column) {
  return static_cast<std::uint32_t>(column.getInt64());
}

std::string_view bytes_of(const SQLite::Column& column) {
  // getBlob before getBytes: SQLite's documented order for an exact byte count.
  const void* data = column.getBlob();
  return {static_cast<const char*>(data), static_cast<std::size_t>(column.getBytes())};
}

Error corrupt(std::string_view what, std::uint64_t id, std::string_view detail) {
  return internal_error(std::string{what} + " " + std::to_string(id) +
                        ": stored record is unreadable: " + std::string{detail});
}

}  // namespace

Result<CaseRecord> read_case(const SQLite::Statement& s) {
  CaseRecord r;
  r.id = unsigned_int(s.getColumn(0));
  r.process_id = s.getColumn(1).getString();
  r.version = s.getColumn(2).getInt64();
  r.key = s.getColumn(3).getString();
  const std::string status = s.getColumn(4).getString();
  auto parsed_status = parse_case_status(status);
  if (!parsed_status) return corrupt("case", r.id, "unknown status '" + status + "'");
  r.status = *parsed_status;
  r.progress = s.getColumn(5).getInt();
  r.initiator = s.getColumn(6).getString();
  r.started_at = from_millis(s.getColumn(7).getInt64());
  r.ended_at = optional_instant(s.getColumn(8));
  auto variables = decode_variables(bytes_of(s.getColumn(9)), optional_text(s.getColumn(10)));
  if (!variables) return corrupt("case", r.id, "variables: " + variables.error().message);
  r.variables = std::move(*variables);
  r.parent_case = s.getColumn(11).isNull() ? kNoId : unsigned_int(s.getColumn(11));
  r.parent_token = unsigned_int32(s.getColumn(12));
  r.row_version = unsigned_int(s.getColumn(13));
  auto state = store::decode_state(bytes_of(s.getColumn(14)));
  if (!state) return corrupt("case", r.id, state.error().message);
  r.state = std::move(*state);
  return r;
}

Result<Task> read_task(const SQLite::Statement& s) {
  Task t;
  t.id = unsigned_int(s.getColumn(0));
  t.case_id = unsigned_int(s.getColumn(1));
  t.process_id = s.getColumn(2).getString();
  t.step_id = s.getColumn(3).getString();
  t.name = s.getColumn(4).getString();
  const std::string status = s.getColumn(5).getString();
  auto parsed_status = parse_task_status(status);
  if (!parsed_status) return corrupt("task", t.id, "unknown status '" + status + "'");
  t.status = *parsed_status;
  t.assignee = s.getColumn(6).getString();
  auto users = decode_names(bytes_of(s.getColumn(7)));
  if (!users) return corrupt("task", t.id, "candidate_users: " + users.error().message);
  t.candidate_users = std::move(*users);
  auto groups = decode_names(bytes_of(s.getColumn(8)));
  if (!groups) return corrupt("task", t.id, "candidate_groups: " + groups.error().message);
  t.candidate_groups = std::move(*groups);
  t.priority = s.getColumn(9).getInt();
  t.due = optional_instant(s.getColumn(10));
  t.created_at = from_millis(s.getColumn(11).getInt64());
  t.ended_at = optional_instant(s.getColumn(12));
  t.completed_by = s.getColumn(13).getString();
  t.token = unsigned_int32(s.getColumn(14));
  return t;
}

Result<JobRecord> read_job(const SQLite::Statement& s) {
  JobRecord j;
  j.id = unsigned_int(s.getColumn(0));
  j.case_id = unsigned_int(s.getColumn(1));
  const std::string kind = s.getColumn(2).getString();
  auto parsed_kind = parse_job_kind(kind);
  if (!parsed_kind) return corrupt("job", j.id, "unknown kind '" + kind + "'");
  j.kind = *parsed_kind;
  j.due = from_millis(s.getColumn(3).getInt64());
  j.token = unsigned_int32(s.getColumn(4));
  j.attempt = unsigned_int32(s.getColumn(5));
  j.index = unsigned_int32(s.getColumn(6));
  j.leased_until = optional_instant(s.getColumn(7));
  j.process_id = s.getColumn(8).getString();
  j.version = s.getColumn(9).getInt64();
  j.occurrence = unsigned_int32(s.getColumn(10));
  return j;
}

Result<Subscription> read_subscription(const SQLite::Statement& s) {
  Subscription sub;
  sub.case_id = unsigned_int(s.getColumn(0));
  sub.token = unsigned_int32(s.getColumn(1));
  sub.boundary = unsigned_int32(s.getColumn(2));
  const std::string kind = s.getColumn(3).getString();
  auto parsed_kind = parse_subscription_kind(kind);
  if (!parsed_kind) {
    return corrupt("subscription of case", sub.case_id, "unknown kind '" + kind + "'");
  }
  sub.kind = *parsed_kind;
  sub.name = s.getColumn(4).getString();
  sub.key = optional_text(s.getColumn(5));
  return sub;
}

Result<Notification> read_notification(const SQLite::Statement& s) {
  Notification n;
  n.id = unsigned_int(s.getColumn(0));
  n.case_id = unsigned_int(s.getColumn(1));
  n.step_id = s.getColumn(2).getString();
  n.channel = s.getColumn(3).getString();
  n.to = s.getColumn(4).getString();
  n.subject = s.getColumn(5).getString();
  n.text = s.getColumn(6).getString();
  n.idempotency_key = s.getColumn(7).getString();
  n.at = from_millis(s.getColumn(8).getInt64());
  n.segments = unsigned_int32(s.getColumn(9));
  const std::string status = s.getColumn(10).getString();
  auto parsed_status = parse_delivery_status(status);
  if (!parsed_status) return corrupt("notification", n.id, "unknown status '" + status + "'");
  n.status = *parsed_status;
  n.attempts = unsigned_int32(s.getColumn(11));
  n.next_attempt = optional_instant(s.getColumn(12));
  n.leased_until = optional_instant(s.getColumn(13));
  n.sent_at = optional_instant(s.getColumn(14));
  n.last_error = s.getColumn(15).getString();
  return n;
}

DefinitionRecord read_definition(const SQLite::Statement& s) {
  DefinitionRecord d;
  d.process_id = s.getColumn(0).getString();
  d.version = s.getColumn(1).getInt64();
  d.content_hash = s.getColumn(2).getString();
  d.canonical = s.getColumn(3).getString();
  d.deployed_at = from_millis(s.getColumn(4).getInt64());
  return d;  // process stays null: the engine loads it again from `canonical`
}

const std::string& insert_job_sql() {
  static const std::string kInsert = std::string{"INSERT OR REPLACE INTO jobs ("} + kJobColumns +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  return kInsert;
}

void bind_job(SQLite::Statement& s, const JobRecord& job) {
  bind_id(s, 1, job.id);
  bind_id(s, 2, job.case_id);
  s.bind(3, std::string{to_text(job.kind)});
  bind_instant(s, 4, job.due);
  s.bind(5, job.token);
  s.bind(6, job.attempt);
  s.bind(7, job.index);
  bind_instant(s, 8, job.leased_until);
  s.bind(9, job.process_id);
  s.bind(10, static_cast<std::int64_t>(job.version));
  s.bind(11, job.occurrence);
}

void bind_id(SQLite::Statement& statement, int index, std::uint64_t id) {
  statement.bind(index, static_cast<std::int64_t>(id));
}

void bind_instant(SQLite::Statement& statement, int index, Instant at) {
  statement.bind(index, to_millis(at));
}

void bind_instant(SQLite::Statement& statement, int index, const std::optional<Instant>& at) {
  if (at) {
    statement.bind(index, to_millis(*at));
  } else {
    statement.bind(index);
  }
}

void bind_text(SQLite::Statement& statement, int index, const std::optional<std::string>& text) {
  if (text) {
    statement.bind(index, *text);
  } else {
    statement.bind(index);
  }
}

}  // namespace crmflow::sqlite
