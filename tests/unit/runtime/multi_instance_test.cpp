// Multi-instance (`for_each`) steps: parallel and sequential instances, instance-scoped
// variables, `collect` in item order, `complete_when` withdrawing the rest, empty lists, the
// step in `path` once, boundaries of the whole activity, incidents.
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kReview = R"yaml(
process: review
steps:
  - id: approve
    type: user
    name: "Review {{ reviewer }}"
    assignee: "{{ reviewer }}"
    form:
      - {name: ok, type: boolean, required: true}
    for_each: "= reviewers"
    as: reviewer
    collect: {into: votes, value: "= {'who': reviewer, 'ok': ok}"}
  - {id: done, type: end}
)yaml";

Value vote(const char* who, bool ok) { return Value::Object{{"who", who}, {"ok", ok}}; }

TEST_CASE("parallel instances run at once and collect in item order, not completion order",
          "[runtime][multi]") {
  World w;
  w.deploy(kReview);
  const CaseId id =
      w.start("review", Value::Object{{"reviewers", Value::List{"ali", "sara", "omid"}}});
  std::vector<Task> tasks = w.open_tasks(id);
  REQUIRE(tasks.size() == 3);
  std::vector<std::string> assignees;
  for (const Task& t : tasks) assignees.push_back(t.assignee);
  CHECK(sorted(assignees) == Steps{"ali", "omid", "sara"});
  CHECK(w.active(id) == Steps{"approve"});
  auto task_of = [&](const std::string& who) {
    for (const Task& t : w.open_tasks(id)) {
      if (t.assignee == who) return t;
    }
    FAIL("no open task for " << who);
    return Task{};
  };
  CHECK(task_of("sara").name == "Review sara");
  REQUIRE(w.engine.complete(task_of("omid").id, {.by = "omid", .vars = Value::Object{{"ok", true}}})
              .ok());
  REQUIRE(w.engine.complete(task_of("ali").id, {.by = "ali", .vars = Value::Object{{"ok", false}}})
              .ok());
  CHECK(w.path(id).empty());  // the step is left once, when every instance is done
  REQUIRE(w.engine.complete(task_of("sara").id, {.by = "sara", .vars = Value::Object{{"ok", true}}})
              .ok());
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.path == Steps{"approve", "done"});
  CHECK(c.variables["votes"] ==
        Value{Value::List{vote("ali", false), vote("sara", true), vote("omid", true)}});
  // The form variables lived in each instance: they reach the case only through `collect`.
  CHECK(c.variables.find("ok") == nullptr);
  CHECK(c.variables.find("reviewer") == nullptr);
}

TEST_CASE("sequential instances run one after another", "[runtime][multi]") {
  World w;
  w.deploy(R"yaml(
process: calls
steps:
  - id: phone
    type: user
    name: "Call {{ item }}"
    for_each: "= numbers"
    parallel: false
    form: [{name: reached, type: boolean}]
    collect: {into: reached, value: "= reached"}
)yaml");
  const CaseId id = w.start("calls", Value::Object{{"numbers", Value::List{"111", "222"}}});
  REQUIRE(w.open_tasks(id).size() == 1);
  CHECK(w.task_at(id, "phone").name == "Call 111");
  w.complete(id, "phone", "ali", Value::Object{{"reached", false}});
  REQUIRE(w.open_tasks(id).size() == 1);
  CHECK(w.task_at(id, "phone").name == "Call 222");
  w.complete(id, "phone", "ali", Value::Object{{"reached", true}});
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["reached"] == Value{Value::List{false, true}});
  CHECK(c.path == Steps{"phone"});
}

