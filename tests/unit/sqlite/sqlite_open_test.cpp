// SqliteStore on disk: creating and reopening a file, the schema version and its migrations,
// and the files it refuses.
#include <SQLiteCpp/Database.h>

#include <array>
#include <catch2/catch.hpp>
#include <fstream>
#include <vector>

#include "sqlite/sqlite_schema.hpp"
#include "sqlite_fixture.hpp"

namespace crmflow {
namespace {

using test::at;
using test::TempDir;

int user_version(const std::string& path) {
  return test::raw_connection(path).execAndGet("PRAGMA user_version").getInt();
}

TEST_CASE("a new file gets the current schema, WAL and the crmflow application id", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path);
  CHECK(store->path() == path);
  CHECK(SqliteStore::schema_version() == 3);
  auto raw = test::raw_connection(path);
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == SqliteStore::schema_version());
  CHECK(raw.execAndGet("PRAGMA application_id").getInt() == sqlite::kApplicationId);
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "wal");
  for (const char* table : {"sequences", "definitions", "cases", "tasks", "task_candidates", "jobs",
                            "subscriptions", "history", "outbox"}) {
    INFO(table);
    CHECK(raw.tableExists(table));
  }
}

TEST_CASE("reopening a file keeps everything", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  CaseChange change = test::new_case(1);
  change.record.key = "R-1001";
  change.record.variables =
      Value::Object{{"device", "A52"},
                    {"received", Date{std::chrono::sys_days{std::chrono::year{2026} / 2 / 2}}}};
  change.tasks.push_back(test::open_task(5, 1));
  change.jobs_added.push_back(test::due_job(9, 1, at(10)));
  change.subscriptions_added.push_back({.case_id = 1,
                                        .token = 3,
                                        .boundary = 0,
                                        .kind = SubscriptionKind::message,
                                        .name = "paid",
                                        .key = "R-1001"});
  change.history.push_back(
      {.case_id = 1, .sequence = 1, .at = at(0), .event = EventType::case_started, .by = "ali"});
  change.outbox.push_back({.case_id = 1,
                           .step_id = "receive",
                           .channel = "sms",
                           .to = "+98912",
                           .text = "received",
                           .idempotency_key = "1/1/0",
                           .at = at(0)});
  {
    auto store = test::open_store(path);
    CHECK(*store->allocate_id(IdKind::case_id) == 1);
    CHECK(*store->allocate_id(IdKind::job_id) == 1);
    REQUIRE(store
                ->add_definition({.process_id = "p",
                                  .version = 1,
                                  .content_hash = "abc",
                                  .canonical = "{}",
                                  .deployed_at = at(-5)})
                .ok());
    REQUIRE(store->commit(change).ok());
  }
  auto store = test::open_store(path, {.must_exist = true});
  CHECK(*store->allocate_id(IdKind::case_id) == 2);  // ids are never handed out twice
  CHECK(*store->allocate_id(IdKind::job_id) == 2);
  CHECK(*store->allocate_id(IdKind::task_id) == 1);

  auto record = store->load_case(1);
  REQUIRE(record.ok());
  CHECK(record->key == "R-1001");
  CHECK(record->row_version == 1);
  CHECK(record->variables["received"].is_date());
  REQUIRE(record->state != nullptr);
  CHECK(record->state->tokens.size() == 1);
  CHECK(record->state->joins.front().arrived == std::vector<std::uint32_t>{1, 0, 2});
  CHECK(record->state->incidents.front().message == "step 'check': no flow matched");
  CHECK(record->state->history_sequence == 12);

  CHECK(store->load_task(5)->name == "Check the device");
  CHECK((*store->next_due_job(at(10)))->id == 9);
  CHECK(store->subscriptions(SubscriptionKind::message, "paid", "R-1001")->size() == 1);
  CHECK(store->history(1)->front().by == "ali");
  CHECK(store->outbox(1)->front().idempotency_key == "1/1/0");
  auto definition = store->latest_definition("p");
  REQUIRE(definition.ok());
  REQUIRE(definition->has_value());
  CHECK((*definition)->content_hash == "abc");
  CHECK((*definition)->deployed_at == at(-5));
  CHECK((*definition)->process == nullptr);  // the engine loads it again from canonical
}

