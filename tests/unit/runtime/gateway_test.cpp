// Parallel and inclusive splits and joins, uncontrolled merge, terminate.
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kDiamond = R"(
process: diamond
steps:
  - {id: fork, type: parallel, next: [a, b, c]}
  - {id: a, type: user, next: join}
  - {id: b, type: user, next: join}
  - {id: c, type: user, next: join}
  - {id: join, type: parallel}
  - {id: after, type: set, set: {joined: true}}
)";

TEST_CASE("a parallel join fires once every branch arrived, in any order", "[runtime][parallel]") {
  const std::vector<Steps> orders = {{"a", "b", "c"}, {"c", "b", "a"}, {"b", "c", "a"}};
  for (const Steps& order : orders) {
    World w;
    w.deploy(kDiamond);
    const CaseId id = w.start("diamond");
    CHECK(w.active(id) == Steps{"a", "b", "c"});
    w.complete(id, order[0], "ali");
    CHECK(w.active(id) == sorted({order[1], order[2], "join"}));
    w.complete(id, order[1], "ali");
    CHECK(w.active(id) == Steps{order[2], "join"});
    CHECK(w.get(id).variables["joined"].is_null());
    w.complete(id, order[2], "ali");
    const Case c = w.get(id);
    CHECK(c.status == CaseStatus::completed);
    CHECK(c.variables["joined"] == Value{true});
    CHECK(c.path == Steps{"fork", order[0], order[1], order[2], "join", "after"});
  }
}

TEST_CASE("branches move in next order, each as far as it can", "[runtime][parallel]") {
  World w;
  w.deploy(R"(
process: order
steps:
  - {id: fork, type: parallel, next: [a1, b1]}
  - {id: a1, type: set, set: {x: 1}}
  - {id: a2, type: set, set: {x: 2}, next: join}
  - {id: b1, type: set, set: {y: 1}, next: join}
  - {id: join, type: parallel}
)");
  CHECK(w.path(w.start("order")) == Steps{"fork", "a1", "a2", "b1", "join"});
}

TEST_CASE("extra tokens on one flow of a parallel join wait for the next firing",
          "[runtime][parallel]") {
  World w;
  w.deploy(R"(
process: extra
steps:
  - {id: fork, type: parallel, next: [left, twice, right]}
  - {id: left, type: user, next: join}
  - {id: twice, type: set, set: {n: 1}, next: left}
  - {id: right, type: user, next: join}
  - {id: join, type: parallel}
  - {id: out, type: user}
)");
  // join has two incoming flows (left, right); two tokens reach `left`.
  const CaseId id = w.start("extra");
  CHECK(w.open_tasks(id).size() == 3);  // left twice (uncontrolled merge), right once
  for (int i = 0; i < 2; ++i) {
    auto left = w.engine.tasks({.case_id = id, .step_id = "left"});
    REQUIRE(left.ok());
    REQUIRE_FALSE(left->empty());
    REQUIRE(w.engine.complete(left->front().id, {.by = "ali"}).ok());
  }
  CHECK(w.active(id) == Steps{"join", "right"});
  w.complete(id, "right", "ali");
  // One firing: one token went on to `out`; the second arrival from `left` still waits.
  CHECK(w.active(id) == Steps{"join", "out"});
  CHECK(w.open_tasks(id).size() == 1);
  w.complete(id, "out", "ali");
  CHECK(w.status(id) == CaseStatus::active);  // the join still holds a token
}

TEST_CASE("two branches into one user step without a join make two tasks", "[runtime][merge]") {
  World w;
  w.deploy(R"(
process: merge
steps:
  - {id: fork, type: parallel, next: [one, two]}
  - {id: one, type: set, set: {a: 1}, next: review}
  - {id: two, type: set, set: {b: 2}, next: review}
  - {id: review, type: user}
)");
  const CaseId id = w.start("merge");
  CHECK(w.open_tasks(id).size() == 2);
  CHECK(w.active(id) == Steps{"review"});
  auto tasks = w.open_tasks(id);
  REQUIRE(w.engine.complete(tasks[0].id, {.by = "ali"}).ok());
  CHECK(w.status(id) == CaseStatus::active);
  REQUIRE(w.engine.complete(tasks[1].id, {.by = "ali"}).ok());
  CHECK(w.status(id) == CaseStatus::completed);
  CHECK(w.path(id) == Steps{"fork", "one", "two", "review", "review"});
}