TEST_CASE("complete_when ends the activity early; withdrawn instances collect null",
          "[runtime][multi]") {
  World w;
  w.deploy(R"yaml(
process: quorum
steps:
  - id: vote
    type: user
    for_each: "= voters"
    complete_when: "= completed >= 2 and completed < total"
    collect: {into: marks, value: "= item * 10"}
  - {id: next, type: user}
)yaml");
  const CaseId id = w.start("quorum", Value::Object{{"voters", Value::List{1, 2, 3}}});
  std::vector<Task> tasks = w.open_tasks(id);
  REQUIRE(tasks.size() == 3);
  // Complete the third, then the first: the second is withdrawn.
  REQUIRE(w.engine.complete(tasks[2].id, {.by = "ali"}).ok());
  CHECK(w.open_tasks(id).size() == 2);
  REQUIRE(w.engine.complete(tasks[0].id, {.by = "ali"}).ok());
  const Case c = w.get(id);
  CHECK(c.variables["marks"] == Value{Value::List{10, Value{}, 30}});
  CHECK(c.path == Steps{"vote"});
  CHECK(c.active == Steps{"next"});
  auto withdrawn = w.engine.task(tasks[1].id);
  REQUIRE(withdrawn.ok());
  CHECK(withdrawn->status == TaskStatus::withdrawn);
}

TEST_CASE("an empty list completes the step at once with an empty collection", "[runtime][multi]") {
  World w;
  w.deploy(R"yaml(
process: none
steps:
  - id: each
    type: user
    for_each: "= items"
    collect: {into: out, value: "= item"}
  - {id: after, type: end}
)yaml");
  const Case c = w.get(w.start("none", Value::Object{{"items", Value::List{}}}));
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["out"] == Value{Value::List{}});
  CHECK(c.path == Steps{"each", "after"});
}

TEST_CASE("for_each that is not a list is an incident naming the step and the expression",
          "[runtime][multi]") {
  World w;
  w.deploy(R"yaml(
process: bad
steps:
  - {id: each, type: user, for_each: "= items"}
)yaml");
  const CaseId id = w.start("bad", Value::Object{{"items", 5}});
  Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("step 'each'") && Catch::Contains("items") &&
                                         Catch::Contains("must give a list"));
  CHECK(w.open_tasks(id).empty());
  // Fixed variables and a retry run the step again.
  REQUIRE(w.engine.retry(id, "each", Value::Object{{"items", Value::List{"a"}}}).ok());
  c = w.get(id);
  CHECK(c.status == CaseStatus::active);
  CHECK(w.open_tasks(id).size() == 1);
}

TEST_CASE("multi-instance service steps call the handler per item and keep results local",
          "[runtime][multi]") {
  World w;
  w.deploy(R"yaml(
process: quotes
steps:
  - id: quote
    type: service
    handler: price
    input: {sku: "= sku"}
    output: {price: "= result.price"}
    for_each: "= skus"
    as: sku
    collect: {into: prices, value: "= price"}
  - {id: done, type: end}
)yaml");
  std::vector<std::string> asked;
  w.engine.handlers().add("price", [&](const JobContext& job) {
    asked.push_back(job.input["sku"].as_string());
    return HandlerResult::ok(
        Value::Object{{"price", static_cast<std::int64_t>(job.input["sku"].as_string().size())}});
  });
  const CaseId id = w.start("quotes", Value::Object{{"skus", Value::List{"ab", "abcd", "a"}}});
  CHECK(w.active(id) == Steps{"quote"});
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  CHECK(asked == Steps{"ab", "abcd", "a"});
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["prices"] == Value{Value::List{2, 4, 1}});
  CHECK(c.variables.find("price") == nullptr);
  CHECK(c.path == Steps{"quote", "done"});
}

