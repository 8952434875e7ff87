// Engine::waiting: what each active step of a case waits for, and since when.
#include "time/iso8601.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

std::string at(Instant t) { return time::format_instant(t); }
std::string at(const std::optional<Instant>& t) { return t ? time::format_instant(*t) : "none"; }

std::vector<Waiting> waiting(World& w, CaseId id) {
  auto found = w.engine.waiting(id);
  INFO((found.ok() ? std::string{} : to_string(found.error())));
  REQUIRE(found.ok());
  return *found;
}

TEST_CASE("WaitingKind names are the enumerator names", "[runtime][waiting]") {
  CHECK(to_string(WaitingKind::task) == "task");
  CHECK(to_string(WaitingKind::timer) == "timer");
  CHECK(to_string(WaitingKind::message) == "message");
  CHECK(to_string(WaitingKind::signal) == "signal");
  CHECK(to_string(WaitingKind::service) == "service");
  CHECK(to_string(WaitingKind::call) == "call");
  CHECK(to_string(WaitingKind::instances) == "instances");
  CHECK(to_string(WaitingKind::join) == "join");
  CHECK(to_string(WaitingKind::incident) == "incident");
}

TEST_CASE("a task: who it is offered to, its due moment, since its creation; and its boundary",
          "[runtime][waiting]") {
  World w;
  w.deploy(R"yaml(
process: repair
steps:
  - {id: receive, type: wait, timer: PT1H}
  - id: diagnose
    name: "Diagnose {{ device }}"
    type: user
    candidates: {groups: [technicians], users: [omid]}
    due: P1D
    boundary:
      - {timer: PT4H, interrupting: false, next: remind}
      - {message: {name: withdraw, key: "{{ case.key }}"}, next: gone}
  - {id: done, type: end}
  - {id: remind, type: send}
  - {id: gone, type: end}
)yaml");
  const CaseId id = w.start("repair", Value::Object{{"device", "A52"}});
  w.clock.advance(std::chrono::hours{2});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);  // the timer fired at 01:00

  const std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 3);
  const Waiting& task = found[0];
  CHECK(task.kind == WaitingKind::task);
  CHECK(task.step_id == "diagnose");
  CHECK(task.task == w.task_at(id, "diagnose").id);
  CHECK(task.name == "Diagnose A52");
  CHECK(task.assignee.empty());
  CHECK(task.candidate_users == Steps{"omid"});
  CHECK(task.candidate_groups == Steps{"technicians"});
  CHECK(at(task.since) == "2026-01-01T01:00:00Z");
  CHECK(at(task.due) == "2026-01-02T01:00:00Z");
  CHECK_FALSE(task.boundary);

  const Waiting& timer = found[1];
  CHECK(timer.kind == WaitingKind::timer);
  CHECK(timer.step_id == "diagnose");
  CHECK(timer.boundary);
  CHECK_FALSE(timer.interrupting);
  CHECK(at(timer.since) == "2026-01-01T01:00:00Z");
  CHECK(at(timer.due) == "2026-01-01T05:00:00Z");

  const Waiting& message = found[2];
  CHECK(message.kind == WaitingKind::message);
  CHECK(message.boundary);
  CHECK(message.interrupting);
  CHECK(message.name == "withdraw");
  CHECK(message.key == std::optional<std::string>{"K-1"});

  // A claimed task names its assignee.
  REQUIRE(w.engine.claim(task.task, "sara").ok());
  CHECK(waiting(w, id)[0].assignee == "sara");
}

TEST_CASE("a timer wait: due from when the step was entered", "[runtime][waiting]") {
  World w;
  w.deploy(R"yaml(
process: pause
steps:
  - {id: first, type: user}
  - {id: cool-off, type: wait, timer: P2D}
  - {id: remind, type: wait, timer: {date: "= remind_at"}}
)yaml");
  const CaseId id = w.start("pause", Value::Object{{"remind_at", "2026-02-01T08:00:00Z"}});
  w.clock.advance(std::chrono::minutes{90});
  w.complete(id, "first", "ali");
  std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 1);
  CHECK(found[0].kind == WaitingKind::timer);
  CHECK(found[0].step_id == "cool-off");
  CHECK_FALSE(found[0].boundary);
  CHECK(at(found[0].since) == "2026-01-01T01:30:00Z");
  CHECK(at(found[0].due) == "2026-01-03T01:30:00Z");

  w.clock.advance(std::chrono::hours{48});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  found = waiting(w, id);
  REQUIRE(found.size() == 1);
  CHECK(found[0].step_id == "remind");
  CHECK(at(found[0].since) == "2026-01-03T01:30:00Z");
  CHECK(at(found[0].due) == "2026-02-01T08:00:00Z");
}

