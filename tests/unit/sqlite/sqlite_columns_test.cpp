// What SqliteStore keeps in its columns, seen from outside the store: variables queryable with
// json_extract, history compacted to a row per commit, the worklist side table, and how a damaged
// row is reported.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <catch2/catch.hpp>
#include <limits>

#include "sqlite_fixture.hpp"

namespace crmflow {
namespace {

using test::at;
using test::TempDir;

Date feb(unsigned day) { return Date{std::chrono::sys_days{std::chrono::year{2026} / 2 / day}}; }

TEST_CASE("variables are plain JSON that json_extract reads; dates round-trip exactly",
          "[sqlite][json]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  CaseChange plain = test::new_case(1);
  plain.record.variables = Value::Object{
      {"device", "A52"}, {"cost", 1500000}, {"customer", Value::Object{{"name", "رضا"}}}};
  REQUIRE(store->commit(plain).ok());
  CaseChange dated = test::new_case(2);
  dated.record.variables = Value::Object{{"device", "S21"},
                                         {"cost", 2.5},
                                         {"received", feb(2)},
                                         {"promised", DateTime{at(90), 210}},
                                         {"warranty", Duration{.months = 12}},
                                         {"odd", Value::Object{{"$date", "not a date"}}}};
  REQUIRE(store->commit(dated).ok());

  auto raw = test::raw_connection(path);
  SQLite::Statement query{raw,
                          "SELECT id FROM cases WHERE json_extract(variables, '$.cost') > 2000 "
                          "ORDER BY id"};
  REQUIRE(query.executeStep());
  CHECK(query.getColumn(0).getInt64() == 1);
  CHECK_FALSE(query.executeStep());
  CHECK(raw.execAndGet("SELECT json_extract(variables, '$.customer.name') FROM cases WHERE id = 1")
            .getString() == "رضا");
  CHECK(raw.execAndGet("SELECT json_extract(variables, '$.received') FROM cases WHERE id = 2")
            .getString() == "2026-02-02");
  CHECK(raw.execAndGet("SELECT json_extract(variables, '$.warranty') FROM cases WHERE id = 2")
            .getString() == "P1Y");
  // The typed copy is kept only where the plain text would lose something.
  CHECK(raw.execAndGet("SELECT variables_typed IS NULL FROM cases WHERE id = 1").getInt() == 1);
  CHECK(raw.execAndGet("SELECT variables_typed IS NULL FROM cases WHERE id = 2").getInt() == 0);

  const Value got = store->load_case(2)->variables;
  CHECK(got["received"].is_date());
  CHECK(got["received"].as_date() == feb(2));
  REQUIRE(got["promised"].is_datetime());
  CHECK(got["promised"].as_datetime().offset_minutes == 210);
  CHECK(got["warranty"].as_duration() == Duration{.months = 12});
  CHECK(got["cost"].is_double());
  CHECK(got["odd"]["$date"].as_string() == "not a date");  // an object, not a date
  CHECK(store->load_case(1)->variables["cost"].is_integer());
}

TEST_CASE("history is one row per commit, read back in sequence order", "[sqlite][history]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  CaseChange start = test::new_case(1);
  start.history = {
      {.case_id = 1, .sequence = 1, .at = at(0), .event = EventType::case_started, .by = "ali"},
      {.case_id = 1,
       .sequence = 2,
       .at = at(0),
       .event = EventType::step_entered,
       .step_id = "check"},
      {.case_id = 1,
       .sequence = 3,
       .at = at(0),
       .event = EventType::task_created,
       .step_id = "check",
       .task_id = 5,
       .data = Value::Object{{"due", feb(3)}, {"note", "\"quoted\"\n"}}},
  };
  REQUIRE(store->commit(start).ok());
  CaseChange next = test::update_of(*store->load_case(1));
  next.history = {{.case_id = 1,
                   .sequence = 4,
                   .at = at(3),
                   .event = EventType::task_completed,
                   .step_id = "check",
                   .task_id = 5,
                   .by = "sara"}};
  REQUIRE(store->commit(next).ok());
  REQUIRE(store->commit(test::update_of(*store->load_case(1))).ok());  // no events: no row

  auto raw = test::raw_connection(path);
  CHECK(raw.execAndGet("SELECT count(*) FROM history").getInt() == 2);
  CHECK(raw.execAndGet("SELECT first_sequence || '-' || last_sequence FROM history "
                       "ORDER BY id LIMIT 1")
            .getString() == "1-3");

  // The events read in SQL, as docs/stores.md shows.
  SQLite::Statement in_sql{raw,
                           "SELECT json_extract(e.value, '$.event') FROM history h, "
                           "json_each(h.events) e WHERE h.case_id = 1 "
                           "ORDER BY h.first_sequence, e.key"};
  std::vector<std::string> names;
  while (in_sql.executeStep()) names.push_back(in_sql.getColumn(0).getString());
  CHECK(names ==
        std::vector<std::string>{"case_started", "step_entered", "task_created", "task_completed"});

  auto events = store->history(1);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 4);
  for (std::size_t i = 0; i < events->size(); ++i) CHECK((*events)[i].sequence == i + 1);
  const HistoryEvent& created = (*events)[2];
  CHECK(created.case_id == 1);
  CHECK(created.event == EventType::task_created);
  CHECK(created.step_id == "check");
  CHECK(created.task_id == 5);
  CHECK(created.by.empty());
  CHECK(created.data["due"].as_date() == feb(3));
  CHECK(created.data["note"].as_string() == "\"quoted\"\n");
  CHECK((*events)[3].by == "sara");
  CHECK((*events)[3].at == at(3));
  CHECK((*events)[0].data.is_null());
}

TEST_CASE("history of an unknown case is not_found; of a case without events, empty",
          "[sqlite][history]") {
  TempDir dir;
  auto store = test::open_store(dir.file("crm.db"));
  REQUIRE(store->commit(test::new_case(1)).ok());
  CHECK(store->history(1)->empty());
  auto missing = store->history(2);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK_THAT(missing.error().message, Catch::Contains("no case 2"));
}

TEST_CASE("task candidates are indexed while the task is open, and only then", "[sqlite][tasks]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  CaseChange change = test::new_case(1);
  Task task = test::open_task(5, 1);
  task.candidate_users = {"ali", "ali", "sara"};  // a repeated name is harmless
  task.candidate_groups = {"front-desk"};
  change.tasks.push_back(task);
  REQUIRE(store->commit(change).ok());
  auto raw = test::raw_connection(path);
  CHECK(raw.execAndGet("SELECT count(*) FROM task_candidates WHERE task_id = 5").getInt() == 3);
  CHECK(store->open_tasks({.user = "ali"})->size() == 1);
  CHECK(store->open_tasks({.user = "reza", .groups = {"lab", "front-desk"}})->size() == 1);
  CHECK(store->open_tasks({.group = "front-desk"})->size() == 1);
  CHECK(store->load_task(5)->candidate_users == std::vector<std::string>{"ali", "ali", "sara"});

  CaseChange complete = test::update_of(*store->load_case(1));
  task.status = TaskStatus::completed;
  task.completed_by = "ali";
  task.ended_at = at(4);
  complete.tasks.push_back(task);
  REQUIRE(store->commit(complete).ok());
  CHECK(raw.execAndGet("SELECT count(*) FROM task_candidates").getInt() == 0);
  CHECK(store->open_tasks({.user = "ali"})->empty());
  CHECK(store->load_task(5)->candidate_groups == std::vector<std::string>{"front-desk"});
}

TEST_CASE("a corrupt state blob is an internal error naming the case", "[sqlite][corrupt]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  REQUIRE(store->commit(test::new_case(1)).ok());
  REQUIRE(store->commit(test::new_case(2)).ok());
  test::raw_connection(path).exec("UPDATE cases SET state = x'00010203' WHERE id = 2");

  CHECK(store->load_case(1).ok());
  auto loaded = store->load_case(2);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::internal);
  CHECK_THAT(loaded.error().message, Catch::Contains("case 2") && Catch::Contains("state"));
  auto found = store->find_cases({.process_id = "p"});
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().code == ErrorCode::internal);
  CHECK_THAT(found.error().message, Catch::Contains("case 2"));
}

