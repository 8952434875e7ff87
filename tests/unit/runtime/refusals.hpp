// Refused task operations, checked on any store: each not_authorized refusal reaches the log hook
// with who tried what on which task, and changes nothing in the store (the task, the case, its
// history). Shared by the runtime tests (MemoryStore) and the SQLite tests (SqliteStore).
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "crmflow/clock.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/process.hpp"
#include "crmflow/store.hpp"

namespace crmflow::test {

inline const char* const kRefusalProcess = R"(
process: intake
steps:
  - id: reception
    type: user
    candidates: {groups: [reception]}
    form:
      - {name: device, type: string, required: true}
  - {id: done, type: end}
)";

// What the store holds about a case and its task, to compare before and after a refusal.
struct Snapshot {
  std::uint64_t row_version = 0;
  std::size_t events = 0;
  Task task{};
};

inline Snapshot snapshot(Store& store, CaseId case_id, TaskId task_id) {
  auto record = store.load_case(case_id);
  REQUIRE(record.ok());
  auto history = store.history(case_id);
  REQUIRE(history.ok());
  auto task = store.load_task(task_id);
  REQUIRE(task.ok());
  return Snapshot{record->row_version, history->size(), *task};
}

inline void check_unchanged(const Snapshot& before, const Snapshot& after) {
  CHECK(after.row_version == before.row_version);
  CHECK(after.events == before.events);
  CHECK(after.task.status == before.task.status);
  CHECK(after.task.assignee == before.task.assignee);
  CHECK(after.task.completed_by == before.task.completed_by);
}

// Runs every refused operation against an engine on `store` (fresh, empty).
inline void check_refusals_are_logged_and_change_nothing(Store& store) {
  ManualClock clock{Instant{std::chrono::milliseconds{1'767'225'600'000}}};
  MemoryDirectory directory;
  directory.add_user("ali", {"reception"});
  directory.add_user("sara", {"technicians"});
  std::vector<LogRecord> log;
  Engine engine{store, EngineOptions{.clock = &clock,
                                     .directory = &directory,
                                     .log = [&](const LogRecord& r) { log.push_back(r); }}};
  LoadOutcome loaded = load_process(kRefusalProcess, "intake.yaml");
  REQUIRE(loaded.ok());
  REQUIRE(engine.deploy(loaded.process).ok());
  auto id = engine.start("intake");
  REQUIRE(id.ok());
  auto tasks = engine.tasks(TaskQuery{.case_id = *id});
  REQUIRE(tasks.ok());
  REQUIRE(tasks->size() == 1);
  const TaskId task = tasks->front().id;

  // Each refusal: not_authorized, one `refused` record naming the user, the action, the task
  // and the case, and nothing changed.
  auto refused = [&](const std::string& action, const std::string& user,
                     const std::function<Status()>& attempt) {
    INFO(user << " tries to " << action);
    const Snapshot before = snapshot(store, *id, task);
    log.clear();
    const Status s = attempt();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::not_authorized);
    REQUIRE(log.size() == 1);
    const LogRecord& r = log.front();
    CHECK(r.event == "refused");
    CHECK(r.level == LogLevel::warning);
    CHECK(r.user == user);
    CHECK(r.action == action);
    CHECK(r.task_id == task);
    CHECK(r.case_id == *id);
    CHECK_THAT(r.message, Catch::Contains(action) && Catch::Contains(std::to_string(task)) &&
                              Catch::Contains(s.error().message));
    check_unchanged(before, snapshot(store, *id, task));
  };
  const Value form = Value::Object{{"device", "A52"}};

  refused("complete", "sara",
          [&] { return engine.complete(task, CompleteOptions{.by = "sara", .vars = form}); });
  refused("complete", "mallory",
          [&] { return engine.complete(task, CompleteOptions{.by = "mallory", .vars = form}); });
  refused("complete", "", [&] { return engine.complete(task, CompleteOptions{.vars = form}); });
  refused("claim", "sara", [&] { return engine.claim(task, "sara"); });
  refused("delegate", "sara", [&] { return engine.delegate(task, "sara", "sara"); });
  refused("reassign", "sara",
          [&] { return engine.reassign(task, ReassignOptions{.by = "sara", .to = "sara"}); });

  REQUIRE(engine.claim(task, "ali").ok());
  refused("unclaim", "sara", [&] { return engine.unclaim(task, "sara"); });
  refused("complete", "sara",
          [&] { return engine.complete(task, CompleteOptions{.by = "sara", .vars = form}); });

  // Other refusals are the caller's mistakes, not attempts beyond one's authority: not logged.
  log.clear();
  const Status bad_form = engine.complete(task, CompleteOptions{.by = "ali", .vars = {}});
  REQUIRE_FALSE(bad_form.ok());
  CHECK(bad_form.error().code == ErrorCode::invalid_input);
  CHECK(log.empty());

  // The administrator override is no refusal; the task completes.
  REQUIRE(engine.complete(task, CompleteOptions{.by = "sara", .vars = form, .admin_override = true})
              .ok());
  CHECK(log.empty());
  auto done = engine.task(task);
  REQUIRE(done.ok());
  CHECK(done->status == TaskStatus::completed);
  CHECK(done->completed_by == "sara");
}

}  // namespace crmflow::test
