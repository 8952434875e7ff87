// Sequences, `set`, `end`, implicit next, conditional flows and the exclusive gateway.
#include "world.hpp"

namespace crmflow::test {
namespace {

TEST_CASE("a sequence of pass-through steps completes in one call", "[runtime][sequence]") {
  World w;
  w.deploy(R"(
process: seq
steps:
  - {id: begin, type: start}
  - id: compute
    type: set
    set: {total: "= price * qty", status: approved, customer.name: Reza}
    progress: 40
  - {id: done, type: end}
)");
  const CaseId id = w.start("seq", Value::Object{{"price", 10}, {"qty", 3}}, "ali");
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.progress == 100);
  CHECK(c.active.empty());
  CHECK(c.path == Steps{"begin", "compute", "done"});
  CHECK(c.variables["total"] == Value{30});
  CHECK(c.variables["status"] == Value{"approved"});
  CHECK(c.variables["customer"]["name"] == Value{"Reza"});
  CHECK(c.initiator == "ali");
  CHECK(c.key == "K-1");
  REQUIRE(c.ended_at.has_value());
  CHECK(*c.ended_at == w.clock.now());
  CHECK(w.events(id) == Steps{"case_started", "step_entered:begin", "step_left:begin",
                              "step_entered:compute", "variables_changed:compute",
                              "step_left:compute", "step_entered:done", "step_left:done",
                              "case_completed"});
}

TEST_CASE("set assigns in order, each reading the ones before", "[runtime][sequence]") {
  World w;
  w.deploy(R"(
process: chain
steps:
  - id: s
    type: set
    set: {a: 2, b: "= a * 10"}
)");
  const Case c = w.get(w.start("chain"));
  CHECK(c.variables["b"] == Value{20});
  CHECK(c.status == CaseStatus::completed);  // after the last step the branch ends
}

TEST_CASE("expressions read case.key, case.initiator and case.id", "[runtime][sequence]") {
  World w;
  w.deploy(R"(
process: ctx
steps:
  - id: s
    type: set
    set: {who: "= case.initiator + '/' + case.key", first: "= case.id = 1"}
)");
  const Case c = w.get(w.start("ctx", {}, "sara"));
  CHECK(c.variables["who"] == Value{"sara/K-1"});
  CHECK(c.variables["first"] == Value{true});
}

TEST_CASE("conditional flows on a step take the first true branch, else the default",
          "[runtime][flows]") {
  World w;
  w.deploy(R"(
process: cond
steps:
  - id: check
    type: set
    set: {seen: true}
    next:
      - {to: big, when: "amount > 100"}
      - {to: medium, when: "amount > 10"}
      - {to: small, default: true}
  - {id: big, type: end}
  - {id: medium, type: end}
  - {id: small, type: end}
)");
  CHECK(w.path(w.start("cond", Value::Object{{"amount", 500}})) == Steps{"check", "big"});
  CHECK(w.path(w.start("cond", Value::Object{{"amount", 50}})) == Steps{"check", "medium"});
  CHECK(w.path(w.start("cond", Value::Object{{"amount", 5}})) == Steps{"check", "small"});
  // A null condition (amount missing) counts as false.
  CHECK(w.path(w.start("cond")) == Steps{"check", "small"});
}

TEST_CASE("no true branch and no default raises an incident; retry with new variables resolves it",
          "[runtime][flows][incident]") {
  World w;
  w.deploy(R"(
process: stuck
steps:
  - id: route
    type: exclusive
    next:
      - {to: yes, when: "answer = 'yes'"}
      - {to: no, when: "answer = 'no'"}
  - {id: yes, type: end}
  - {id: no, type: end}
)");
  const CaseId id = w.start("stuck", Value::Object{{"answer", "maybe"}});
  Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  CHECK(c.active == Steps{"route"});
  CHECK(c.path.empty());
  REQUIRE(c.incidents.size() == 1);
  CHECK(c.incidents[0].step_id == "route");
  CHECK_THAT(c.incidents[0].message, Catch::Contains("no branch to take"));

  // Retrying a step without an incident is refused and changes nothing.
  auto wrong = w.engine.retry(id, "yes");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == ErrorCode::invalid_state);
  CHECK_THAT(wrong.error().message, Catch::Contains("no open incident at step 'yes'"));
  auto unknown = w.engine.retry(id, "nowhere");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);

  REQUIRE(w.engine.retry(id, "route", Value::Object{{"answer", "no"}}).ok());
  c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.path == Steps{"route", "no"});
  CHECK(c.incidents.empty());
  const auto events = w.events(id);
  CHECK(std::find(events.begin(), events.end(), "incident_raised:route") != events.end());
  CHECK(std::find(events.begin(), events.end(), "incident_resolved:route") != events.end());
}

TEST_CASE("a failing expression in set is an incident naming the step", "[runtime][incident]") {
  World w;
  w.deploy(R"(
process: bad
steps:
  - id: compute
    type: set
    set: {x: "= name * 2"}
)");
  const CaseId id = w.start("bad", Value::Object{{"name", "text"}});
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message,
             Catch::Contains("step 'compute'") && Catch::Contains("setting 'x' failed"));
  REQUIRE(w.engine.retry(id, "compute", Value::Object{{"name", 4}}).ok());
  CHECK(w.get(id).variables["x"] == Value{8});
  CHECK(w.status(id) == CaseStatus::completed);
}

