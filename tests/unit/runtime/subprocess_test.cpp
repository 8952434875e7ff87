// Subprocess scopes: completion, boundaries that withdraw everything inside, errors thrown
// outwards, terminate inside a subprocess.
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kOrder = R"yaml(
process: order
steps:
  - id: fulfil
    type: subprocess
    steps:
      - {id: split, type: parallel, next: [pick, bill]}
      - {id: pick, type: user, next: joined}
      - {id: bill, type: user, next: joined}
      - {id: joined, type: parallel}
      - id: check
        type: exclusive
        next:
          - {to: out-of-stock, when: "stock = 0"}
          - {to: fine, default: true}
      - {id: out-of-stock, type: end, error: NO_STOCK}
      - {id: fine, type: end}
    boundary:
      - {error: NO_STOCK, next: apologise}
      - {message: {name: abort, key: "{{ case.key }}"}, next: aborted}
  - {id: ship, type: end}
  - {id: apologise, type: end}
  - {id: aborted, type: end}
)yaml";

TEST_CASE("a subprocess completes when everything inside has ended", "[runtime][subprocess]") {
  World w;
  w.deploy(kOrder);
  const CaseId id = w.start("order", Value::Object{{"stock", 3}});
  CHECK(w.active(id) == Steps{"bill", "fulfil", "pick"});
  w.complete(id, "pick", "ali");
  w.complete(id, "bill", "ali");
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.path == Steps{"split", "pick", "bill", "joined", "check", "fine", "fulfil", "ship"});
}

TEST_CASE("an error end inside is caught by the subprocess's boundary", "[runtime][subprocess]") {
  World w;
  w.deploy(kOrder);
  const CaseId id = w.start("order", Value::Object{{"stock", 0}});
  w.complete(id, "pick", "ali");
  w.complete(id, "bill", "ali");
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  // The error end is left as it throws (spec: `path` includes end steps); then the catch.
  CHECK(c.path == Steps{"split", "pick", "bill", "joined", "check", "out-of-stock", "apologise"});
  const Steps events = w.events(id);
  CHECK(std::find(events.begin(), events.end(), "step_withdrawn:fulfil") != events.end());
}

TEST_CASE("an interrupting boundary withdraws everything inside the subprocess",
          "[runtime][subprocess]") {
  World w;
  w.deploy(kOrder);
  const CaseId id = w.start("order", Value::Object{{"stock", 3}});
  w.complete(id, "pick", "ali");  // the join now holds one arrival inside
  REQUIRE(w.engine.correlate("abort", "K-1").ok());
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.active.empty());
  CHECK(c.path == Steps{"split", "pick", "aborted"});
  CHECK(w.open_tasks(id).empty());
}

TEST_CASE("terminate inside a subprocess ends only the subprocess", "[runtime][subprocess]") {
  World w;
  w.deploy(R"yaml(
process: inner-stop
steps:
  - {id: outer-fork, type: parallel, next: [box, outside]}
  - id: box
    type: subprocess
    steps:
      - {id: in-fork, type: parallel, next: [slow, stop]}
      - {id: slow, type: user}
      - {id: stop, type: end, terminate: true}
    next: after-box
  - {id: after-box, type: end}
  - {id: outside, type: user}
)yaml");
  const CaseId id = w.start("inner-stop");
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::active);
  CHECK(c.active == Steps{"outside"});
  CHECK(c.path == Steps{"outer-fork", "in-fork", "stop", "box", "after-box"});
  w.complete(id, "outside", "ali");
  CHECK(w.status(id) == CaseStatus::completed);
}

TEST_CASE("an error nothing catches is an incident at the end step", "[runtime][subprocess]") {
  World w;
  w.deploy(R"yaml(
process: uncaught
steps:
  - id: box
    type: subprocess
    steps:
      - {id: fail, type: end, error: BROKEN}
    boundary: [{error: OTHER, next: handled}]
  - {id: done, type: end}
  - {id: handled, type: end}
)yaml");
  const Case c = w.get(w.start("uncaught"));
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK(c.incidents[0].step_id == "fail");
  CHECK(c.active == Steps{"box", "fail"});
}

}  // namespace
}  // namespace crmflow::test
