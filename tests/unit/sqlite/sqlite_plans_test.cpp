// The reads that must stay fast on millions of rows use their indexes: checked with SQLite's
// EXPLAIN QUERY PLAN on the store's own SQL, so that a schema or query change that loses an
// index fails here rather than in production.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <catch2/catch.hpp>

#include "sqlite/sqlite_queries.hpp"
#include "sqlite_fixture.hpp"

namespace crmflow {
namespace {

// The plan's lines, one per step ("SEARCH tasks USING INDEX ...", "SCAN c", ...).
std::string plan_of(SQLite::Database& db, const std::string& sql) {
  SQLite::Statement explain{db, "EXPLAIN QUERY PLAN " + sql};
  std::string plan;
  while (explain.executeStep()) plan += explain.getColumn(3).getString() + "\n";
  return plan;
}

// Whether the plan reads every row of `table`, or every entry of one of its indexes, rather
// than searching it ("SCAN tasks USING INDEX tasks_open_by_due" reads every open task).
bool scans_whole(const std::string& plan, const std::string& table) {
  return plan.find("SCAN " + table + "\n") != std::string::npos ||
         plan.find("SCAN " + table + " USING") != std::string::npos;
}

TEST_CASE("worklist queries use the task indexes", "[sqlite][plans]") {
  test::TempDir dir;
  const std::string path = dir.file("crm.db");
  test::open_store(path).reset();
  auto db = test::raw_connection(path);
  for (unsigned filters = 1; filters < sqlite::kTaskFilterCombinations; ++filters) {
    const bool user = (filters & sqlite::kTaskByUser) != 0;
    const bool group = (filters & sqlite::kTaskByGroup) != 0;
    if (user && group) continue;
    const std::string plan = plan_of(db, sqlite::open_tasks_sql(filters));
    INFO("filters " << filters << ":\n" << plan);
    CHECK_FALSE(scans_whole(plan, "tasks"));
    CHECK_FALSE(scans_whole(plan, "c"));  // task_candidates
  }
}

TEST_CASE("case, job, subscription and history reads use their indexes", "[sqlite][plans]") {
  test::TempDir dir;
  const std::string path = dir.file("crm.db");
  test::open_store(path).reset();
  auto db = test::raw_connection(path);
  for (unsigned filters = 1; filters < sqlite::kCaseFilterCombinations; ++filters) {
    const std::string plan = plan_of(db, sqlite::find_cases_sql(filters));
    INFO("filters " << filters << ":\n" << plan);
    CHECK_FALSE(scans_whole(plan, "cases"));
  }
  const std::string jobs = plan_of(db, sqlite::next_due_job_sql());
  INFO(jobs);
  CHECK_THAT(jobs, Catch::Contains("jobs_by_due"));
  CHECK_THAT(jobs, !Catch::Contains("TEMP B-TREE"));  // no sort: the index gives the order
  const std::string messages = plan_of(db, sqlite::message_subscriptions_sql());
  INFO(messages);
  CHECK_THAT(messages, Catch::Contains("subscriptions_by_name"));
  const std::string signals = plan_of(db, sqlite::signal_subscriptions_sql());
  INFO(signals);
  CHECK_THAT(signals, Catch::Contains("subscriptions_by_name"));
  const std::string history = plan_of(db, sqlite::history_sql());
  INFO(history);
  CHECK_THAT(history, Catch::Contains("history_by_case"));
  CHECK_FALSE(scans_whole(history, "h"));
}

TEST_CASE("next due moments and the delivery queue search their indexes", "[sqlite][plans]") {
  test::TempDir dir;
  const std::string path = dir.file("crm.db");
  test::open_store(path).reset();
  auto db = test::raw_connection(path);
  // next_due: the first unleased job walking jobs_by_due in order (LIMIT 1 stops the walk at
  // it: the one SCAN allowed, as in next_due_job), and the leased jobs through jobs_leased.
  const std::string due = plan_of(db, sqlite::next_due_sql());
  INFO(due);
  CHECK_THAT(due, Catch::Contains("SCAN jobs USING INDEX jobs_by_due\n") &&
                      Catch::Contains("SEARCH jobs USING INDEX jobs_leased"));
  CHECK_THAT(due, !Catch::Contains("TEMP B-TREE") && !Catch::Contains("SCAN jobs\n"));
  // next_due_delivery: two searches of the queue index (at once; retries due by now), never a
  // walk of every pending entry; the sort is of the two rows they give.
  const std::string deliveries = plan_of(db, sqlite::next_due_delivery_sql());
  INFO(deliveries);
  CHECK_THAT(deliveries,
             Catch::Contains("SEARCH outbox USING INDEX outbox_pending (next_attempt=?)") &&
                 Catch::Contains("SEARCH outbox USING INDEX outbox_pending (next_attempt<?)"));
  CHECK_FALSE(scans_whole(deliveries, "outbox"));
  // next_delivery_due: the first unleased entry due at once walking outbox_at_once in queue
  // moment order (LIMIT 1 stops the walk), the first retry from the queue index, and the leased
  // entries from outbox_leased; nothing sorted.
  const std::string delivery_due = plan_of(db, sqlite::next_delivery_due_sql());
  INFO(delivery_due);
  CHECK_THAT(delivery_due,
             Catch::Contains("SCAN outbox USING INDEX outbox_at_once\n") &&
                 Catch::Contains("SEARCH outbox USING INDEX outbox_pending (next_attempt>?)") &&
                 Catch::Contains("SEARCH outbox USING INDEX outbox_leased"));
  CHECK_THAT(delivery_due, !Catch::Contains("TEMP B-TREE") && !Catch::Contains("SCAN outbox\n"));
}

}  // namespace
}  // namespace crmflow
