// User tasks: creation (name, assignee, candidates, priority, due), the worklist, authorisation,
// forms, claim/unclaim/delegate, and tasks of ended cases.
#include "time/iso8601.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kRepair = R"(
process: repair
steps:
  - id: reception
    type: user
    name: "Receive {{ device }}"
    candidates: {groups: [reception]}
    priority: 70
    due: PT30M
    form:
      - {name: device, type: string, required: true}
      - {name: cost, type: integer}
      - {name: channel, type: string, options: [sms, email]}
    progress: 20
  - id: fix
    type: user
    assignee: "{{ technician }}"
    candidates: {users: [omid]}
  - {id: done, type: end}
)";

TEST_CASE("a user task waits on the worklist and completing it moves the case", "[runtime][user]") {
  World w;
  w.deploy(kRepair);
  const CaseId id = w.start("repair", Value::Object{{"device", "A52"}, {"technician", "sara"}});
  Case c = w.get(id);
  CHECK(c.status == CaseStatus::active);
  CHECK(c.active == Steps{"reception"});
  CHECK(c.progress == 0);

  const Task t = w.task_at(id, "reception");
  CHECK(t.name == "Receive A52");
  CHECK(t.assignee.empty());
  CHECK(t.candidate_groups == Steps{"reception"});
  CHECK(t.priority == 70);
  REQUIRE(t.due.has_value());
  CHECK(time::format_instant(*t.due) == "2026-01-01T00:30:00Z");
  CHECK(t.status == TaskStatus::open);

  w.clock.advance(std::chrono::minutes{5});
  w.complete(id, "reception", "ali", Value::Object{{"device", "S23"}, {"cost", 12}});
  c = w.get(id);
  CHECK(c.active == Steps{"fix"});
  CHECK(c.path == Steps{"reception"});
  CHECK(c.progress == 20);
  CHECK(c.variables["device"] == Value{"S23"});
  CHECK(c.variables["cost"] == Value{12});
  const Task fix = w.task_at(id, "fix");
  CHECK(fix.assignee == "sara");

  auto closed = w.engine.task(t.id);
  REQUIRE(closed.ok());
  CHECK(closed->status == TaskStatus::completed);
  CHECK(closed->completed_by == "ali");
  REQUIRE(closed->ended_at.has_value());
  CHECK(*closed->ended_at == w.clock.now());

  w.complete(id, "fix", "sara");
  CHECK(w.status(id) == CaseStatus::completed);
  CHECK(w.path(id) == Steps{"reception", "fix", "done"});
  CHECK(w.events(id) == Steps{"case_started", "step_entered:reception", "task_created:reception",
                              "task_completed:reception", "variables_changed:reception",
                              "step_left:reception", "step_entered:fix", "task_created:fix",
                              "task_completed:fix", "step_left:fix", "step_entered:done",
                              "step_left:done", "case_completed"});
}

