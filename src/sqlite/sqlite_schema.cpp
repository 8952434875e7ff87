// The schema steps and the migration on open. docs/stores.md describes every table for the
// people who query them; keep the two in step.
#include "sqlite/sqlite_schema.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <array>

namespace crmflow::sqlite {
namespace {

// Version 1. Instants are INTEGER milliseconds since 1970-01-01T00:00:00Z (crmflow::Instant's
// resolution); enums are their text names, so the tables read well in any SQLite client.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE sequences (
  kind TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO sequences (kind, last_id) VALUES ('case', 0), ('task', 0), ('job', 0);

CREATE TABLE definitions (
  process_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  canonical TEXT NOT NULL,
  deployed_at INTEGER NOT NULL,
  PRIMARY KEY (process_id, version)
);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  process_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  status TEXT NOT NULL,
  progress INTEGER NOT NULL,
  initiator TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  variables TEXT NOT NULL,
  variables_typed TEXT,
  parent_case INTEGER,
  parent_token INTEGER NOT NULL,
  row_version INTEGER NOT NULL,
  state BLOB NOT NULL
);
CREATE INDEX cases_by_process ON cases (process_id, status);
CREATE INDEX cases_by_status ON cases (status);
CREATE INDEX cases_by_key ON cases (key);

CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL,
  process_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  assignee TEXT NOT NULL,
  candidate_users TEXT NOT NULL,
  candidate_groups TEXT NOT NULL,
  priority INTEGER NOT NULL,
  due INTEGER,
  created_at INTEGER NOT NULL,
  ended_at INTEGER,
  completed_by TEXT NOT NULL,
  token INTEGER NOT NULL
);
CREATE INDEX tasks_by_case ON tasks (case_id);
CREATE INDEX tasks_open_by_assignee ON tasks (assignee) WHERE status = 'open';
CREATE INDEX tasks_open_by_step ON tasks (step_id) WHERE status = 'open';
CREATE INDEX tasks_open_by_due ON tasks (due) WHERE status = 'open';

CREATE TABLE task_candidates (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  PRIMARY KEY (kind, name, task_id)
) WITHOUT ROWID;
CREATE INDEX task_candidates_by_task ON task_candidates (task_id);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  due INTEGER NOT NULL,
  token INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  index_in_step INTEGER NOT NULL,
  leased_until INTEGER
);
CREATE INDEX jobs_by_due ON jobs (due, id);

CREATE TABLE subscriptions (
  case_id INTEGER NOT NULL,
  token INTEGER NOT NULL,
  boundary INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  key TEXT,
  PRIMARY KEY (case_id, token, boundary)
) WITHOUT ROWID;
CREATE INDEX subscriptions_by_name ON subscriptions (kind, name, key);

CREATE TABLE history (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id),
  first_sequence INTEGER NOT NULL,
  last_sequence INTEGER NOT NULL,
  events TEXT NOT NULL
);
CREATE INDEX history_by_case ON history (case_id, first_sequence);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  queued_at INTEGER NOT NULL
);
CREATE INDEX outbox_by_case ON outbox (case_id);
)sql";

// Version 2: triggers. A trigger job belongs to a process version, not to a case (its case_id is
// 0): the process, the version whose deploy armed it, and which occurrence of its schedule it is.
// Existing jobs get '' and 0, which is what every other kind of job carries.
constexpr const char* kVersion2 = R"sql(
ALTER TABLE jobs ADD COLUMN process_id TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN occurrence INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_triggers_by_process ON jobs (process_id) WHERE kind = 'trigger';
)sql";

