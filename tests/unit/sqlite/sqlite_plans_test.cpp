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

}  // namespace
}  // namespace crmflow