TEST_CASE("completing is authorised: assignee, else a candidate; unknown users never",
          "[runtime][user][auth]") {
  World w;
  w.directory.add_user("reza", {"sales"});
  w.deploy(kRepair);
  const CaseId id = w.start("repair", Value::Object{{"technician", "sara"}});
  const TaskId reception = w.task_at(id, "reception").id;
  const Value vars = Value::Object{{"device", "A52"}};

  auto stranger = w.engine.complete(reception, {.by = "nobody", .vars = vars});
  REQUIRE_FALSE(stranger.ok());
  CHECK(stranger.error().code == ErrorCode::not_authorized);
  CHECK_THAT(stranger.error().message, Catch::Contains("'nobody' is unknown to the directory"));

  auto no_one = w.engine.complete(reception, {.by = "", .vars = vars});
  REQUIRE_FALSE(no_one.ok());
  CHECK(no_one.error().code == ErrorCode::not_authorized);

  auto outsider = w.engine.complete(reception, {.by = "reza", .vars = vars});
  REQUIRE_FALSE(outsider.ok());
  CHECK(outsider.error().code == ErrorCode::not_authorized);
  CHECK_THAT(outsider.error().message, Catch::Contains("not among its candidates"));
  CHECK(w.active(id) == Steps{"reception"});  // refused calls change nothing

  CHECK(w.engine.may_complete(reception, "ali").ok());
  CHECK(w.engine.may_complete(reception, "reza").error().code == ErrorCode::not_authorized);
  CHECK(w.engine.may_complete(reception, "nobody").error().code == ErrorCode::not_authorized);
  auto admin = w.engine.complete(reception, {.by = "reza", .vars = vars, .admin_override = true});
  REQUIRE(admin.ok());

  // fix is assigned to sara: omid is a candidate but may not complete it while she holds it.
  const TaskId fix = w.task_at(id, "fix").id;
  auto other = w.engine.complete(fix, {.by = "omid"});
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().code == ErrorCode::not_authorized);
  CHECK_THAT(other.error().message, Catch::Contains("assigned to 'sara'"));
  REQUIRE(w.engine.complete(fix, {.by = "sara"}).ok());

  CHECK(w.engine.may_complete(fix, "sara").error().code == ErrorCode::invalid_state);
  auto twice = w.engine.complete(fix, {.by = "sara"});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::invalid_state);
  CHECK_THAT(twice.error().message, Catch::Contains("the task is completed"));

  auto missing = w.engine.complete(9999, {.by = "sara"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
}

TEST_CASE("the form is checked on complete, naming the field", "[runtime][user][form]") {
  World w;
  w.deploy(kRepair);
  const CaseId id = w.start("repair");
  const TaskId t = w.task_at(id, "reception").id;

  auto required = w.engine.complete(t, {.by = "ali"});
  REQUIRE_FALSE(required.ok());
  CHECK(required.error().code == ErrorCode::invalid_input);
  CHECK_THAT(required.error().message,
             Catch::Contains("step 'reception': form field 'device' is required"));

  auto type = w.engine.complete(
      t, {.by = "ali", .vars = Value::Object{{"device", "A52"}, {"cost", "cheap"}}});
  REQUIRE_FALSE(type.ok());
  CHECK(type.error().code == ErrorCode::invalid_input);
  CHECK_THAT(type.error().message,
             Catch::Contains("form field 'cost' must be an integer, not string"));

  auto option = w.engine.complete(
      t, {.by = "ali", .vars = Value::Object{{"device", "A52"}, {"channel", "fax"}}});
  REQUIRE_FALSE(option.ok());
  CHECK(option.error().code == ErrorCode::invalid_input);
  CHECK_THAT(option.error().message, Catch::Contains("'channel' must be one of its options"));

  auto not_object = w.engine.complete(t, {.by = "ali", .vars = Value{"device"}});
  REQUIRE_FALSE(not_object.ok());
  CHECK(not_object.error().code == ErrorCode::invalid_input);

  CHECK(w.active(id) == Steps{"reception"});
  CHECK(w.get(id).variables["device"].is_null());
}

TEST_CASE("claim, unclaim and delegate", "[runtime][user][claim]") {
  World w;
  w.directory.add_user("nima", {"reception"});
  w.deploy(kRepair);
  const CaseId id = w.start("repair");
  const TaskId t = w.task_at(id, "reception").id;

  auto not_candidate = w.engine.claim(t, "sara");
  REQUIRE_FALSE(not_candidate.ok());
  CHECK(not_candidate.error().code == ErrorCode::not_authorized);

  REQUIRE(w.engine.claim(t, "ali").ok());
  CHECK(w.task_at(id, "reception").assignee == "ali");
  REQUIRE(w.engine.claim(t, "ali").ok());  // claiming one's own task again changes nothing

  auto taken = w.engine.claim(t, "nima");
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == ErrorCode::conflict);
  CHECK_THAT(taken.error().message, Catch::Contains("already claimed by 'ali'"));

  auto not_holder = w.engine.unclaim(t, "nima");
  REQUIRE_FALSE(not_holder.ok());
  CHECK(not_holder.error().code == ErrorCode::not_authorized);

  REQUIRE(w.engine.unclaim(t, "ali").ok());
  CHECK(w.task_at(id, "reception").assignee.empty());
  auto unassigned = w.engine.unclaim(t, "ali");
  REQUIRE_FALSE(unassigned.ok());
  CHECK(unassigned.error().code == ErrorCode::invalid_state);

  auto to_nobody = w.engine.delegate(t, "ali", "ghost");
  REQUIRE_FALSE(to_nobody.ok());
  CHECK(to_nobody.error().code == ErrorCode::invalid_input);
  REQUIRE(w.engine.delegate(t, "ali", "sara").ok());
  CHECK(w.task_at(id, "reception").assignee == "sara");
  auto ali_now = w.engine.complete(t, {.by = "ali", .vars = Value::Object{{"device", "x"}}});
  REQUIRE_FALSE(ali_now.ok());
  CHECK(ali_now.error().code == ErrorCode::not_authorized);

  CHECK(w.events(id) == Steps{"case_started", "step_entered:reception", "task_created:reception",
                              "task_claimed:reception", "task_unclaimed:reception",
                              "task_delegated:reception"});
}