TEST_CASE("must_exist refuses a missing file with not_found and creates nothing", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("missing.db");
  auto store = SqliteStore::open(path, {.must_exist = true});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::not_found);
  CHECK_THAT(store.error().message, Catch::Contains(path));
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a file in a missing folder is unavailable naming the path", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("no-such-folder/crm.db");
  auto store = SqliteStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::unavailable);
  CHECK_THAT(store.error().message, Catch::Contains("'" + path + "'"));
}

TEST_CASE("a folder is refused as unavailable naming the path, and left as it is", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("a-folder");
  REQUIRE(std::filesystem::create_directory(path));
  auto store = SqliteStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::unavailable);
  CHECK_THAT(store.error().message,
             Catch::Contains("'" + path + "' is a folder") && Catch::Contains("/crm.db"));
  CHECK(std::filesystem::is_empty(path));
}

TEST_CASE("an empty path is refused", "[sqlite]") {
  auto store = SqliteStore::open("");
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::invalid_input);
}

TEST_CASE("a file that is not a SQLite database is refused naming the path", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream{path} << "these are notes, not a database; they are long enough to have a "
                         "header-sized first page of text in them, which SQLite checks.\n";
  auto store = SqliteStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::unavailable);
  CHECK_THAT(store.error().message, Catch::Contains(path) && Catch::Contains("not a SQLite"));
}

TEST_CASE("another application's SQLite database is refused and left untouched", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("other.db");
  test::raw_connection(path).exec("CREATE TABLE contacts (name TEXT)");
  auto store = SqliteStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::unavailable);
  CHECK_THAT(store.error().message,
             Catch::Contains(path) && Catch::Contains("not a crmflow store"));
  auto raw = test::raw_connection(path);
  CHECK_FALSE(raw.tableExists("cases"));
  CHECK(raw.execAndGet("PRAGMA journal_mode").getString() == "delete");  // not switched to WAL
}

TEST_CASE("a newer schema version is refused naming both versions", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  test::open_store(path).reset();
  test::raw_connection(path).exec("PRAGMA user_version = 7");
  auto store = SqliteStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == ErrorCode::unavailable);
  CHECK_THAT(store.error().message,
             Catch::Contains(path) && Catch::Contains("version 7") &&
                 Catch::Contains("version " + std::to_string(SqliteStore::schema_version())));
  CHECK(user_version(path) == 7);
}

// The next version, of a made-up future release: what a real new step will look like.
constexpr const char* kAddNote = "ALTER TABLE cases ADD COLUMN note TEXT NOT NULL DEFAULT '';";
const int kNextVersion = SqliteStore::schema_version() + 1;

// This build's steps followed by `extra`.
std::vector<sqlite::SchemaStep> steps_and(sqlite::SchemaStep extra) {
  std::vector<sqlite::SchemaStep> steps(sqlite::schema_steps().begin(),
                                        sqlite::schema_steps().end());
  steps.push_back(extra);
  return steps;
}

TEST_CASE("migration applies the steps a file lacks, keeping its data", "[sqlite][migration]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  {
    auto store = test::open_store(path);
    REQUIRE(store->commit(test::new_case(1)).ok());
  }
  const std::vector<sqlite::SchemaStep> steps = steps_and({kNextVersion, kAddNote});
  {
    auto raw = test::raw_connection(path);
    REQUIRE(sqlite::migrate(raw, path, steps).ok());
    CHECK(raw.execAndGet("PRAGMA user_version").getInt() == kNextVersion);
    CHECK(raw.execAndGet("SELECT note FROM cases WHERE id = 1").getString().empty());
    REQUIRE(sqlite::migrate(raw, path, steps).ok());  // a current file is left as it is
  }
  // This build reads up to its own version.
  auto store = SqliteStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(store.error().message, Catch::Contains("version " + std::to_string(kNextVersion)));
}