// Version 3: notification delivery, and job leases in the next due moment. An outbox row carries
// its SMS segment count and its delivery state; rows queued before it become pending, never
// attempted, due at once (they are delivered once channels are configured) and count 0 segments
// (their texts were never counted). `outbox_pending` is the delivery queue in (next_attempt, id)
// order, NULL ("at once") first; `outbox_at_once` orders the entries due at once by queue moment,
// which need not follow their ids; `outbox_leased` and `jobs_leased` find the few leased rows,
// whose lease end may be what decides the next due moment.
constexpr const char* kVersion3 = R"sql(
ALTER TABLE outbox ADD COLUMN segments INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt INTEGER;
ALTER TABLE outbox ADD COLUMN leased_until INTEGER;
ALTER TABLE outbox ADD COLUMN sent_at INTEGER;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_pending ON outbox (next_attempt, id) WHERE status = 'pending';
CREATE INDEX outbox_at_once ON outbox (queued_at) WHERE status = 'pending' AND next_attempt IS NULL;
CREATE INDEX outbox_leased ON outbox (leased_until)
  WHERE status = 'pending' AND leased_until IS NOT NULL;
CREATE INDEX jobs_leased ON jobs (leased_until) WHERE leased_until IS NOT NULL;
)sql";

constexpr std::array<SchemaStep, 3> kSteps = {{{1, kVersion1}, {2, kVersion2}, {3, kVersion3}}};

// What the header says about the file: whose it is, which schema version it has, and whether it
// holds any table. One statement, so one snapshot: read while another process migrates the file,
// it gives the state before or after that migration, never a mix.
struct Header {
  int application_id = 0;
  int version = 0;
  bool has_tables = false;
};

Header read_header(SQLite::Database& db) {
  SQLite::Statement s{db,
                      "SELECT (SELECT application_id FROM pragma_application_id), "
                      "(SELECT user_version FROM pragma_user_version), "
                      "EXISTS (SELECT 1 FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%')"};
  s.executeStep();
  return {s.getColumn(0).getInt(), s.getColumn(1).getInt(), s.getColumn(2).getInt() != 0};
}

// Refuses a file that is not ours or is newer than `target`.
Status check_header(const Header& header, const std::string& path, int target) {
  if (header.application_id != kApplicationId &&
      (header.application_id != 0 || header.has_tables)) {
    return unavailable("'" + path +
                       "' is a SQLite database of another application, not a crmflow store; "
                       "give the path of a crmflow store or of a new file");
  }
  if (header.version > target) {
    return unavailable("database '" + path + "' has schema version " +
                       std::to_string(header.version) + ", newer than version " +
                       std::to_string(target) +
                       " that this build of crmflow reads; open it with a newer crmflow");
  }
  return {};
}

bool is_current(const Header& header, int target) {
  return header.application_id == kApplicationId && header.version == target;
}

}  // namespace

std::span<const SchemaStep> schema_steps() noexcept { return kSteps; }

int current_schema_version() noexcept { return kSteps.back().to; }

Status check_file(SQLite::Database& db, const std::string& path,
                  std::span<const SchemaStep> steps) {
  return check_header(read_header(db), path, steps.empty() ? 0 : steps.back().to);
}

Status migrate(SQLite::Database& db, const std::string& path, std::span<const SchemaStep> steps) {
  const int target = steps.empty() ? 0 : steps.back().to;
  // Checked before any lock is taken, so that a file that is not ours, or is newer, is refused
  // without being written to, and an up-to-date one (every open but the first) costs no write.
  Header header = read_header(db);
  if (auto s = check_header(header, path, target); !s) return s;
  if (is_current(header, target)) return {};

  // Checked again under the write lock: another process may have migrated the file meanwhile.
  SQLite::Transaction transaction{db, SQLite::TransactionBehavior::IMMEDIATE};
  header = read_header(db);
  if (auto s = check_header(header, path, target); !s) return s;
  if (is_current(header, target)) return {};
  for (const SchemaStep& step : steps) {
    if (step.to > header.version) db.exec(step.sql);
  }
  db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  db.exec("PRAGMA user_version = " + std::to_string(target));
  transaction.commit();
  return {};
}

}  // namespace crmflow::sqlite
