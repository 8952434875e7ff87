// Task operations by whoever may not do them are refused (not_authorized; claim of a task someone
// else holds: conflict, as Engine::claim documents) and change nothing: the case, its tasks,
// history, waits (jobs) and outbox read the same through the store afterwards, and the database
// file holds the same rows. The administrators' override works and names who used it.
#include <catch2/catch.hpp>
#include <functional>

#include "security_support.hpp"

namespace crmflow::test {
namespace {

// One task offered to the candidate user nima and the group reception, with a due moment, an
// alarm (a job), and a notification on entering (an outbox entry).
const char* const kGuarded = R"(
process: guarded
steps:
  - id: check
    type: user
    candidates: {users: [nima], groups: [reception]}
    due: PT2H
    alarms: [{after: PT1H, notify: {channel: sms, to: "+989120000009", text: "late"}}]
    notify: [{on: enter, channel: sms, to: "+989120000001", text: "new task"}]
    form: [{name: verdict, type: string, required: true}]
  - id: done
    type: end
)";

struct Guarded : SqliteWorld {
  CaseId id = kNoId;
  TaskId task = kNoId;

  Guarded() {
    directory.add_user("ali", {"reception"});
    directory.add_user("reza", {"reception"});
    directory.add_user("nima");
    directory.add_user("sara", {"technicians"});  // a candidate of another group's tasks
    directory.add_user("mina", {"managers"});
    REQUIRE(directory.set_managed_groups("mina", {"technicians"}));
    directory.add_user("kave", {"managers"});
    REQUIRE(directory.set_managed_groups("kave", {"reception"}));
    directory.add_user("admin");
    deploy(kGuarded);
    auto started = engine.start("guarded", {.key = "R-1001", .by = "ali"});
    REQUIRE(started.ok());
    id = *started;
    auto tasks = engine.tasks({.case_id = id});
    REQUIRE(tasks.ok());
    REQUIRE(tasks->size() == 1);
    task = tasks->front().id;
    // What a refused call must leave alone is there: the alarm's job and the outbox entry.
    auto next = store->next_due();
    REQUIRE(next.ok());
    REQUIRE(next->has_value());
    auto outbox = store->outbox(id);
    REQUIRE(outbox.ok());
    REQUIRE(outbox->size() == 1);
  }

