// SqliteStore's retention: listing ended cases and removing one with every row of it, in one
// IMMEDIATE transaction (docs/retention.md).
#include <SQLiteCpp/Transaction.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sqlite/sqlite_impl.hpp"
#include "sqlite/sqlite_rows.hpp"

namespace crmflow {
namespace {

using sqlite::Use;

constexpr const char* kFinal = "('completed', 'cancelled', 'terminated')";

}  // namespace

Result<std::vector<CaseId>> SqliteStore::ended_cases(Instant ended_before, CaseId after,
                                                     std::size_t limit) {
  return impl_->run("listing ended cases", [&]() -> Result<std::vector<CaseId>> {
    static const std::string kSql = std::string{"SELECT id FROM cases WHERE status IN "} + kFinal +
                                    " AND ended_at < ?1 AND id > ?2 ORDER BY id LIMIT ?3";
    Use s{impl_->statement(kSql)};
    sqlite::bind_instant(*s, 1, ended_before);
    sqlite::bind_id(*s, 2, after);
    s->bind(3, limit == 0 ? std::numeric_limits<std::int64_t>::max()
                          : static_cast<std::int64_t>(limit));
    std::vector<CaseId> out;
    while (s->executeStep()) out.push_back(static_cast<CaseId>(s->getColumn(0).getInt64()));
    return out;
  });
}

Status SqliteStore::remove_ended_case(CaseId id, Instant ended_before) {
  const std::string doing = "removing case " + std::to_string(id);
  return impl_->run(doing, [&]() -> Status {
    SQLite::Transaction transaction{impl_->db, SQLite::TransactionBehavior::IMMEDIATE};
    {
      // Checked under the write lock: the answer holds until the commit.
      static const std::string kCheck = std::string{"SELECT status, status IN "} + kFinal +
                                        " AND ended_at < ?2 FROM cases WHERE id = ?1";
      Use check{impl_->statement(kCheck)};
      sqlite::bind_id(*check, 1, id);
      sqlite::bind_instant(*check, 2, ended_before);
      if (!check->executeStep()) return not_found("no case " + std::to_string(id));
      if (check->getColumn(1).getInt() == 0) {
        return invalid_state("case " + std::to_string(id) + " is " +
                             check->getColumn(0).getString() +
                             "; only a case that ended before the cutoff is removed");
      }
    }
    {
      Use pending{
          impl_->statement("SELECT count(*) FROM outbox WHERE case_id = ? AND status = 'pending'")};
      sqlite::bind_id(*pending, 1, id);
      pending->executeStep();
      if (const auto count = pending->getColumn(0).getInt64(); count > 0) {
        return invalid_state("case " + std::to_string(id) + " has " + std::to_string(count) +
                             " notification(s) still to deliver; it is kept until they are "
                             "delivered or given up");
      }
    }
    // Children before parents: task_candidates and history name their task and case.
    static constexpr const char* kDeletes[] = {
        "DELETE FROM task_candidates WHERE task_id IN (SELECT id FROM tasks WHERE case_id = ?)",
        "DELETE FROM tasks WHERE case_id = ?",
        "DELETE FROM jobs WHERE case_id = ?",
        "DELETE FROM subscriptions WHERE case_id = ?",
        "DELETE FROM history WHERE case_id = ?",
        "DELETE FROM outbox WHERE case_id = ?",
        "DELETE FROM cases WHERE id = ?",
    };
    for (const char* sql : kDeletes) {
      Use remove{impl_->statement(sql)};
      sqlite::bind_id(*remove, 1, id);
      remove->exec();
    }
    transaction.commit();
    return {};
  });
}

}  // namespace crmflow