const char* const kInclusive = R"(
process: incl
steps:
  - id: split
    type: inclusive
    next:
      - {to: sms, when: "phone != null"}
      - {to: mail, when: "email != null"}
      - {to: letter, default: true}
  - {id: sms, type: user, next: join}
  - {id: mail, type: user, next: join}
  - {id: letter, type: set, set: {letter: true}, next: join}
  - {id: join, type: inclusive}
  - {id: done, type: end}
)";

TEST_CASE("an inclusive split takes every true branch; the join waits only for those",
          "[runtime][inclusive]") {
  World w;
  w.deploy(kInclusive);
  const CaseId both = w.start("incl", Value::Object{{"phone", "1"}, {"email", "e"}});
  CHECK(w.active(both) == Steps{"mail", "sms"});
  w.complete(both, "mail", "ali");
  CHECK(w.active(both) == Steps{"join", "sms"});  // sms can still arrive
  w.complete(both, "sms", "ali");
  CHECK(w.status(both) == CaseStatus::completed);
  CHECK(w.path(both) == Steps{"split", "mail", "sms", "join", "done"});

  const CaseId one = w.start("incl", Value::Object{{"email", "e"}});
  CHECK(w.active(one) == Steps{"mail"});
  w.complete(one, "mail", "ali");
  CHECK(w.status(one) == CaseStatus::completed);  // nothing else can reach the join

  const CaseId none = w.start("incl");
  CHECK(w.status(none) == CaseStatus::completed);  // the default branch alone
  CHECK(w.path(none) == Steps{"split", "letter", "join", "done"});
}

TEST_CASE("an inclusive join fires when the token it waited for goes elsewhere",
          "[runtime][inclusive]") {
  World w;
  w.deploy(R"(
process: detour
steps:
  - {id: fork, type: inclusive, next: [a, b]}
  - {id: a, type: user, next: join}
  - id: b
    type: user
    next:
      - {to: join, when: "go"}
      - {to: away, default: true}
  - {id: join, type: inclusive}
  - {id: done, type: end}
  - {id: away, type: user}
)");
  const CaseId id = w.start("detour");
  w.complete(id, "a", "ali");
  CHECK(w.active(id) == Steps{"b", "join"});
  w.complete(id, "b", "ali", Value::Object{{"go", false}});
  // b left for `away`, which cannot reach the join: the join fires with a's token alone.
  CHECK(w.active(id) == Steps{"away"});
  CHECK(w.path(id) == Steps{"fork", "a", "b", "join", "done"});
}

TEST_CASE("an inclusive split with no true branch and no default is an incident",
          "[runtime][inclusive][incident]") {
  World w;
  w.deploy(R"(
process: nothing-true
steps:
  - id: split
    type: inclusive
    next:
      - {to: a, when: "x = 1"}
      - {to: b, when: "x = 2"}
  - {id: a, type: end}
  - {id: b, type: end}
)");
  const CaseId id = w.start("nothing-true");
  CHECK(w.status(id) == CaseStatus::incident);
  CHECK(w.active(id) == Steps{"split"});
  REQUIRE(w.engine.retry(id, "split", Value::Object{{"x", 2}}).ok());
  CHECK(w.path(id) == Steps{"split", "b"});
}

TEST_CASE("terminate ends every branch and withdraws their tasks", "[runtime][terminate]") {
  World w;
  w.deploy(R"(
process: term
steps:
  - {id: fork, type: parallel, next: [slow, quick]}
  - {id: slow, type: user, next: end-slow}
  - {id: end-slow, type: end}
  - {id: quick, type: user}
  - {id: stop, type: end, terminate: true}
)");
  const CaseId id = w.start("term");
  const TaskId slow = w.task_at(id, "slow").id;
  w.complete(id, "quick", "ali");
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::terminated);
  CHECK(c.active.empty());
  CHECK(c.path == Steps{"fork", "quick", "stop"});
  CHECK(w.engine.task(slow)->status == TaskStatus::withdrawn);
  const Steps events = w.events(id);
  CHECK(std::find(events.begin(), events.end(), "step_withdrawn:slow") != events.end());
  CHECK(events.back() == "case_terminated");
}

TEST_CASE("an end step with an uncaught error is an incident", "[runtime][end]") {
  World w;
  w.deploy(R"(
process: fail
steps:
  - {id: boom, type: end, error: OUT_OF_STOCK}
)");
  const Case c = w.get(w.start("fail"));
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("'OUT_OF_STOCK' was not caught"));
}

}  // namespace
}  // namespace crmflow::test
