// `call` steps: child cases with input/output, variables passed and merged without them, a
// child's uncaught business error caught by the call step's boundary, cancel reaching the
// child, and the one transaction that ends a child and resumes its caller.
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kCheck = R"yaml(
process: credit-check
steps:
  - id: assess
    type: user
    form: [{name: score, type: integer, required: true}]
  - id: verdict
    type: exclusive
    next:
      - {to: refused, when: "score < 0"}
      - {to: fine, default: true}
  - {id: fine, type: end}
  - {id: refused, type: end, error: BAD_CREDIT}
)yaml";

const char* const kOrder = R"yaml(
process: order
steps:
  - id: check
    type: call
    process: credit-check
    input: {customer: "= name"}
    output: {rating: "= result.score * 10"}
    boundary:
      - {error: BAD_CREDIT, next: rejected}
  - {id: accepted, type: end}
  - {id: rejected, type: end}
)yaml";

// The one case of `process` other than `parent`.
CaseId child_of(World& w, CaseId parent) {
  auto all = w.engine.cases(CaseQuery{});
  REQUIRE(all.ok());
  for (const Case& c : *all) {
    if (c.parent == parent) return c.id;
  }
  FAIL("case " << parent << " has no child");
  return kNoId;
}

TEST_CASE("a call starts a child case with the input and maps its output back", "[runtime][call]") {
  World w;
  w.deploy(kCheck);
  w.deploy(kOrder);
  const CaseId id = w.start("order", Value::Object{{"name", "Reza"}, {"secret", 1}});
  CHECK(w.active(id) == Steps{"check"});
  const CaseId child = child_of(w, id);
  Case c = w.get(child);
  CHECK(c.process_id == "credit-check");
  CHECK(c.variables == Value{Value::Object{{"customer", "Reza"}}});
  CHECK(c.active == Steps{"assess"});
  w.complete(child, "assess", "ali", Value::Object{{"score", 7}});
  CHECK(w.status(child) == CaseStatus::completed);
  c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["rating"] == Value{70});
  CHECK(c.variables.find("score") == nullptr);
  CHECK(c.path == Steps{"check", "accepted"});
}

TEST_CASE("without input the child gets every variable; without output its variables merge",
          "[runtime][call]") {
  World w;
  w.deploy(R"yaml(
process: child
steps:
  - {id: compute, type: set, set: {total: "= a + b"}}
)yaml");
  w.deploy(R"yaml(
process: parent
steps:
  - {id: run-child, type: call, process: child}
  - {id: after, type: user}
)yaml");
  const CaseId id = w.start("parent", Value::Object{{"a", 2}, {"b", 3}});
  // The child completed inside the parent's start: one call, one commit of both cases.
  const Case c = w.get(id);
  CHECK(c.active == Steps{"after"});
  CHECK(c.variables["total"] == Value{5});
  CHECK(c.path == Steps{"run-child"});
  const Case child = w.get(child_of(w, id));
  CHECK(child.status == CaseStatus::completed);
  CHECK(child.variables["a"] == Value{2});
}

TEST_CASE("a child's uncaught business error goes to the call step's boundary", "[runtime][call]") {
  World w;
  w.deploy(kCheck);
  w.deploy(kOrder);
  const CaseId id = w.start("order", Value::Object{{"name", "Reza"}});
  const CaseId child = child_of(w, id);
  w.complete(child, "assess", "ali", Value::Object{{"score", -1}});
  CHECK(w.status(child) == CaseStatus::terminated);
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.path == Steps{"rejected"});
}

TEST_CASE("a child's business error that nothing catches is an incident at the call step",
          "[runtime][call]") {
  World w;
  w.deploy(kCheck);
  w.deploy(R"yaml(
process: bare
steps:
  - {id: check, type: call, process: credit-check}
)yaml");
  const CaseId id = w.start("bare");
  w.complete(child_of(w, id), "assess", "ali", Value::Object{{"score", -5}});
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message,
             Catch::Contains("step 'check'") && Catch::Contains("BAD_CREDIT"));
}

TEST_CASE("cancelling the caller cancels the child", "[runtime][call]") {
  World w;
  w.deploy(kCheck);
  w.deploy(kOrder);
  const CaseId id = w.start("order", Value::Object{{"name", "Reza"}});
  const CaseId child = child_of(w, id);
  REQUIRE(w.engine.cancel(id, "customer left").ok());
  CHECK(w.status(id) == CaseStatus::cancelled);
  CHECK(w.status(child) == CaseStatus::cancelled);
  CHECK(w.open_tasks(child).empty());
}

TEST_CASE("a child cancelled on its own leaves an incident at the call step", "[runtime][call]") {
  World w;
  w.deploy(kCheck);
  w.deploy(kOrder);
  const CaseId id = w.start("order", Value::Object{{"name", "Reza"}});
  REQUIRE(w.engine.cancel(child_of(w, id)).ok());
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("was cancelled"));
}

TEST_CASE("calling a process that is not deployed is an incident; retry calls it",
          "[runtime][call]") {
  World w;
  w.deploy(kOrder);
  const CaseId id = w.start("order", Value::Object{{"name", "Reza"}});
  Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message,
             Catch::Contains("step 'check'") && Catch::Contains("credit-check"));
  w.deploy(kCheck);
  REQUIRE(w.engine.retry(id, "check").ok());
  CHECK(w.active(id) == Steps{"check"});
  CHECK(w.active(child_of(w, id)) == Steps{"assess"});
}

TEST_CASE("a process that calls itself without end is stopped by an incident", "[runtime][call]") {
  World w;
  w.deploy("process: loop\nsteps:\n  - {id: again, type: call, process: loop}\n");
  const CaseId id = w.start("loop");
  auto all = w.engine.cases(CaseQuery{});
  REQUIRE(all.ok());
  const auto stuck = std::count_if(all->begin(), all->end(),
                                   [](const Case& c) { return c.status == CaseStatus::incident; });
  CHECK(stuck == 1);
  CHECK(w.status(id) == CaseStatus::active);
}

TEST_CASE("a multi-instance call starts one child per item and collects their results",
          "[runtime][call][multi]") {
  World w;
  w.deploy("process: double\nsteps:\n  - {id: d, type: set, set: {twice: \"= n * 2\"}}\n");
  w.deploy(R"yaml(
process: many
steps:
  - id: each
    type: call
    process: double
    input: {n: "= item"}
    output: {got: "= result.twice"}
    for_each: "= numbers"
    collect: {into: doubled, value: "= got"}
)yaml");
  const Case c = w.get(w.start("many", Value::Object{{"numbers", Value::List{1, 2, 3}}}));
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["doubled"] == Value{Value::List{2, 4, 6}});
  CHECK(c.variables.find("got") == nullptr);
  CHECK(c.path == Steps{"each"});
}

}  // namespace
}  // namespace crmflow::test