TEST_CASE("damaged JSON columns are internal errors naming the record", "[sqlite][corrupt]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  CaseChange change = test::new_case(1);
  change.tasks.push_back(test::open_task(5, 1));
  change.history.push_back(
      {.case_id = 1, .sequence = 1, .at = at(0), .event = EventType::case_started});
  REQUIRE(store->commit(change).ok());
  auto raw = test::raw_connection(path);
  raw.exec("UPDATE cases SET variables = '{\"a\":' WHERE id = 1");
  raw.exec("UPDATE tasks SET candidate_users = '[1]' WHERE id = 5");
  raw.exec("UPDATE history SET events = '[{\"seq\":1}]' WHERE case_id = 1");

  auto loaded = store->load_case(1);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == ErrorCode::internal);
  CHECK_THAT(loaded.error().message, Catch::Contains("case 1") && Catch::Contains("variables"));
  auto task = store->load_task(5);
  CHECK(task.error().code == ErrorCode::internal);
  CHECK_THAT(task.error().message, Catch::Contains("task 5"));
  auto history = store->history(1);
  CHECK(history.error().code == ErrorCode::internal);
  CHECK_THAT(history.error().message, Catch::Contains("case 1") && Catch::Contains("history"));
}

TEST_CASE("instants are integer milliseconds, enums their names", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  CaseChange change = test::new_case(1);
  change.record.started_at = Instant{std::chrono::milliseconds{1767225600123}};
  change.jobs_added.push_back(test::due_job(3, 1, at(1)));
  REQUIRE(store->commit(change).ok());
  auto raw = test::raw_connection(path);
  CHECK(raw.execAndGet("SELECT started_at FROM cases").getInt64() == 1767225600123);
  CHECK(raw.execAndGet("SELECT status FROM cases").getString() == "active");
  CHECK(raw.execAndGet("SELECT kind FROM jobs").getString() == "service");
  CHECK(raw.execAndGet("SELECT parent_case IS NULL FROM cases").getInt() == 1);
  CHECK(store->load_case(1)->started_at == Instant{std::chrono::milliseconds{1767225600123}});
}