TEST_CASE("a multi-instance subprocess reads its item inside; errors reach the step's boundary",
          "[runtime][multi]") {
  World w;
  w.deploy(R"yaml(
process: lines
steps:
  - id: each-line
    type: subprocess
    for_each: "= lines"
    as: line
    collect: {into: checked, value: "= line.qty"}
    steps:
      - id: check
        type: exclusive
        next:
          - {to: broken, when: "line.qty < 0"}
          - {to: pack, default: true}
      - {id: pack, type: user, name: "Pack {{ line.sku }}", next: fine}
      - {id: fine, type: end}
      - {id: broken, type: end, error: BAD_LINE}
    boundary:
      - {error: BAD_LINE, next: rejected}
  - {id: shipped, type: end}
  - {id: rejected, type: end}
)yaml");
  auto line = [](const char* sku, int qty) { return Value::Object{{"sku", sku}, {"qty", qty}}; };
  SECTION("every line packed") {
    const CaseId id =
        w.start("lines", Value::Object{{"lines", Value::List{line("A", 1), line("B", 2)}}});
    CHECK(w.active(id) == Steps{"each-line", "pack"});
    std::vector<std::string> names;
    for (const Task& t : w.open_tasks(id)) names.push_back(t.name);
    CHECK(sorted(names) == Steps{"Pack A", "Pack B"});
    for (const Task& t : w.open_tasks(id)) REQUIRE(w.engine.complete(t.id, {.by = "ali"}).ok());
    const Case c = w.get(id);
    CHECK(c.status == CaseStatus::completed);
    CHECK(c.variables["checked"] == Value{Value::List{1, 2}});
    // Both instances run to their task before either completes.
    CHECK(c.path ==
          Steps{"check", "check", "pack", "fine", "pack", "fine", "each-line", "shipped"});
  }
  SECTION("a broken line throws to the boundary of the whole activity") {
    const CaseId id =
        w.start("lines", Value::Object{{"lines", Value::List{line("A", 1), line("B", -1)}}});
    const Case c = w.get(id);
    CHECK(c.status == CaseStatus::completed);
    CHECK(c.active.empty());
    CHECK(c.path.back() == "rejected");
    CHECK(std::count(c.path.begin(), c.path.end(), "each-line") == 0);
    CHECK(w.open_tasks(id).empty());  // the first line's task was withdrawn
  }
}

TEST_CASE("a boundary timer on a multi-instance step withdraws every instance",
          "[runtime][multi]") {
  World w;
  w.deploy(R"yaml(
process: timed
steps:
  - id: sign
    type: user
    for_each: "= signers"
    boundary:
      - {timer: P1D, next: late}
  - {id: ok, type: end}
  - {id: late, type: end}
)yaml");
  const CaseId id = w.start("timed", Value::Object{{"signers", Value::List{"a", "b"}}});
  REQUIRE(w.open_tasks(id).size() == 2);
  w.clock.advance(std::chrono::hours{24});
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.path == Steps{"late"});
  CHECK(w.open_tasks(id).empty());
}

TEST_CASE("cancelling a case withdraws every instance once", "[runtime][multi]") {
  World w;
  w.deploy(kReview);
  const CaseId id = w.start("review", Value::Object{{"reviewers", Value::List{"ali", "sara"}}});
  REQUIRE(w.engine.cancel(id, "no longer needed").ok());
  CHECK(w.status(id) == CaseStatus::cancelled);
  CHECK(w.open_tasks(id).empty());
  const std::vector<std::string> events = w.events(id);
  CHECK(std::count(events.begin(), events.end(), "step_withdrawn:approve") == 3);
}

TEST_CASE("a failing collect value ends the activity with an incident", "[runtime][multi]") {
  World w;
  w.deploy(R"yaml(
process: broken
steps:
  - id: each
    type: user
    for_each: "= items"
    collect: {into: out, value: "= item - 'x'"}
)yaml");
  const CaseId id = w.start("broken", Value::Object{{"items", Value::List{1, 2}}});
  const std::vector<Task> tasks = w.open_tasks(id);
  REQUIRE(tasks.size() == 2);
  REQUIRE(w.engine.complete(tasks[0].id, {.by = "ali"}).ok());
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("step 'each'") && Catch::Contains("collect"));
  CHECK(w.open_tasks(id).empty());
}

}  // namespace
}  // namespace crmflow::test
