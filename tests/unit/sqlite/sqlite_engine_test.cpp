// The engine on SqliteStore where the store's part matters: refusals that must change nothing in
// the file, and retention removing every row of an archived case.
#include <catch2/catch.hpp>
#include <fstream>

#include "../runtime/refusals.hpp"
#include "crmflow/json.hpp"
#include "sqlite_fixture.hpp"

namespace crmflow::test {
namespace {

TEST_CASE("sqlite: refused task operations reach the log hook and change nothing in the file",
          "[sqlite][refusal]") {
  TempDir dir;
  auto store = open_store(dir.file("crm.db"));
  check_refusals_are_logged_and_change_nothing(*store);
}

TEST_CASE("sqlite: archive exports an ended case to a JSON-lines file, then removes its rows",
          "[sqlite][retention]") {
  TempDir dir;
  const std::string path = dir.file("crm.db");
  auto store = open_store(path);
  ManualClock clock{at(0)};
  MemoryDirectory directory;
  directory.add_user("ali", {"reception"});
  Engine engine{*store, EngineOptions{.clock = &clock, .directory = &directory}};
  LoadOutcome loaded = load_process(kRefusalProcess, "intake.yaml");
  REQUIRE(loaded.ok());
  REQUIRE(engine.deploy(loaded.process).ok());
  auto done = engine.start("intake", StartOptions{.key = "R-1"});
  auto open = engine.start("intake", StartOptions{.key = "R-2"});
  REQUIRE(done.ok());
  REQUIRE(open.ok());
  const TaskId task = engine.tasks(TaskQuery{.case_id = *done})->front().id;
  REQUIRE(
      engine.complete(task, CompleteOptions{.by = "ali", .vars = Value::Object{{"device", "A52"}}})
          .ok());
  clock.advance(std::chrono::hours{24});

  auto sink = jsonl_archive_sink(dir.file("archive.jsonl"));
  REQUIRE(sink.ok());
  auto outcome = engine.archive(ArchiveOptions{.ended_before = clock.now(), .sink = *sink});
  REQUIRE(outcome.ok());
  CHECK(outcome->archived == 1);
  CHECK(outcome->kept == 0);

  std::ifstream file{dir.file("archive.jsonl")};
  std::string line;
  REQUIRE(std::getline(file, line));
  auto record = parse_json(line, JsonStyle::typed);
  REQUIRE(record.ok());
  CHECK((*record)["case"]["id"] == Value{static_cast<std::int64_t>(*done)});
  CHECK((*record)["case"]["key"] == Value{"R-1"});
  CHECK((*record)["case"]["variables"]["device"] == Value{"A52"});
  CHECK((*record)["tasks"].size() == 1);
  CHECK((*record)["tasks"][0]["completed_by"] == Value{"ali"});
  CHECK((*record)["history"].size() > 3);
  CHECK_FALSE(std::getline(file, line));

  // Reopened, the file holds nothing of the archived case, and all of the other.
  store.reset();
  auto reopened = open_store(path);
  CHECK(reopened->load_case(*done).error().code == ErrorCode::not_found);
  CHECK(reopened->load_task(task).error().code == ErrorCode::not_found);
  CHECK(reopened->load_case(*open).ok());
  SQLite::Database raw{path};
  for (const char* table : {"tasks", "history", "outbox", "jobs", "subscriptions"}) {
    INFO(table);
    SQLite::Statement count{raw, std::string{"SELECT count(*) FROM "} + table +
                                     " WHERE case_id = " + std::to_string(*done)};
    REQUIRE(count.executeStep());
    CHECK(count.getColumn(0).getInt() == 0);
  }
}

}  // namespace
}  // namespace crmflow::test