  std::string snapshot() { return case_snapshot(engine, *store, id); }
};

struct Attempt {
  std::string what;
  std::function<Status(Engine&, TaskId)> call;
  ErrorCode expected = ErrorCode::not_authorized;
  // Who tries, and the action a refusal for want of authority reports to the log hook (empty:
  // a call that reports none, such as may_complete, which only asks).
  std::string by{};
  std::string action{};
};

// Every operation on a task by `by` (delegating and reassigning to ali, a candidate).
std::vector<Attempt> every_operation_by(const std::string& by) {
  const Value vars = Value::Object{{"verdict", "ok"}};
  const ErrorCode refused = ErrorCode::not_authorized;
  return {
      {"complete",
       [by, vars](Engine& e, TaskId t) { return e.complete(t, {.by = by, .vars = vars}); }, refused,
       by, "complete"},
      {"may_complete", [by](Engine& e, TaskId t) { return e.may_complete(t, by); }, refused, by},
      {"claim", [by](Engine& e, TaskId t) { return e.claim(t, by); }, refused, by, "claim"},
      {"unclaim", [by](Engine& e, TaskId t) { return e.unclaim(t, by); }, refused, by, "unclaim"},
      {"delegate", [by](Engine& e, TaskId t) { return e.delegate(t, by, "ali"); }, refused, by,
       "delegate"},
      {"reassign", [by](Engine& e, TaskId t) { return e.reassign(t, {.by = by, .to = "ali"}); },
       refused, by, "reassign"},
      {"reassign back to the candidates",
       [by](Engine& e, TaskId t) { return e.reassign(t, {.by = by, .to = ""}); }, refused, by,
       "reassign"},
  };
}

// Runs each attempt; each must fail with its code and leave the case and the file as they were.
// A refusal for want of authority reaches the log hook once, naming who tried what on which
// task; other refusals (conflict, invalid_state, invalid_input) do not.
void check_refused(Guarded& g, const std::vector<Attempt>& attempts) {
  const std::string before = g.snapshot();
  const std::vector<std::string> rows = dump_rows(g.path);
  for (const Attempt& attempt : attempts) {
    INFO("attempt: " << attempt.what);
    const std::size_t logged = g.log.size();
    const Status s = attempt.call(g.engine, g.task);
    REQUIRE_FALSE(s.ok());
    INFO("error: " << to_string(s.error()));
    CHECK(s.error().code == attempt.expected);
    CHECK(g.snapshot() == before);
    CHECK(dump_rows(g.path) == rows);
    const bool reported = s.error().code == ErrorCode::not_authorized && !attempt.action.empty();
    REQUIRE(g.log.size() == logged + (reported ? 1 : 0));
    if (reported) {
      const Logged& r = g.log.back();
      CHECK(r.event == "refused");
      CHECK(r.level == LogLevel::warning);
      CHECK(r.user == attempt.by);
      CHECK(r.action == attempt.action);
      CHECK(r.task_id == g.task);
      CHECK(r.case_id == g.id);
      CHECK_THAT(r.message, Catch::Contains(s.error().message));
    }
  }
}

std::vector<Attempt> with_code(std::vector<Attempt> attempts, const std::string& what,
                               ErrorCode code) {
  for (Attempt& a : attempts) {
    if (a.what == what) a.expected = code;
  }
  return attempts;
}

TEST_CASE("an unassigned task refuses whoever is not a candidate, and nothing changes",
          "[security][authorization]") {
  Guarded g;
  // unclaim of an unassigned task is refused for its state before anyone's rights are read.
  for (const std::string by : {"sara", "mina", "admin"}) {
    INFO("by: " << by);
    check_refused(g, with_code(every_operation_by(by), "unclaim", ErrorCode::invalid_state));
  }
  for (const std::string by : {"", "ghost", "Ali", "ali ", "reception"}) {
    INFO("by: '" << by << "'");  // empty, unknown, near misses of a user, a group's name
    check_refused(g, every_operation_by(by));
  }
  // A hostile name is an unknown user like any other.
  for (const std::string& by : hostile_texts()) {
    INFO("by: " << printable(by));
    check_refused(g, every_operation_by(by));
  }
}

TEST_CASE("a task claimed by someone refuses everyone else, candidates included",
          "[security][authorization]") {
  Guarded g;
  REQUIRE(g.engine.claim(g.task, "ali").ok());
  // Candidates (by group and by name) and outsiders; a claim of a held task is a conflict.
  for (const std::string by : {"reza", "nima", "sara", "mina"}) {
    INFO("by: " << by);
    check_refused(g, with_code(every_operation_by(by), "claim", ErrorCode::conflict));
  }
  for (const std::string by : {"", "ghost", "ALI"}) {
    INFO("by: '" << by << "'");
    check_refused(g, every_operation_by(by));
  }
  // The holder may not hand the task to someone unknown either.
  check_refused(
      g,
      {{"delegate to nobody", [](Engine& e, TaskId t) { return e.delegate(t, "ali", ""); },
        ErrorCode::invalid_input},
       {"delegate to a stranger", [](Engine& e, TaskId t) { return e.delegate(t, "ali", "ghost"); },
        ErrorCode::invalid_input}});
  // A manager of its group may not reassign it to someone unknown.
  check_refused(g,
                {{"reassign to a stranger",
                  [](Engine& e, TaskId t) { return e.reassign(t, {.by = "kave", .to = "ghost"}); },
                  ErrorCode::invalid_input}});
}

TEST_CASE("a stranger's completion is refused before the form is checked",
          "[security][authorization]") {
  Guarded g;
  // Not authorised comes before the form: a stranger learns nothing about the form.
  check_refused(g, {{"complete without the form's field",
                     [](Engine& e, TaskId t) { return e.complete(t, {.by = "sara"}); },
                     ErrorCode::not_authorized, "sara", "complete"}});
}

TEST_CASE("the administrators' override completes and reassigns, and names who used it",
          "[security][authorization]") {
  Guarded g;
  REQUIRE(g.engine.claim(g.task, "ali").ok());

  // Reassigning: admin is no manager; only the override lets them.
  check_refused(g,
                {{"reassign without the override",
                  [](Engine& e, TaskId t) { return e.reassign(t, {.by = "admin", .to = "reza"}); },
                  ErrorCode::not_authorized, "admin", "reassign"}});
  // The override still needs someone named.
  check_refused(g, {{"reassign by nobody",
                     [](Engine& e, TaskId t) {
                       return e.reassign(t, {.by = "", .to = "reza", .admin_override = true});
                     },
                     ErrorCode::not_authorized, "", "reassign"}});
  REQUIRE(g.engine.reassign(g.task, {.by = "admin", .to = "reza", .admin_override = true}).ok());
  auto task = g.engine.task(g.task);
  REQUIRE(task.ok());
  CHECK(task->assignee == "reza");

  // Completing: admin is not reza; the override lets them.
  check_refused(g,
                {{"complete without the override",
                  [](Engine& e, TaskId t) {
                    return e.complete(t, {.by = "admin", .vars = Value::Object{{"verdict", "x"}}});
                  },
                  ErrorCode::not_authorized, "admin", "complete"}});
  const Status done = g.engine.complete(
      g.task, {.by = "admin", .vars = Value::Object{{"verdict", "ok"}}, .admin_override = true});
  INFO((done ? std::string{} : to_string(done.error())));
  REQUIRE(done.ok());
  auto completed = g.engine.task(g.task);
  REQUIRE(completed.ok());
  CHECK(completed->status == TaskStatus::completed);
  CHECK(completed->completed_by == "admin");

  auto history = g.engine.history(g.id);
  REQUIRE(history.ok());
  std::vector<std::string> trail;
  for (const HistoryEvent& e : *history) {
    const std::string_view event = to_string(e.event);
    if (e.task_id != g.task || !event.starts_with("task_") || e.event == EventType::task_created) {
      continue;
    }
    std::string line = std::string{event} + " by " + e.by;
    if (const Value* reassigned = e.data.find("reassigned"); reassigned && reassigned->as_bool()) {
      line += " (reassigned from " + e.data.find("from")->as_string() + ")";
    }
    if (const Value* used = e.data.find("admin_override"); used && used->as_bool()) {
      line += " (override)";
    }
    trail.push_back(line);
  }
  CHECK(trail == std::vector<std::string>{"task_claimed by ali",
                                          "task_delegated by admin (reassigned from ali) (override)",
                                          "task_completed by admin (override)"});
  auto c = g.engine.get_case(g.id);
  REQUIRE(c.ok());
  CHECK(c->status == CaseStatus::completed);
  // The log holds the refusals above and nothing about the override's successes.
  for (const Logged& r : g.log) CHECK(r.event == "refused");
  CHECK(g.log.size() == 3);
}

// Found by these tests and mended: the override skips the check, never the record of who used
// it, so complete's override (like reassign's) needs someone named.
TEST_CASE("complete's override by nobody is refused",
          "[security][authorization]") {
  Guarded g;
  check_refused(
      g, {{"complete by nobody with the override",
           [](Engine& e, TaskId t) {
             return e.complete(
                 t, {.by = "", .vars = Value::Object{{"verdict", "ok"}}, .admin_override = true});
           },
           ErrorCode::not_authorized, "", "complete"}});
}

}  // namespace
}  // namespace crmflow::test
