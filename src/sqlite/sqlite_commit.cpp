// SqliteStore::commit: every case of one engine call in one IMMEDIATE transaction. Everything
// that needs no lock (JSON, the state archive) is encoded before the transaction begins, so the
// write lock other processes wait for is held only for the row writes.
#include <SQLiteCpp/Transaction.h>

#include <string>
#include <vector>

#include "sqlite/sqlite_codec.hpp"
#include "sqlite/sqlite_impl.hpp"
#include "sqlite/sqlite_rows.hpp"
#include "store/state_codec.hpp"

namespace crmflow {
namespace {

using sqlite::Connection;
using sqlite::Use;

struct EncodedTask {
  const Task* task = nullptr;
  std::string candidate_users;
  std::string candidate_groups;
};

// One case's change with its texts and bytes ready to bind.
struct EncodedChange {
  const CaseChange* change = nullptr;
  sqlite::VariablesText variables;
  std::string state;  // empty when the record has none (refused by check_case)
  std::vector<EncodedTask> tasks;
  std::string history;  // the commit's events as one JSON array; empty when there are none
};

EncodedChange encode(const CaseChange& change) {
  EncodedChange e;
  e.change = &change;
  e.variables = sqlite::encode_variables(change.record.variables);
  if (change.record.state != nullptr) e.state = store::encode_state(*change.record.state);
  e.tasks.reserve(change.tasks.size());
  for (const Task& task : change.tasks) {
    e.tasks.push_back({&task, sqlite::encode_names(task.candidate_users),
                       sqlite::encode_names(task.candidate_groups)});
  }
  if (!change.history.empty()) e.history = sqlite::encode_history(change.record.id, change.history);
  return e;
}

// Whether the change may be written: the case is new and absent, or present at the expected row
// version. Run under the write lock, so the answer holds until the commit.
Status check_case(Connection& c, const CaseChange& change) {
  const CaseId id = change.record.id;
  if (change.record.state == nullptr) {
    return internal_error("commit of case " + std::to_string(id) + " without execution state");
  }
  Use s{c.statement("SELECT row_version FROM cases WHERE id = ?")};
  sqlite::bind_id(*s, 1, id);
  const bool exists = s->executeStep();
  if (change.is_new) {
    if (exists) return conflict("case " + std::to_string(id) + " already exists");
    return {};
  }
  if (!exists) return not_found("no case " + std::to_string(id));
  if (static_cast<std::uint64_t>(s->getColumn(0).getInt64()) != change.expected_row_version) {
    return conflict("case " + std::to_string(id) +
                    " was changed by another call meanwhile; load it again and retry");
  }
  return {};
}

// Binds the case columns as ?1..?15, in kCaseColumns order.
void bind_case(SQLite::Statement& s, const EncodedChange& e) {
  const CaseRecord& r = e.change->record;
  sqlite::bind_id(s, 1, r.id);
  s.bind(2, r.process_id);
  s.bind(3, static_cast<std::int64_t>(r.version));
  s.bind(4, r.key);
  s.bind(5, std::string{to_string(r.status)});
  s.bind(6, r.progress);
  s.bind(7, r.initiator);
  sqlite::bind_instant(s, 8, r.started_at);
  sqlite::bind_instant(s, 9, r.ended_at);
  s.bindNoCopy(10, e.variables.plain);
  sqlite::bind_text(s, 11, e.variables.typed);
  if (r.parent_case == kNoId) {
    s.bind(12);
  } else {
    sqlite::bind_id(s, 12, r.parent_case);
  }
  s.bind(13, r.parent_token);
  sqlite::bind_id(s, 14, r.row_version);
  s.bindNoCopy(15, e.state.data(), static_cast<int>(e.state.size()));
}

Status write_case(Connection& c, const EncodedChange& e) {
  const CaseChange& change = *e.change;
  if (change.is_new) {
    static const std::string kInsert = std::string{"INSERT INTO cases ("} + sqlite::kCaseColumns +
                                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                       "?12, ?13, ?14, ?15)";
    Use s{c.statement(kInsert)};
    bind_case(*s, e);
    s->exec();
    return {};
  }
  Use s{c.statement(
      "UPDATE cases SET process_id = ?2, version = ?3, key = ?4, status = ?5, progress = ?6, "
      "initiator = ?7, started_at = ?8, ended_at = ?9, variables = ?10, variables_typed = ?11, "
      "parent_case = ?12, parent_token = ?13, row_version = ?14, state = ?15 "
      "WHERE id = ?1 AND row_version = ?16")};
  bind_case(*s, e);
  sqlite::bind_id(*s, 16, change.expected_row_version);
  // The guard: check_case ran under this same lock, so this cannot miss; if it ever does, the
  // transaction is rolled back rather than a change lost.
  if (s->exec() != 1) {
    return internal_error("case " + std::to_string(change.record.id) +
                          " moved under the write lock; nothing was written");
  }
  return {};
}

void write_candidates(Connection& c, TaskId id, const char* kind,
                      const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    Use s{c.statement(
        "INSERT OR IGNORE INTO task_candidates (kind, name, task_id) VALUES (?, ?, ?)")};
    s->bind(1, kind);
    s->bind(2, name);
    sqlite::bind_id(*s, 3, id);
    s->exec();
  }
}

void write_task(Connection& c, const EncodedTask& e) {
  const Task& t = *e.task;
  {
    static const std::string kUpsert =
        std::string{"INSERT INTO tasks ("} + sqlite::kTaskColumns +
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
        "ON CONFLICT (id) DO UPDATE SET case_id = ?2, process_id = ?3, step_id = ?4, name = ?5, "
        "status = ?6, assignee = ?7, candidate_users = ?8, candidate_groups = ?9, "
        "priority = ?10, due = ?11, created_at = ?12, ended_at = ?13, completed_by = ?14, "
        "token = ?15";
    Use s{c.statement(kUpsert)};
    sqlite::bind_id(*s, 1, t.id);
    sqlite::bind_id(*s, 2, t.case_id);
    s->bind(3, t.process_id);
    s->bind(4, t.step_id);
    s->bind(5, t.name);
    s->bind(6, std::string{to_string(t.status)});
    s->bind(7, t.assignee);
    s->bindNoCopy(8, e.candidate_users);
    s->bindNoCopy(9, e.candidate_groups);
    s->bind(10, t.priority);
    sqlite::bind_instant(*s, 11, t.due);
    sqlite::bind_instant(*s, 12, t.created_at);
    sqlite::bind_instant(*s, 13, t.ended_at);
    s->bind(14, t.completed_by);
    s->bind(15, t.token);
    s->exec();
  }
  // The side table holds the candidates of open tasks only: the worklist index.
  {
    Use s{c.statement("DELETE FROM task_candidates WHERE task_id = ?")};
    sqlite::bind_id(*s, 1, t.id);
    s->exec();
  }
  if (t.status == TaskStatus::open) {
    write_candidates(c, t.id, "user", t.candidate_users);
    write_candidates(c, t.id, "group", t.candidate_groups);
  }
}

void write_jobs(Connection& c, const CaseChange& change) {
  for (JobId id : change.jobs_removed) {
    Use s{c.statement("DELETE FROM jobs WHERE id = ?")};
    sqlite::bind_id(*s, 1, id);
    s->exec();
  }
  for (const JobRecord& job : change.jobs_added) {
    Use s{c.statement(sqlite::insert_job_sql())};
    sqlite::bind_job(*s, job);
    s->exec();
  }
}

void write_subscriptions(Connection& c, const CaseChange& change) {
  for (std::uint32_t token : change.subscriptions_removed) {
    Use s{c.statement("DELETE FROM subscriptions WHERE case_id = ? AND token = ?")};
    sqlite::bind_id(*s, 1, change.record.id);
    s->bind(2, token);
    s->exec();
  }
  for (const Subscription& sub : change.subscriptions_added) {
    static const std::string kInsert = std::string{"INSERT OR REPLACE INTO subscriptions ("} +
                                       sqlite::kSubscriptionColumns + ") VALUES (?, ?, ?, ?, ?, ?)";
    Use s{c.statement(kInsert)};
    sqlite::bind_id(*s, 1, sub.case_id);
    s->bind(2, sub.token);
    s->bind(3, sub.boundary);
    s->bind(4, std::string{sqlite::to_text(sub.kind)});
    s->bind(5, sub.name);
    sqlite::bind_text(*s, 6, sub.key);
    s->exec();
  }
}

void write_history(Connection& c, const EncodedChange& e) {
  if (e.history.empty()) return;
  const CaseChange& change = *e.change;
  Use s{c.statement(
      "INSERT INTO history (case_id, first_sequence, last_sequence, events) VALUES (?, ?, ?, ?)")};
  sqlite::bind_id(*s, 1, change.record.id);
  sqlite::bind_id(*s, 2, change.history.front().sequence);
  sqlite::bind_id(*s, 3, change.history.back().sequence);
  s->bindNoCopy(4, e.history);
  s->exec();
}

// Appends the change's notifications as pending entries; SQLite gives each its id (the rowid:
// increasing, since outbox rows are never deleted).
void write_outbox(Connection& c, const CaseChange& change) {
  for (const Notification& n : change.outbox) {
    Use s{c.statement(
        "INSERT INTO outbox (case_id, step_id, channel, recipient, subject, text, "
        "idempotency_key, queued_at, segments, status, attempts, next_attempt, leased_until, "
        "sent_at, last_error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, NULL, NULL, NULL, '')")};
    sqlite::bind_id(*s, 1, n.case_id);
    s->bind(2, n.step_id);
    s->bind(3, n.channel);
    s->bind(4, n.to);
    s->bind(5, n.subject);
    s->bind(6, n.text);
    s->bind(7, n.idempotency_key);
    sqlite::bind_instant(*s, 8, n.at);
    s->bind(9, n.segments);
    s->exec();
  }
}

// Records the delivery state of existing entries of the change's case. not_found for an id that
// is not one of them (the caller's transaction then rolls back whatever was written).
Status write_deliveries(Connection& c, const CaseChange& change) {
  for (const Notification& d : change.deliveries) {
    Use s{c.statement(
        "UPDATE outbox SET status = ?3, attempts = ?4, next_attempt = ?5, leased_until = ?6, "
        "sent_at = ?7, last_error = ?8 WHERE id = ?1 AND case_id = ?2")};
    sqlite::bind_id(*s, 1, d.id);
    sqlite::bind_id(*s, 2, change.record.id);
    s->bind(3, std::string{to_string(d.status)});
    s->bind(4, d.attempts);
    sqlite::bind_instant(*s, 5, d.next_attempt);
    sqlite::bind_instant(*s, 6, d.leased_until);
    sqlite::bind_instant(*s, 7, d.sent_at);
    s->bind(8, d.last_error);
    if (s->exec() == 0) {
      return not_found("notification " + std::to_string(d.id) + " is not in the outbox of case " +
                       std::to_string(change.record.id));
    }
  }
  return {};
}

// Writes a checked change, in MemoryStore's order: the case, tasks, jobs, subscriptions,
// history, outbox.
Status write_change(Connection& c, const EncodedChange& e) {
  if (auto s = write_case(c, e); !s) return s;
  for (const EncodedTask& task : e.tasks) write_task(c, task);
  write_jobs(c, *e.change);
  write_subscriptions(c, *e.change);
  write_history(c, e);
  write_outbox(c, *e.change);
  return {};
}

}  // namespace

