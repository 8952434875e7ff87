// `wait` steps: timers fired by run_due in time order, messages by correlate, signals by signal.
#include "time/iso8601.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

TEST_CASE("timers fire in due order, the clock reading each due moment", "[runtime][timer]") {
  World w;
  w.deploy(R"yaml(
process: timers
steps:
  - {id: fork, type: parallel, next: [late, early]}
  - {id: late, type: wait, timer: PT2H, next: mark-late}
  - {id: mark-late, type: set, set: {late_at: "= now()"}, next: join}
  - {id: early, type: wait, timer: {duration: PT1H}, next: mark-early}
  - {id: mark-early, type: set, set: {early_at: "= now()"}, next: join}
  - {id: join, type: parallel}
)yaml");
  const CaseId id = w.start("timers");
  CHECK(w.active(id) == Steps{"early", "late"});
  auto next = w.engine.next_due();
  REQUIRE(next.ok());
  REQUIRE(next->has_value());
  CHECK(time::format_instant(**next) == "2026-01-01T01:00:00Z");

  auto none = w.engine.run_due(w.clock.now());
  REQUIRE(none.ok());
  CHECK(*none == 0);

  w.clock.advance(std::chrono::hours{3});
  auto fired = w.engine.run_due(w.clock.now());
  REQUIRE(fired.ok());
  CHECK(*fired == 2);
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.path == Steps{"fork", "early", "mark-early", "late", "mark-late", "join"});
  REQUIRE(c.variables["early_at"].is_datetime());
  CHECK(time::format_instant(c.variables["early_at"].as_datetime().at) == "2026-01-01T01:00:00Z");
  CHECK(time::format_instant(c.variables["late_at"].as_datetime().at) == "2026-01-01T02:00:00Z");
  CHECK_FALSE(w.engine.next_due()->has_value());
  const Steps events = w.events(id);
  CHECK(std::count(events.begin(), events.end(), "timer_fired:early") == 1);
}

TEST_CASE("a timer date may be an expression; a bad one is an incident", "[runtime][timer]") {
  World w;
  w.deploy(R"yaml(
process: dated
steps:
  - {id: until, type: wait, timer: {date: "= remind_at"}}
)yaml");
  const CaseId id = w.start("dated", Value::Object{{"remind_at", "2026-01-05T08:00:00Z"}});
  REQUIRE(w.engine.next_due()->has_value());
  CHECK(time::format_instant(**w.engine.next_due()) == "2026-01-05T08:00:00Z");
  REQUIRE(w.engine.run_due(w.clock.now() + std::chrono::hours{24 * 4 + 8}).ok());
  CHECK(w.status(id) == CaseStatus::completed);

  const CaseId bad = w.start("dated", Value::Object{{"remind_at", true}});
  CHECK(w.status(bad) == CaseStatus::incident);
}

TEST_CASE("cancelling a case removes its timers", "[runtime][timer][cancel]") {
  World w;
  w.deploy("process: t\nsteps:\n  - {id: pause, type: wait, timer: P1D}\n");
  const CaseId id = w.start("t");
  REQUIRE(w.engine.next_due()->has_value());
  REQUIRE(w.engine.cancel(id).ok());
  CHECK_FALSE(w.engine.next_due()->has_value());
  CHECK(*w.engine.run_due(w.clock.now() + std::chrono::hours{48}) == 0);
}

const char* const kReply = R"yaml(
process: reply
steps:
  - id: wait-reply
    type: wait
    message: {name: customer-reply, key: "{{ case.key }}"}
    next:
      - {to: yes, when: "lower(answer) = 'yes'"}
      - {to: no, default: true}
  - {id: yes, type: end}
  - {id: no, type: end}
)yaml";

TEST_CASE("a message reaches the cases waiting for its name and key", "[runtime][message]") {
  World w;
  w.deploy(kReply);
  auto first = w.engine.start("reply", {.key = "R-1"});
  auto second = w.engine.start("reply", {.key = "R-2"});
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(w.active(*first) == Steps{"wait-reply"});

  auto wrong_key = w.engine.correlate("customer-reply", "R-9", Value::Object{{"answer", "YES"}});
  REQUIRE_FALSE(wrong_key.ok());
  CHECK(wrong_key.error().code == ErrorCode::not_found);
  CHECK_THAT(wrong_key.error().message, Catch::Contains("no case waits for message "
                                                        "'customer-reply' with key 'R-9'"));

  auto reached = w.engine.correlate("customer-reply", "R-2", Value::Object{{"answer", "YES"}});
  REQUIRE(reached.ok());
  CHECK(*reached == std::vector<CaseId>{*second});
  CHECK(w.path(*second) == Steps{"wait-reply", "yes"});
  CHECK(w.get(*second).variables["answer"] == Value{"YES"});
  CHECK(w.active(*first) == Steps{"wait-reply"});

  // The wait is gone once the message arrived.
  auto again = w.engine.correlate("customer-reply", "R-2");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::not_found);
}

TEST_CASE("a signal reaches every waiting case, and none is not an error", "[runtime][signal]") {
  World w;
  w.deploy("process: s\nsteps:\n  - {id: hold, type: wait, signal: go}\n");
  const CaseId a = w.start("s");
  const CaseId b = w.start("s");
  auto nobody = w.engine.signal("stop");
  REQUIRE(nobody.ok());
  CHECK(nobody->empty());
  auto reached = w.engine.signal("go", Value::Object{{"why", "launch"}});
  REQUIRE(reached.ok());
  CHECK(*reached == std::vector<CaseId>{a, b});
  CHECK(w.status(a) == CaseStatus::completed);
  CHECK(w.get(b).variables["why"] == Value{"launch"});
  const Steps events = w.events(a);
  CHECK(std::find(events.begin(), events.end(), "signal_received:hold") != events.end());
}

}  // namespace
}  // namespace crmflow::test

namespace crmflow::test {
namespace {

TEST_CASE("a message nobody waits for starts a case of a process with that trigger",
          "[runtime][message][trigger]") {
  World w;
  w.deploy(R"yaml(
process: intake
triggers: [{message: new-lead}]
steps:
  - {id: qualify, type: user}
)yaml");
  auto started = w.engine.correlate("new-lead", "L-9", Value::Object{{"source", "web"}});
  REQUIRE(started.ok());
  REQUIRE(started->size() == 1);
  const Case c = w.get(started->front());
  CHECK(c.process_id == "intake");
  CHECK(c.key == "L-9");
  CHECK(c.variables["source"] == Value{"web"});
  CHECK(c.active == Steps{"qualify"});

  auto unknown = w.engine.correlate("old-lead", "L-1");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK(w.engine.cases()->size() == 1);
}

}  // namespace
}  // namespace crmflow::test
