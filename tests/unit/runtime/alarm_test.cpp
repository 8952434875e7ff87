// Alarms of user tasks: moments relative to creation and due, repetition, notify and escalate.
#include "world.hpp"

namespace crmflow::test {
namespace {

TEST_CASE("alarms notify before due and escalate when overdue, repeating", "[runtime][alarm]") {
  World w;
  w.directory.add_user("boss", {"supervisors"}, {{"sms", "+98-boss"}});
  w.deploy(R"yaml(
process: diag
steps:
  - id: diagnose
    type: user
    assignee: sara
    due: PT4H
    alarms:
      - {before_due: PT1H, notify: {channel: sms, to: "+98-sara", text: "due soon"}}
      - {overdue: true, every: PT1H, times: 3, escalate: {groups: [supervisors]},
         notify: {channel: sms, to: candidates, text: "overdue"}}
  - {id: done, type: end}
)yaml");
  const CaseId id = w.start("diag");
  w.clock.advance(std::chrono::hours{3});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  REQUIRE(w.sent.notifications().size() == 1);
  CHECK(w.sent.notifications()[0].text == "due soon");
  CHECK(w.task_at(id, "diagnose").assignee == "sara");

  w.clock.advance(std::chrono::hours{1});  // the due moment: the overdue alarm's first firing
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  Task t = w.task_at(id, "diagnose");
  CHECK(t.assignee.empty());
  CHECK(t.candidate_groups == Steps{"supervisors"});
  REQUIRE(w.sent.notifications().size() == 2);
  CHECK(w.sent.notifications()[1].to == "+98-boss");

  w.clock.advance(std::chrono::hours{10});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 2);  // three firings in all
  CHECK_FALSE(w.engine.next_due()->has_value());
  const Steps events = w.events(id);
  CHECK(std::count(events.begin(), events.end(), "alarm_fired:diagnose") == 4);
  CHECK(std::count(events.begin(), events.end(), "task_escalated:diagnose") == 3);
  CHECK(w.status(id) == CaseStatus::active);  // alarms never move the case
}

TEST_CASE("a task that ends disarms its alarms; a past alarm fires at once", "[runtime][alarm]") {
  World w;
  w.deploy(R"yaml(
process: quick
steps:
  - id: call
    type: user
    due: "= deadline"
    alarms:
      - {after: PT1H, escalate: {priority: 90}}
      - {at_due: true, notify: {channel: sms, to: "+1", text: "due now"}}
)yaml");
  const CaseId done = w.start("quick", Value::Object{{"deadline", "2026-01-02T00:00:00Z"}});
  w.complete(done, "call", "ali");
  CHECK_FALSE(w.engine.next_due()->has_value());

  // Due yesterday: the at_due alarm fires at the first run_due.
  const CaseId late = w.start("quick", Value::Object{{"deadline", "2025-12-31T00:00:00Z"}});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  REQUIRE(w.sent.notifications().size() == 1);
  w.clock.advance(std::chrono::hours{1});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  CHECK(w.task_at(late, "call").priority == 90);
}

}  // namespace
}  // namespace crmflow::test
