// SqliteStore's reads. Each is one statement, so it sees one snapshot of the database (WAL:
// readers never wait for a writer). Queries whose filters vary are built once per combination
// of filters and kept prepared like the others.
#include "sqlite/sqlite_queries.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sqlite/sqlite_codec.hpp"
#include "sqlite/sqlite_impl.hpp"
#include "sqlite/sqlite_rows.hpp"

namespace crmflow {
namespace {

using sqlite::Use;

// LIMIT and OFFSET as SQLite takes them (-1: no limit).
std::int64_t sql_limit(std::size_t limit) {
  return limit == 0 ? -1 : static_cast<std::int64_t>(limit);
}

std::string build_find_cases(unsigned filters) {
  std::string sql = std::string{"SELECT "} + sqlite::kCaseColumns + " FROM cases WHERE 1";
  if ((filters & sqlite::kCaseByProcess) != 0) sql += " AND process_id = :process";
  if ((filters & sqlite::kCaseByStatus) != 0) sql += " AND status = :status";
  if ((filters & sqlite::kCaseByKey) != 0) sql += " AND key = :key";
  sql += " ORDER BY id LIMIT :limit OFFSET :offset";
  return sql;
}

// Candidates come from task_candidates, which holds those of open tasks only; `status = 'open'`
// is written out (not bound) so that the partial indexes apply.
std::string build_open_tasks(unsigned filters) {
  std::string sql =
      std::string{"SELECT "} + sqlite::kTaskColumns + " FROM tasks WHERE status = 'open'";
  if ((filters & sqlite::kTaskByCase) != 0) sql += " AND case_id = :case";
  if ((filters & sqlite::kTaskByStep) != 0) sql += " AND step_id = :step";
  if ((filters & sqlite::kTaskByDue) != 0) sql += " AND due <= :due";
  if ((filters & sqlite::kTaskByUser) != 0) {
    // The ids come from three index searches; an OR of them would make SQLite scan every open
    // task. The outer terms then drop tasks assigned to someone else.
    sql +=
        " AND (assignee = :user OR assignee = '') AND id IN ("
        "SELECT t.id FROM tasks t WHERE t.status = 'open' AND t.assignee = :user "
        "UNION SELECT c.task_id FROM task_candidates c WHERE c.kind = 'user' AND c.name = :user "
        "UNION SELECT c.task_id FROM task_candidates c WHERE c.kind = 'group' AND c.name IN "
        "(SELECT value FROM json_each(:groups)))";
  } else if ((filters & sqlite::kTaskByGroup) != 0) {
    sql +=
        " AND assignee = '' AND id IN (SELECT c.task_id FROM task_candidates c "
        "WHERE c.kind = 'group' AND c.name = :group)";
  } else if ((filters & sqlite::kTaskByAnyGroup) != 0) {
    sql +=
        " AND id IN (SELECT c.task_id FROM task_candidates c "
        "WHERE c.kind = 'group' AND c.name IN (SELECT value FROM json_each(:groups)))";
  }
  sql += " ORDER BY priority DESC, due IS NULL, due, id LIMIT :limit OFFSET :offset";
  return sql;
}

// Every remaining row of `s`, each read by `read`; a row that cannot be read fails the lot
// (internal, naming the record).
template <typename Record>
Result<std::vector<Record>> read_rows(SQLite::Statement& s,
                                      Result<Record> (*read)(const SQLite::Statement&)) {
  std::vector<Record> out;
  while (s.executeStep()) {
    Result<Record> record = read(s);
    if (!record) return std::move(record).error();
    out.push_back(std::move(*record));
  }
  return out;
}

bool by_sequence(const HistoryEvent& a, const HistoryEvent& b) { return a.sequence < b.sequence; }

template <std::size_t N>
std::array<std::string, N> build_all(std::string (*build)(unsigned)) {
  std::array<std::string, N> all;
  for (unsigned i = 0; i < N; ++i) all[i] = build(i);
  return all;
}

}  // namespace

namespace sqlite {

const std::string& find_cases_sql(unsigned filters) {
  static const auto kAll = build_all<kCaseFilterCombinations>(build_find_cases);
  return kAll.at(filters);
}

const std::string& open_tasks_sql(unsigned filters) {
  static const auto kAll = build_all<kTaskFilterCombinations>(build_open_tasks);
  return kAll.at(filters);
}

const std::string& next_due_job_sql() {
  static const std::string kSql =
      std::string{"SELECT "} + kJobColumns +
      " FROM jobs WHERE due <= ?1 AND (leased_until IS NULL OR leased_until <= ?1) "
      "ORDER BY due, id LIMIT 1";
  return kSql;
}

const std::string& next_due_sql() {
  // The first unleased job in (due, id) order (the walk along jobs_by_due stops at it: the
  // leased jobs before it are few), and every leased job through its partial index, at the later
  // of its due moment and its lease's end.
  static const std::string kSql =
      "SELECT min(moment) FROM ("
      "SELECT moment FROM (SELECT due AS moment FROM jobs WHERE leased_until IS NULL "
      "ORDER BY due, id LIMIT 1) "
      "UNION ALL SELECT max(due, leased_until) FROM jobs WHERE leased_until IS NOT NULL)";
  return kSql;
}

const std::string& next_due_delivery_sql() {
  // Two searches of the queue index, each giving at most one row: the first entry due at once
  // (next_attempt IS NULL, in id order), and the first retry due by now; of those the first in
  // (next_attempt, id) order, where SQLite sorts NULL first. One OR of the two would walk every
  // pending entry when none is due.
  static const std::string kSql =
      std::string{"SELECT * FROM (SELECT "} + kNotificationColumns +
      " FROM outbox WHERE status = 'pending' AND next_attempt IS NULL "
      "AND (leased_until IS NULL OR leased_until <= ?1) ORDER BY id LIMIT 1) "
      "UNION ALL SELECT * FROM (SELECT " +
      kNotificationColumns +
      " FROM outbox WHERE status = 'pending' AND next_attempt <= ?1 "
      "AND (leased_until IS NULL OR leased_until <= ?1) ORDER BY next_attempt, id LIMIT 1) "
      "ORDER BY next_attempt, id LIMIT 1";
  return kSql;
}

const std::string& next_delivery_due_sql() {
  // The minimum of three parts, each reading a row or a few: the first unleased entry due at once
  // by queue moment (INDEXED BY: SQLite would rather search outbox_pending and sort every entry
  // due at once); the first unleased retry by next attempt; the leased entries, each at the later
  // of its moment and its lease's end.
  static const std::string kSql =
      "SELECT min(moment) FROM ("
      "SELECT moment FROM (SELECT queued_at AS moment FROM outbox INDEXED BY outbox_at_once "
      "WHERE status = 'pending' AND next_attempt IS NULL AND leased_until IS NULL "
      "ORDER BY queued_at LIMIT 1) "
      "UNION ALL SELECT moment FROM (SELECT next_attempt AS moment FROM outbox "
      "WHERE status = 'pending' AND next_attempt IS NOT NULL AND leased_until IS NULL "
      "ORDER BY next_attempt, id LIMIT 1) "
      "UNION ALL SELECT max(ifnull(next_attempt, queued_at), leased_until) FROM outbox "
      "WHERE status = 'pending' AND leased_until IS NOT NULL)";
  return kSql;
}

const std::string& message_subscriptions_sql() {
  static const std::string kSql =
      std::string{"SELECT "} + kSubscriptionColumns +
      " FROM subscriptions WHERE kind = 'message' AND name = ?1 AND (key IS NULL OR key = ?2) "
      "ORDER BY case_id, token, boundary";
  return kSql;
}

const std::string& signal_subscriptions_sql() {
  static const std::string kSql = std::string{"SELECT "} + kSubscriptionColumns +
                                  " FROM subscriptions WHERE kind = 'signal' AND name = ?1 "
                                  "ORDER BY case_id, token, boundary";
  return kSql;
}

const std::string& history_sql() {
  // One statement: the case's existence and its history from one snapshot.
  static const std::string kSql =
      "SELECT h.events FROM cases c LEFT JOIN history h ON h.case_id = c.id "
      "WHERE c.id = ?1 ORDER BY h.first_sequence, h.id";
  return kSql;
}

}  // namespace sqlite

Result<CaseRecord> SqliteStore::load_case(CaseId id) {
  return impl_->run("loading a case", [&]() -> Result<CaseRecord> {
    static const std::string kSql =
        std::string{"SELECT "} + sqlite::kCaseColumns + " FROM cases WHERE id = ?";
    Use s{impl_->statement(kSql)};
    sqlite::bind_id(*s, 1, id);
    if (!s->executeStep()) return not_found("no case " + std::to_string(id));
    return sqlite::read_case(*s);
  });
}

Result<std::vector<CaseRecord>> SqliteStore::find_cases(const CaseQuery& query) {
  return impl_->run("finding cases", [&]() -> Result<std::vector<CaseRecord>> {
    const unsigned filters = (query.process_id.empty() ? 0 : sqlite::kCaseByProcess) |
                             (query.status ? sqlite::kCaseByStatus : 0) |
                             (query.key.empty() ? 0 : sqlite::kCaseByKey);
    Use s{impl_->statement(sqlite::find_cases_sql(filters))};
    if (!query.process_id.empty()) s->bind(":process", query.process_id);
    if (query.status) s->bind(":status", std::string{to_string(*query.status)});
    if (!query.key.empty()) s->bind(":key", query.key);
    s->bind(":limit", sql_limit(query.limit));
    s->bind(":offset", static_cast<std::int64_t>(query.offset));
    return read_rows(*s, sqlite::read_case);
  });
}

Result<Task> SqliteStore::load_task(TaskId id) {
  return impl_->run("loading a task", [&]() -> Result<Task> {
    static const std::string kSql =
        std::string{"SELECT "} + sqlite::kTaskColumns + " FROM tasks WHERE id = ?";
    Use s{impl_->statement(kSql)};
    sqlite::bind_id(*s, 1, id);
    if (!s->executeStep()) return not_found("no task " + std::to_string(id));
    return sqlite::read_task(*s);
  });
}

Result<std::vector<Task>> SqliteStore::open_tasks(const TaskFilter& filter) {
  return impl_->run("listing tasks", [&]() -> Result<std::vector<Task>> {
    const bool by_user = !filter.user.empty();
    const bool by_group = !by_user && !filter.group.empty();
    const bool by_any_group = !by_user && !by_group && !filter.any_group.empty();
    const unsigned filters =
        (filter.case_id != kNoId ? sqlite::kTaskByCase : 0) |
        (filter.step_id.empty() ? 0 : sqlite::kTaskByStep) |
        (filter.due_at_or_before ? sqlite::kTaskByDue : 0) | (by_user ? sqlite::kTaskByUser : 0) |
        (by_group ? sqlite::kTaskByGroup : 0) | (by_any_group ? sqlite::kTaskByAnyGroup : 0);
    Use s{impl_->statement(sqlite::open_tasks_sql(filters))};
    if (filter.case_id != kNoId) sqlite::bind_id(*s, s->getIndex(":case"), filter.case_id);
    if (!filter.step_id.empty()) s->bind(":step", filter.step_id);
    if (filter.due_at_or_before) s->bind(":due", sqlite::to_millis(*filter.due_at_or_before));
    if (by_user) {
      s->bind(":user", filter.user);
      s->bind(":groups", sqlite::encode_names(filter.groups));
    }
    if (by_group) s->bind(":group", filter.group);
    if (by_any_group) s->bind(":groups", sqlite::encode_names(filter.any_group));
    s->bind(":limit", sql_limit(filter.limit));
    s->bind(":offset", static_cast<std::int64_t>(filter.offset));
    return read_rows(*s, sqlite::read_task);
  });
}

Result<std::optional<JobRecord>> SqliteStore::next_due_job(Instant now) {
  return impl_->run("finding the next due job", [&]() -> Result<std::optional<JobRecord>> {
    Use s{impl_->statement(sqlite::next_due_job_sql())};
    sqlite::bind_instant(*s, 1, now);
    if (!s->executeStep()) return std::optional<JobRecord>{};
    auto job = sqlite::read_job(*s);
    if (!job) return std::move(job).error();
    return std::optional<JobRecord>{std::move(*job)};
  });
}

namespace {

// The moment in the one row of `s` (a min() that is NULL when there is none).
std::optional<Instant> optional_moment(SQLite::Statement& s) {
  if (!s.executeStep() || s.getColumn(0).isNull()) return std::nullopt;
  return sqlite::from_millis(s.getColumn(0).getInt64());
}

}  // namespace

Result<std::optional<Instant>> SqliteStore::next_due() {
  return impl_->run("finding the next due moment", [&]() -> Result<std::optional<Instant>> {
    Use s{impl_->statement(sqlite::next_due_sql())};
    return optional_moment(*s);
  });
}

Result<std::vector<Subscription>> SqliteStore::subscriptions(SubscriptionKind kind,
                                                             std::string_view name,
                                                             std::string_view key) {
  return impl_->run("finding subscriptions", [&]() -> Result<std::vector<Subscription>> {
    const bool message = kind == SubscriptionKind::message;
    Use s{impl_->statement(message ? sqlite::message_subscriptions_sql()
                                   : sqlite::signal_subscriptions_sql())};
    s->bind(1, std::string{name});
    if (message) s->bind(2, std::string{key});
    return read_rows(*s, sqlite::read_subscription);
  });
}

Result<std::vector<HistoryEvent>> SqliteStore::history(CaseId id) {
  return impl_->run("reading history", [&]() -> Result<std::vector<HistoryEvent>> {
    Use s{impl_->statement(sqlite::history_sql())};
    sqlite::bind_id(*s, 1, id);
    bool found = false;
    std::vector<HistoryEvent> out;
    while (s->executeStep()) {
      found = true;
      const SQLite::Column events = s->getColumn(0);
      if (events.isNull()) break;  // a case without history
      const std::string_view text{static_cast<const char*>(events.getBlob()),
                                  static_cast<std::size_t>(events.getBytes())};
      if (auto st = sqlite::decode_history(id, text, out); !st) {
        return internal_error("case " + std::to_string(id) +
                              ": stored history is unreadable: " + st.error().message);
      }
    }
    if (!found) return not_found("no case " + std::to_string(id));
    // Rows come in sequence order and the engine lists each commit's events in order, so this
    // is a check; a caller that listed them otherwise still reads them by sequence.
    if (!std::is_sorted(out.begin(), out.end(), by_sequence)) {
      std::stable_sort(out.begin(), out.end(), by_sequence);
    }
    return out;
  });
}

Result<std::vector<Notification>> SqliteStore::outbox(CaseId case_id) {
  return impl_->run("reading the outbox", [&]() -> Result<std::vector<Notification>> {
    static const std::string kOne = std::string{"SELECT "} + sqlite::kNotificationColumns +
                                    " FROM outbox WHERE case_id = ? ORDER BY id";
    static const std::string kAll =
        std::string{"SELECT "} + sqlite::kNotificationColumns + " FROM outbox ORDER BY case_id, id";
    Use s{impl_->statement(case_id == kNoId ? kAll : kOne)};
    if (case_id != kNoId) sqlite::bind_id(*s, 1, case_id);
    return read_rows(*s, sqlite::read_notification);
  });
}

Result<std::optional<Notification>> SqliteStore::next_due_delivery(Instant now) {
  return impl_->run("finding the next due delivery", [&]() -> Result<std::optional<Notification>> {
    Use s{impl_->statement(sqlite::next_due_delivery_sql())};
    sqlite::bind_instant(*s, 1, now);
    if (!s->executeStep()) return std::optional<Notification>{};
    auto entry = sqlite::read_notification(*s);
    if (!entry) return std::move(entry).error();
    return std::optional<Notification>{std::move(*entry)};
  });
}

Result<std::optional<Instant>> SqliteStore::next_delivery_due() {
  return impl_->run("finding the next delivery moment", [&]() -> Result<std::optional<Instant>> {
    Use s{impl_->statement(sqlite::next_delivery_due_sql())};
    return optional_moment(*s);
  });
}

}  // namespace crmflow