TEST_CASE("the largest instant is the largest integer, and comes back", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  CaseChange change = test::new_case(1);
  JobRecord held = test::due_job(3, 1, at(1));
  held.leased_until = Instant::max();
  change.jobs_added.push_back(held);
  REQUIRE(store->commit(change).ok());
  auto raw = test::raw_connection(path);
  CHECK(raw.execAndGet("SELECT leased_until FROM jobs").getInt64() ==
        std::numeric_limits<std::int64_t>::max());
  CHECK(store->lease_job(3, at(1'000'000), at(1'000'001)).error().code == ErrorCode::conflict);
  auto got = store->next_due_job(Instant::max());  // the only moment the lease has ended at
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->leased_until == Instant::max());
}

TEST_CASE("delivery states are their names; an unknown one is internal naming the entry",
          "[sqlite][corrupt]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  CaseChange change = test::new_case(1);
  change.outbox.push_back({.case_id = 1, .channel = "sms", .idempotency_key = "1/1/0"});
  change.outbox.push_back({.case_id = 1, .channel = "sms", .idempotency_key = "1/1/1"});
  REQUIRE(store->commit(change).ok());
  auto entries = store->outbox(1);
  REQUIRE(entries.ok());
  CaseChange delivered = test::update_of(*store->load_case(1));
  Notification sent = entries->at(0);
  sent.status = DeliveryStatus::sent;
  sent.sent_at = at(2);
  Notification failed = entries->at(1);
  failed.status = DeliveryStatus::failed;
  delivered.deliveries = {sent, failed};
  REQUIRE(store->commit(delivered).ok());
  auto raw = test::raw_connection(path);
  CHECK(raw.execAndGet("SELECT group_concat(status) FROM outbox").getString() == "sent,failed");
  raw.exec("UPDATE outbox SET status = 'queued' WHERE id = " + std::to_string(sent.id));
  auto outbox = store->outbox(1);
  REQUIRE_FALSE(outbox.ok());
  CHECK(outbox.error().code == ErrorCode::internal);
  CHECK_THAT(outbox.error().message, Catch::Contains("notification " + std::to_string(sent.id)) &&
                                         Catch::Contains("'queued'"));
}

}  // namespace
}  // namespace crmflow
