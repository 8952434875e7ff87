// Event-gateway races and boundary events (timer, message, error; interrupting or not).
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kRace = R"yaml(
process: race
steps:
  - {id: ask, type: send}
  - {id: wait-reply, type: event, next: [replied, no-reply]}
  - id: replied
    type: wait
    message: {name: reply, key: "{{ case.key }}"}
    next: answered
  - {id: no-reply, type: wait, timer: P2D, next: gave-up}
  - {id: answered, type: end}
  - {id: gave-up, type: end}
)yaml";

TEST_CASE("the first event of a race wins and withdraws the others", "[runtime][event]") {
  World w;
  w.deploy(kRace);
  const CaseId by_message = w.start("race");
  CHECK(w.active(by_message) == Steps{"no-reply", "replied"});  // not the gateway itself
  REQUIRE(w.engine.next_due()->has_value());
  REQUIRE(w.engine.correlate("reply", "K-1").ok());
  const Case c = w.get(by_message);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.path == Steps{"ask", "wait-reply", "replied", "answered"});
  CHECK_FALSE(w.engine.next_due()->has_value());  // the losing timer is gone
  const Steps events = w.events(by_message);
  CHECK(std::find(events.begin(), events.end(), "step_withdrawn:no-reply") != events.end());

  const CaseId by_timer = w.start("race");
  w.clock.advance(std::chrono::hours{48});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  CHECK(w.path(by_timer) == Steps{"ask", "wait-reply", "no-reply", "gave-up"});
  auto late = w.engine.correlate("reply", "K-1");
  REQUIRE_FALSE(late.ok());  // the message wait was withdrawn with the race
  CHECK(late.error().code == ErrorCode::not_found);
}

TEST_CASE("an interrupting boundary timer withdraws the task and takes its flow",
          "[runtime][boundary]") {
  World w;
  w.deploy(R"yaml(
process: escalate
steps:
  - id: approve
    type: user
    boundary:
      - {timer: PT4H, next: too-late}
    notify: [{on: timeout, channel: sms, to: "+1", text: "approval timed out"}]
  - {id: approved, type: end}
  - {id: too-late, type: set, set: {late: true}}
)yaml");
  const CaseId id = w.start("escalate");
  const TaskId task = w.task_at(id, "approve").id;
  w.clock.advance(std::chrono::hours{4});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["late"] == Value{true});
  CHECK(c.path == Steps{"too-late"});  // the withdrawn task is not in the path
  CHECK(w.engine.task(task)->status == TaskStatus::withdrawn);
  REQUIRE(w.sent.notifications().size() == 1);
  CHECK(w.sent.notifications()[0].text == "approval timed out");
}

TEST_CASE("completing the task first disarms its boundary timer", "[runtime][boundary]") {
  World w;
  w.deploy(R"yaml(
process: in-time
steps:
  - id: approve
    type: user
    boundary: [{timer: PT4H, next: too-late}]
  - {id: approved, type: end}
  - {id: too-late, type: end}
)yaml");
  const CaseId id = w.start("in-time");
  w.complete(id, "approve", "ali");
  CHECK_FALSE(w.engine.next_due()->has_value());
  CHECK(w.path(id) == Steps{"approve", "approved"});
}

TEST_CASE("a non-interrupting cycle fires each time while the task lives", "[runtime][boundary]") {
  World w;
  w.deploy(R"yaml(
process: nag
steps:
  - id: repair
    type: user
    boundary:
      - {timer: {cycle: R3/P1D}, interrupting: false, next: remind}
  - {id: done, type: end}
  - {id: remind, type: send, notify: [{channel: sms, to: "+1", text: "still repairing"}]}
)yaml");
  const CaseId id = w.start("nag");
  w.clock.advance(std::chrono::hours{24 * 5});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 3);
  CHECK(w.sent.notifications().size() == 3);
  CHECK(w.active(id) == Steps{"repair"});
  CHECK_FALSE(w.engine.next_due()->has_value());
  w.complete(id, "repair", "ali");
  CHECK(w.status(id) == CaseStatus::completed);
  CHECK(w.path(id) == Steps{"remind", "remind", "remind", "repair", "done"});
}

TEST_CASE("a boundary message interrupts a waiting task", "[runtime][boundary][message]") {
  World w;
  w.deploy(R"yaml(
process: recall
steps:
  - id: work
    type: user
    boundary:
      - {message: {name: cancel-order, key: "{{ order }}"}, next: cancelled}
  - {id: finished, type: end}
  - {id: cancelled, type: end}
)yaml");
  const CaseId id = w.start("recall", Value::Object{{"order", "O-7"}});
  REQUIRE_FALSE(w.engine.correlate("cancel-order", "O-8").ok());
  auto reached = w.engine.correlate("cancel-order", "O-7", Value::Object{{"why", "customer"}});
  REQUIRE(reached.ok());
  CHECK(reached->size() == 1);
  const Case c = w.get(id);
  CHECK(c.path == Steps{"cancelled"});
  CHECK(c.variables["why"] == Value{"customer"});
  CHECK(w.open_tasks(id).empty());
}

TEST_CASE("a boundary error catches a handler's business error by code", "[runtime][boundary]") {
  World w;
  w.deploy(R"yaml(
process: pay
steps:
  - id: charge
    type: service
    handler: card
    boundary:
      - {error: CARD_DECLINED, next: declined}
      - {error: "*", next: other}
  - {id: paid, type: end}
  - {id: declined, type: end}
  - {id: other, type: end}
)yaml");
  std::string code = "CARD_DECLINED";
  w.engine.handlers().add("card", [&](const JobContext&) { return HandlerResult::error(code); });
  const CaseId declined = w.start("pay");
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  CHECK(w.path(declined) == Steps{"declined"});
  code = "FRAUD";
  const CaseId other = w.start("pay");
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  CHECK(w.path(other) == Steps{"other"});
  CHECK(w.status(other) == CaseStatus::completed);
}

}  // namespace
}  // namespace crmflow::test