TEST_CASE("a version 1 file gets the trigger columns of version 2, its jobs kept",
          "[sqlite][migration]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  {
    // A file as the first release wrote it, with a timer job and a notification in it.
    auto raw = test::raw_connection(path);
    REQUIRE(sqlite::migrate(raw, path, sqlite::schema_steps().first(1)).ok());
    REQUIRE(raw.execAndGet("PRAGMA user_version").getInt() == 1);
    raw.exec(
        "INSERT INTO jobs (id, case_id, kind, due, token, attempt, index_in_step, leased_until) "
        "VALUES (9, 1, 'timer', 600000, 3, 1, 2, NULL)");
    raw.exec(
        "INSERT INTO outbox (id, case_id, step_id, channel, recipient, subject, text, "
        "idempotency_key, queued_at) "
        "VALUES (3, 1, 'receive', 'sms', '+98912', '', 'received', '1/1/0', 60000)");
  }
  auto store = test::open_store(path);
  CHECK(user_version(path) == SqliteStore::schema_version());
  auto old = store->next_due_job(at(100));
  REQUIRE(old.ok());
  REQUIRE(old->has_value());
  CHECK((*old)->id == 9);
  CHECK((*old)->kind == JobKind::timer);
  CHECK((*old)->token == 3);
  CHECK((*old)->index == 2);
  CHECK((*old)->process_id.empty());
  CHECK((*old)->version == 0);
  CHECK((*old)->occurrence == 0);
  REQUIRE(store->lease_job(9, at(100), at(10'000)).ok());  // so that the next one comes up
  // The new columns take trigger jobs, which belong to no case.
  DefinitionRecord d{.process_id = "weekly-call",
                     .version = 4,
                     .content_hash = "h",
                     .canonical = "{}",
                     .deployed_at = at(0)};
  JobRecord trigger{.id = 10,
                    .case_id = kNoId,
                    .kind = JobKind::trigger,
                    .due = at(1),
                    .index = 1,
                    .process_id = "weekly-call",
                    .version = 4,
                    .occurrence = 7};
  REQUIRE(store->add_definition_with_triggers(d, {trigger}).ok());
  auto got = store->next_due_job(at(1));
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  CHECK((*got)->id == 10);
  CHECK((*got)->case_id == kNoId);
  CHECK((*got)->process_id == "weekly-call");
  CHECK((*got)->version == 4);
  CHECK((*got)->occurrence == 7);
  CHECK(
      test::raw_connection(path)
          .execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'jobs_triggers_by_process'")
          .getInt() == 1);
  // Through version 2 to version 3: the notification is queued for delivery.
  auto outbox = store->outbox(1);
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 1);
  CHECK(outbox->front().id == 3);
  CHECK(outbox->front().idempotency_key == "1/1/0");
  CHECK(outbox->front().status == DeliveryStatus::pending);
  CHECK(outbox->front().attempts == 0);
  CHECK((*store->next_due_delivery(at(0)))->id == 3);
}

TEST_CASE("a version 2 file gets the delivery state of version 3, its outbox queued at once",
          "[sqlite][migration]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  using conformance::check_entry;
  Notification sms{.id = 4,
                   .case_id = 1,
                   .step_id = "receive",
                   .channel = "sms",
                   .to = "+989121234567",
                   .text = "رضا، گوشی شما پذیرش شد.",
                   .idempotency_key = "1/1/0",
                   .at = at(3) + std::chrono::milliseconds{5}};
  Notification email{.id = 9,
                     .case_id = 1,
                     .step_id = "receive",
                     .channel = "email",
                     .to = "reza@example.com",
                     .subject = "پذیرش",
                     .text = "line\nnext",
                     .idempotency_key = "1/1/1",
                     .at = at(2)};
  {
    // A file as version 2 wrote it: two notifications (ids with a gap, the second queued
    // earlier by another engine's clock), a leased job and a free one.
    auto raw = test::raw_connection(path);
    REQUIRE(sqlite::migrate(raw, path, sqlite::schema_steps().first(2)).ok());
    REQUIRE(raw.execAndGet("PRAGMA user_version").getInt() == 2);
    SQLite::Statement insert{raw,
                             "INSERT INTO outbox (id, case_id, step_id, channel, recipient, "
                             "subject, text, idempotency_key, queued_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"};
    for (const Notification& n : {sms, email}) {
      insert.reset();
      insert.bind(1, static_cast<std::int64_t>(n.id));
      insert.bind(2, static_cast<std::int64_t>(n.case_id));
      insert.bind(3, n.step_id);
      insert.bind(4, n.channel);
      insert.bind(5, n.to);
      insert.bind(6, n.subject);
      insert.bind(7, n.text);
      insert.bind(8, n.idempotency_key);
      insert.bind(9, static_cast<std::int64_t>(n.at.time_since_epoch().count()));
      insert.exec();
    }
    auto ms = [](Instant t) { return std::to_string(t.time_since_epoch().count()); };
    raw.exec(
        "INSERT INTO jobs (id, case_id, kind, due, token, attempt, index_in_step, leased_until) "
        "VALUES (1, 1, 'service', " +
        ms(at(1)) + ", 1, 1, 0, " + ms(at(50)) + "), (2, 1, 'timer', " + ms(at(20)) +
        ", 1, 1, 0, NULL)");
  }
  auto store = test::open_store(path);
  CHECK(user_version(path) == 3);
  auto raw = test::raw_connection(path);
  for (const char* index : {"outbox_pending", "outbox_at_once", "outbox_leased", "jobs_leased"}) {
    INFO(index);
    CHECK(raw.execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = '" +
                         std::string{index} + "'")
              .getInt() == 1);
  }
  // Every field kept; pending, never attempted, due at once, no segments counted.
  auto outbox = store->outbox(1);
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 2);
  check_entry((*outbox)[0], sms);
  check_entry((*outbox)[1], email);
  CHECK((*store->next_due_delivery(at(0)))->id == 4);
  CHECK(*store->next_delivery_due() == at(2));  // the earlier queue moment
  // The job leased until 50 minutes: the free one, due at 20, is next.
  CHECK(*store->next_due() == at(20));

  // The queue works on the migrated rows: leases, deliveries, new entries after the old ids.
  REQUIRE(store->lease_delivery(4, at(5), at(6)).ok());
  CHECK((*store->next_due_delivery(at(5)))->id == 9);
  REQUIRE(store->commit(test::new_case(1)).ok());
  CaseChange change = test::update_of(*store->load_case(1));
  Notification sent = email;
  sent.status = DeliveryStatus::sent;
  sent.attempts = 1;
  sent.sent_at = at(5);
  change.deliveries = {sent};
  change.outbox = {sms};
  REQUIRE(store->commit(change).ok());
  outbox = store->outbox(1);
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 3);
  check_entry((*outbox)[1], sent);
  CHECK((*outbox)[2].id == 10);
  CHECK(*store->next_delivery_due() == at(3) + std::chrono::milliseconds{5});  // the new one
  CHECK(raw.execAndGet("SELECT status FROM outbox WHERE id = 9").getString() == "sent");
}