TEST_CASE("messages with and without a key, and signals", "[runtime][waiting]") {
  World w;
  w.deploy(R"yaml(
process: events
steps:
  - {id: fork, type: parallel, next: [paid, any-reply, go]}
  - {id: paid, type: wait, message: {name: payment-received, key: "R-{{ order }}"}, next: join}
  - {id: any-reply, type: wait, message: {name: reply}, next: join}
  - {id: go, type: wait, signal: launch, next: join}
  - {id: join, type: parallel}
)yaml");
  const CaseId id = w.start("events", Value::Object{{"order", 1001}});
  const std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 3);
  CHECK(found[0].kind == WaitingKind::message);
  CHECK(found[0].step_id == "paid");
  CHECK(found[0].name == "payment-received");
  CHECK(found[0].key == std::optional<std::string>{"R-1001"});
  CHECK(found[1].kind == WaitingKind::message);
  CHECK(found[1].name == "reply");
  CHECK_FALSE(found[1].key.has_value());  // any key
  CHECK(found[2].kind == WaitingKind::signal);
  CHECK(found[2].name == "launch");
  for (const Waiting& wt : found) CHECK(at(wt.since) == "2026-01-01T00:00:00Z");
}

TEST_CASE("a join holding some of its branches: how many arrived of how many awaited",
          "[runtime][waiting]") {
  World w;
  w.deploy(R"yaml(
process: joins
steps:
  - {id: fork, type: parallel, next: [a, b, c]}
  - {id: a, type: user, next: all}
  - {id: b, type: user, next: all}
  - {id: c, type: user, next: all}
  - {id: all, type: parallel, next: pick}
  - id: pick
    type: inclusive
    next:
      - {to: x, when: "want_x"}
      - {to: y, when: "want_y"}
      - {to: z, when: "want_z"}
  - {id: x, type: user, next: some}
  - {id: y, type: user, next: some}
  - {id: z, type: user, next: some}
  - {id: some, type: inclusive}
)yaml");
  const CaseId id =
      w.start("joins", Value::Object{{"want_x", true}, {"want_y", true}, {"want_z", false}});
  w.clock.advance(std::chrono::hours{1});
  w.complete(id, "b", "ali");
  w.clock.advance(std::chrono::hours{1});
  w.complete(id, "c", "ali");
  std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 2);
  CHECK(found[0].kind == WaitingKind::task);
  CHECK(found[0].step_id == "a");
  CHECK(found[1].kind == WaitingKind::join);
  CHECK(found[1].step_id == "all");
  CHECK(found[1].completed == 2);
  CHECK(found[1].total == 3);
  CHECK(at(found[1].since) == "2026-01-01T01:00:00Z");  // the first arrival

  w.complete(id, "a", "ali");
  w.clock.advance(std::chrono::hours{1});
  w.complete(id, "y", "ali");
  found = waiting(w, id);
  REQUIRE(found.size() == 2);
  CHECK(found[0].step_id == "x");
  // The inclusive join awaits only what can still arrive: x, not z.
  CHECK(found[1].step_id == "some");
  CHECK(found[1].completed == 1);
  CHECK(found[1].total == 2);
  CHECK(at(found[1].since) == "2026-01-01T03:00:00Z");
}

TEST_CASE("a service retry: its attempt and when it is due", "[runtime][waiting]") {
  World w;
  w.deploy(R"yaml(
process: charge
steps:
  - {id: pay, type: service, handler: charge-card, retries: 3, retry_backoff: PT10S}
)yaml");
  w.engine.handlers().add("charge-card",
                          [](const JobContext&) { return HandlerResult::failure("gateway down"); });
  const CaseId id = w.start("charge");
  std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 1);
  CHECK(found[0].kind == WaitingKind::service);
  CHECK(found[0].name == "charge-card");
  CHECK(found[0].attempt == 1);
  CHECK(at(found[0].due) == "2026-01-01T00:00:00Z");

  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);  // try 1 fails at 00:00:00: try 2 at +10s
  found = waiting(w, id);
  REQUIRE(found.size() == 1);
  CHECK(found[0].attempt == 2);
  CHECK(at(found[0].due) == "2026-01-01T00:00:10Z");
  w.clock.advance(std::chrono::seconds{10});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);  // try 2 fails at 00:00:10: try 3 at +20s
  found = waiting(w, id);
  REQUIRE(found.size() == 1);
  CHECK(found[0].attempt == 3);
  CHECK(at(found[0].due) == "2026-01-01T00:00:30Z");
  CHECK(at(found[0].since) == "2026-01-01T00:00:00Z");  // the step was entered once
}