Status SqliteStore::commit(const CaseChange& change) {
  std::vector<EncodedChange> encoded;
  try {
    encoded.reserve(1 + change.linked.size());
    encoded.push_back(encode(change));
    for (const CaseChange& linked : change.linked) encoded.push_back(encode(linked));
  } catch (...) {
    return sqlite::current_error(impl_->error_context(), "encoding a change");
  }
  const std::string doing = "committing case " + std::to_string(change.record.id);
  return impl_->run(doing, [&]() -> Status {
    SQLite::Transaction transaction{impl_->db, SQLite::TransactionBehavior::IMMEDIATE};
    // Every case is checked before any is written: all or nothing (a refusal rolls back).
    for (const EncodedChange& e : encoded) {
      if (auto s = check_case(*impl_, *e.change); !s) return s;
    }
    // Deliveries first, so that they can name only entries that existed before this commit (as
    // in MemoryStore, which checks them with the row versions). One that is not its case's
    // returns before the commit: the transaction rolls back, nothing is written.
    for (const EncodedChange& e : encoded) {
      if (auto s = write_deliveries(*impl_, *e.change); !s) return s;
    }
    for (const EncodedChange& e : encoded) {
      if (auto s = write_change(*impl_, e); !s) return s;
    }
    transaction.commit();
    return {};
  });
}

}  // namespace crmflow