TEST_CASE("a crmflow file at an older version is brought up to date on open",
          "[sqlite][migration]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  {
    // Stamped as ours at version 0: the state before the first step ran.
    auto raw = test::raw_connection(path);
    raw.exec("PRAGMA application_id = " + std::to_string(sqlite::kApplicationId));
  }
  auto store = test::open_store(path);
  CHECK(user_version(path) == SqliteStore::schema_version());
  CHECK(*store->allocate_id(IdKind::case_id) == 1);
}

TEST_CASE("a failing migration step changes nothing", "[sqlite][migration]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  test::open_store(path).reset();
  const std::vector<sqlite::SchemaStep> steps = steps_and(
      {kNextVersion, "CREATE TABLE notes (text TEXT); INSERT INTO no_such_table VALUES (1);"});
  auto raw = test::raw_connection(path);
  CHECK_THROWS(sqlite::migrate(raw, path, steps));
  CHECK(raw.execAndGet("PRAGMA user_version").getInt() == SqliteStore::schema_version());
  CHECK_FALSE(raw.tableExists("notes"));
}

TEST_CASE("durability normal opens and commits like full", "[sqlite]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = test::open_store(path, {.durability = SqliteOptions::Durability::normal});
  REQUIRE(store->commit(test::new_case(1)).ok());
  CHECK(store->load_case(1).ok());
}

}  // namespace
}  // namespace crmflow