TEST_CASE("an incident: its message and moment", "[runtime][waiting]") {
  World w;
  w.deploy(R"yaml(
process: broken
steps:
  - {id: wait-a-bit, type: wait, timer: PT1H}
  - {id: compute, type: set, set: {x: "= name * 2"}}
)yaml");
  const CaseId id = w.start("broken", Value::Object{{"name", "Reza"}});
  w.clock.advance(std::chrono::hours{1});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  REQUIRE(w.status(id) == CaseStatus::incident);
  const std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 1);
  CHECK(found[0].kind == WaitingKind::incident);
  CHECK(found[0].step_id == "compute");
  CHECK(found[0].message == w.get(id).incidents.at(0).message);
  CHECK_THAT(found[0].message, Catch::Contains("compute"));
  CHECK(at(found[0].since) == "2026-01-01T01:00:00Z");
}

TEST_CASE("an event gateway's waits race since the gateway was left", "[runtime][waiting]") {
  World w;
  w.deploy(R"yaml(
process: race
steps:
  - {id: ask, type: wait, timer: PT30M}
  - {id: wait-reply, type: event, next: [replied, no-reply]}
  - {id: replied, type: wait, message: {name: reply, key: "{{ case.key }}"}}
  - {id: no-reply, type: wait, timer: P2D}
)yaml");
  const CaseId id = w.start("race");
  w.clock.advance(std::chrono::hours{1});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);  // fired at 00:30
  const std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 2);
  CHECK(found[0].step_id == "replied");
  CHECK(found[0].key == std::optional<std::string>{"K-1"});
  CHECK(at(found[0].since) == "2026-01-01T00:30:00Z");
  CHECK(found[1].step_id == "no-reply");
  CHECK(at(found[1].since) == "2026-01-01T00:30:00Z");
  CHECK(at(found[1].due) == "2026-01-03T00:30:00Z");
}

TEST_CASE("a multi-instance step: instances done of all, and each instance's task",
          "[runtime][waiting]") {
  World w;
  w.deploy(R"yaml(
process: approvals
steps:
  - id: approve
    name: "Approve {{ item }}"
    type: user
    for_each: "= approvers"
    candidates: {users: ["{{ item }}"]}
)yaml");
  const CaseId id = w.start("approvals", Value::Object{{"approvers", Value::List{"ali", "sara"}}});
  std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 3);
  CHECK(found[0].kind == WaitingKind::instances);
  CHECK(found[0].step_id == "approve");
  CHECK(found[0].completed == 0);
  CHECK(found[0].total == 2);
  CHECK(found[1].kind == WaitingKind::task);
  CHECK(found[1].name == "Approve ali");
  CHECK(found[1].candidate_users == Steps{"ali"});
  CHECK(found[2].kind == WaitingKind::task);
  CHECK(found[2].candidate_users == Steps{"sara"});

  REQUIRE(w.engine.complete(found[1].task, CompleteOptions{.by = "ali"}).ok());
  found = waiting(w, id);
  REQUIRE(found.size() == 2);
  CHECK(found[0].completed == 1);
  CHECK(found[1].name == "Approve sara");
}

TEST_CASE("a called case and the wait inside a subprocess", "[runtime][waiting]") {
  World w;
  w.deploy("process: child\nsteps:\n  - {id: check, type: user}\n");
  w.deploy(R"yaml(
process: parent
steps:
  - {id: run-child, type: call, process: child}
  - id: box
    type: subprocess
    boundary: [{timer: PT2H, next: late}]
    steps:
      - {id: inside, type: wait, signal: open}
  - {id: done, type: end}
  - {id: late, type: end}
)yaml");
  const CaseId id = w.start("parent");
  std::vector<Waiting> found = waiting(w, id);
  REQUIRE(found.size() == 1);
  CHECK(found[0].kind == WaitingKind::call);
  CHECK(found[0].step_id == "run-child");
  CHECK(found[0].name == "child");
  REQUIRE(found[0].child != kNoId);
  CHECK(w.get(found[0].child).parent == id);

  w.clock.advance(std::chrono::minutes{5});
  w.complete(found[0].child, "check", "ali");
  found = waiting(w, id);
  REQUIRE(found.size() == 2);
  // The subprocess's own token carries only its boundary; the wait inside is listed by itself.
  CHECK(found[0].kind == WaitingKind::timer);
  CHECK(found[0].step_id == "box");
  CHECK(found[0].boundary);
  CHECK(at(found[0].due) == "2026-01-01T02:05:00Z");
  CHECK(found[1].kind == WaitingKind::signal);
  CHECK(found[1].step_id == "inside");
  CHECK(at(found[1].since) == "2026-01-01T00:05:00Z");
}

TEST_CASE("an ended case waits for nothing; an unknown case is not found", "[runtime][waiting]") {
  World w;
  w.deploy("process: p\nsteps:\n  - {id: hold, type: wait, signal: go}\n");
  const CaseId id = w.start("p");
  CHECK(waiting(w, id).size() == 1);
  REQUIRE(w.engine.cancel(id).ok());
  CHECK(waiting(w, id).empty());

  auto missing = w.engine.waiting(id + 100);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
}

}  // namespace
}  // namespace crmflow::test