TEST_CASE("the worklist shows assigned tasks and claimable ones, by priority then due",
          "[runtime][user][worklist]") {
  World w;
  w.deploy(R"(
process: work
steps:
  - id: split
    type: parallel
    next: [low, high, soon, mine, theirs]
  - {id: low, type: user, priority: 10, candidates: {groups: [reception]}, next: j}
  - {id: high, type: user, priority: 90, candidates: {groups: [reception]}, next: j}
  - {id: soon, type: user, due: PT1H, candidates: {users: [ali]}, next: j}
  - {id: mine, type: user, due: PT2H, assignee: ali, next: j}
  - {id: theirs, type: user, assignee: sara, candidates: {groups: [reception]}, next: j}
  - {id: j, type: parallel}
)");
  const CaseId id = w.start("work");
  auto ali = w.engine.tasks({.user = "ali"});
  REQUIRE(ali.ok());
  Steps steps;
  for (const Task& t : *ali) steps.push_back(t.step_id);
  CHECK(steps == Steps{"high", "soon", "mine", "low"});

  auto sara = w.engine.tasks({.user = "sara"});
  REQUIRE(sara.ok());
  REQUIRE(sara->size() == 1);
  CHECK(sara->front().step_id == "theirs");

  auto group = w.engine.tasks({.group = "reception"});
  REQUIRE(group.ok());
  CHECK(group->size() == 2);  // low and high: theirs is assigned

  auto page = w.engine.tasks({.user = "ali", .limit = 2, .offset = 1});
  REQUIRE(page.ok());
  REQUIRE(page->size() == 2);
  CHECK((*page)[0].step_id == "soon");

  CHECK(w.engine.tasks({.user = "ali", .overdue_only = true})->empty());
  w.clock.advance(std::chrono::minutes{60});
  auto overdue = w.engine.tasks({.user = "ali", .overdue_only = true});
  REQUIRE(overdue.ok());
  REQUIRE(overdue->size() == 1);  // due at exactly now counts as overdue
  CHECK(overdue->front().step_id == "soon");
  CHECK(w.engine.tasks({.case_id = id, .step_id = "low"})->size() == 1);
}

TEST_CASE("tasks of a cancelled case are withdrawn and refuse every operation",
          "[runtime][user][cancel]") {
  World w;
  w.deploy(kRepair);
  const CaseId id = w.start("repair");
  const TaskId t = w.task_at(id, "reception").id;
  REQUIRE(w.engine.cancel(id, "customer left").ok());
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::cancelled);
  CHECK(c.active.empty());
  CHECK(w.open_tasks(id).empty());
  auto withdrawn = w.engine.task(t);
  REQUIRE(withdrawn.ok());
  CHECK(withdrawn->status == TaskStatus::withdrawn);

  auto late = w.engine.complete(t, {.by = "ali", .vars = Value::Object{{"device", "x"}}});
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == ErrorCode::invalid_state);
  auto again = w.engine.cancel(id);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::invalid_state);
  CHECK_THAT(again.error().message, Catch::Contains("already cancelled"));
  CHECK(w.events(id).back() == "case_cancelled");
  auto history = w.engine.history(id);
  REQUIRE(history.ok());
  CHECK(history->back().data["reason"] == Value{"customer left"});
  CHECK(w.engine.cancel(424242).error().code == ErrorCode::not_found);
}

TEST_CASE("a due expression gives the task's due moment", "[runtime][user]") {
  World w;
  w.deploy(R"(
process: dated
steps:
  - {id: call, type: user, due: "= deadline"}
)");
  const CaseId id = w.start("dated", Value::Object{{"deadline", "2026-03-01T10:00:00+03:30"}});
  const Task t = w.task_at(id, "call");
  REQUIRE(t.due.has_value());
  CHECK(time::format_instant(*t.due) == "2026-03-01T06:30:00Z");

  const CaseId bad = w.start("dated", Value::Object{{"deadline", 12}});
  const Case c = w.get(bad);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("`due` must give a datetime"));
  CHECK(w.open_tasks(bad).empty());
}

}  // namespace
}  // namespace crmflow::test