TEST_CASE("the exclusive gateway routes by the first true branch", "[runtime][exclusive]") {
  World w;
  w.deploy(R"(
process: gw
steps:
  - id: decide
    type: exclusive
    next:
      - {to: high, when: "score >= 80"}
      - {to: low, default: true}
  - id: high
    type: set
    set: {grade: A}
    next: done
  - id: low
    type: set
    set: {grade: C}
  - {id: done, type: end}
)");
  CHECK(w.path(w.start("gw", Value::Object{{"score", 90}})) == Steps{"decide", "high", "done"});
  CHECK(w.path(w.start("gw", Value::Object{{"score", 10}})) == Steps{"decide", "low", "done"});
}

TEST_CASE("a loop that never waits becomes a runaway-loop incident", "[runtime][incident]") {
  World w;
  w.deploy(R"(
process: spin
steps:
  - id: again
    type: set
    set: {n: "= coalesce(n, 0) + 1"}
    next:
      - {to: again, when: "n < 1000000"}
      - {to: out, default: true}
  - {id: out, type: end}
)");
  const CaseId id = w.start("spin");
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK(c.incidents[0].step_id == "again");
  CHECK_THAT(c.incidents[0].message, Catch::Contains("runaway loop"));
  CHECK(c.variables["n"] == Value{10'000});
  // Retry gives the loop a fresh budget; with the bound lowered it finishes.
  REQUIRE(w.engine.retry(id, "again", Value::Object{{"n", 999'990}}).ok());
  CHECK(w.status(id) == CaseStatus::completed);
}

TEST_CASE("start checks declared variables: required, types, defaults", "[runtime][start]") {
  World w;
  w.deploy(R"(
process: typed
variables:
  customer: {type: object, required: true}
  amount: {type: integer, default: 5}
  when: {type: date}
  doubled: {type: number, default: "= amount * 2"}
steps:
  - {id: done, type: end}
)");
  auto missing = w.engine.start("typed", {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::invalid_input);
  CHECK_THAT(missing.error().message, Catch::Contains("variable 'customer' is required"));

  auto wrong = w.engine.start(
      "typed", {.vars = Value::Object{{"customer", Value::Object{}}, {"amount", "many"}}});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == ErrorCode::invalid_input);
  CHECK_THAT(wrong.error().message,
             Catch::Contains("variable 'amount' must be an integer, not string"));

  auto bad_date = w.engine.start(
      "typed", {.vars = Value::Object{{"customer", Value::Object{}}, {"when", "2026-02-30"}}});
  REQUIRE_FALSE(bad_date.ok());
  CHECK(bad_date.error().code == ErrorCode::invalid_input);
  CHECK_THAT(bad_date.error().message, Catch::Contains("variable 'when'"));

  auto not_object = w.engine.start("typed", {.vars = Value{3}});
  REQUIRE_FALSE(not_object.ok());
  CHECK(not_object.error().code == ErrorCode::invalid_input);

  const CaseId id =
      w.start("typed", Value::Object{{"customer", Value::Object{}}, {"when", "2026-02-02"}});
  const Case c = w.get(id);
  CHECK(c.variables["amount"] == Value{5});
  CHECK(c.variables["doubled"].is_null());  // the default reads the variables given: no amount
  CHECK(c.variables["when"].is_date());

  auto unknown = w.engine.start("nothing");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK_THAT(unknown.error().message, Catch::Contains("no process 'nothing'"));
  auto no_version = w.engine.start("typed", {.version = 7});
  REQUIRE_FALSE(no_version.ok());
  CHECK(no_version.error().code == ErrorCode::not_found);
}

TEST_CASE("deploy creates a version only when the content changes", "[runtime][deploy]") {
  World w;
  const std::string v1 = "process: p\nsteps:\n  - {id: a, type: end}\n";
  CHECK(w.deploy(v1).version == 1);
  const Deployment again = w.deploy("# a comment\nprocess: p\nsteps:\n  - {id: a,  type: end}\n");
  CHECK(again.version == 1);
  CHECK_FALSE(again.changed);
  const Deployment v2 = w.deploy("process: p\nsteps:\n  - {id: b, type: end}\n");
  CHECK(v2.version == 2);
  CHECK(v2.changed);

  // Cases keep the version they started with.
  auto old_case = w.engine.start("p", {.version = 1});
  REQUIRE(old_case.ok());
  CHECK(w.path(*old_case) == Steps{"a"});
  CHECK(w.path(w.start("p")) == Steps{"b"});

  auto outcome = load_process("process: p\nversion: 2\nsteps:\n  - {id: c, type: end}\n", "x");
  REQUIRE(outcome.ok());
  auto clash = w.engine.deploy(outcome.process);
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::conflict);
  CHECK_THAT(clash.error().message, Catch::Contains("version 2 is already deployed"));

  auto null = w.engine.deploy(nullptr);
  REQUIRE_FALSE(null.ok());
  CHECK(null.error().code == ErrorCode::invalid_input);
}

}  // namespace
}  // namespace crmflow::test
