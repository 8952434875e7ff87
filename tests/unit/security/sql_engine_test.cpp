// Hostile text through every string the Engine's API takes from a user, on a SqliteStore: the
// business key, user names (by, assignee, delegate to), group names, process and step ids in
// queries, variable names and values, message names and keys, signal names, task filters, case
// queries, notification fields and the cancel reason. Each is kept verbatim, matches only itself,
// and leaves the file intact with a bystander case unchanged.
#include <catch2/catch.hpp>

#include "crmflow/json.hpp"
#include "crmflow/process.hpp"
#include "security_support.hpp"

namespace crmflow::test {
namespace {

// A process whose display texts, candidates, waits and notification carry `h` (ids stay
// ordinary: the loader allows only [a-z0-9._-] in them).
std::string hostile_process(const std::string& h) {
  return replace_all(R"(
process: hostile
steps:
  - id: intake
    type: user
    name: @H
    candidates: {users: [@H], groups: [@H]}
    notify:
      - {on: enter, channel: @H, to: "{{ phone }}", text: "{{ note }}"}
      - {on: enter, channel: sms, to: @H, text: @H}
  - id: reply
    type: wait
    message: {name: @H, key: "{{ case.key }}"}
  - id: flag
    type: wait
    signal: @H
  - id: done
    type: end
)",
                     "@H", yaml_quoted(h));
}

const char* const kBystanderProcess = R"(
process: quiet
steps:
  - {id: check, type: user, candidates: {groups: [reception]}}
  - {id: reply, type: wait, message: {name: reply, key: "{{ case.key }}"}}
)";

std::vector<std::string> others_than(const std::string& h) {
  std::vector<std::string> out;
  for (const std::string& text : hostile_texts()) {
    if (text != h) out.push_back(text);
  }
  return out;
}

std::vector<TaskId> ids_of(const Result<std::vector<Task>>& tasks) {
  REQUIRE(tasks.ok());
  std::vector<TaskId> out;
  for (const Task& t : *tasks) out.push_back(t.id);
  return out;
}

void require_ok(const Status& status) {
  INFO((status ? std::string{} : to_string(status.error())));
  REQUIRE(status.ok());
}

TEST_CASE("hostile text through the Engine's API is kept verbatim and matches only itself",
          "[security][sql]") {
  const std::string h = GENERATE(from_range(hostile_texts()));
  INFO("hostile text: " << printable(h));
  const std::string h2 = h + " (2)";
  SqliteWorld w;
  w.directory.add_user("ali", {"reception"});
  w.directory.add_user(h, {h}, {{"sms", h}});
  w.directory.add_user(h2, {h});
  w.directory.add_user("mina");
  REQUIRE(w.directory.set_managed_groups("mina", {h}));
  const std::vector<std::string> objects = schema_objects(w.path);

  w.deploy(kBystanderProcess);
  auto quiet = w.engine.start("quiet", {.key = "R-1001", .by = "ali"});
  REQUIRE(quiet.ok());
  const std::string quiet_before = case_snapshot(w.engine, *w.store, *quiet);

  w.deploy(hostile_process(h));
  const Value vars = Value::Object{
      {h, h}, {"phone", h}, {"note", h}, {"nested", Value::Object{{h, Value::List{h}}}}};
  auto started = w.engine.start("hostile", {.key = h, .by = h, .vars = vars});
  INFO((started ? std::string{} : to_string(started.error())));
  REQUIRE(started.ok());
  const CaseId id = *started;

  // The case: key, initiator and variables as given.
  auto c = w.engine.get_case(id);
  REQUIRE(c.ok());
  CHECK(c->key == h);
  CHECK(c->initiator == h);
  CHECK(to_json(c->variables, JsonStyle::typed) == to_json(vars, JsonStyle::typed));
  auto by_key = w.engine.cases({.key = h});
  REQUIRE(by_key.ok());
  REQUIRE(by_key->size() == 1);
  CHECK(by_key->front().id == id);

  // The task, on the worklists of its candidate user, its group and the group's manager.
  auto task_list = w.engine.tasks({.user = h});
  const std::vector<TaskId> offered = ids_of(task_list);
  REQUIRE(offered.size() == 1);
  const TaskId task_id = offered.front();
  auto task = w.engine.task(task_id);
  REQUIRE(task.ok());
  CHECK(task->name == h);
  CHECK(task->candidate_users == std::vector<std::string>{h});
  CHECK(task->candidate_groups == std::vector<std::string>{h});
  // Known problem (docs/security-tests.md): SqliteStore reads lists of groups (a user's groups,
  // a manager's) with json_each, whose text stops at a NUL byte, so such a group name matches
  // nothing there. Never more than it should.
  const std::vector<TaskId> through_lists =
      h.find('\0') == std::string::npos ? offered : std::vector<TaskId>{};
  CHECK(ids_of(w.engine.tasks({.user = h2})) == through_lists);  // through the group
  CHECK(ids_of(w.engine.tasks({.group = h})) == offered);
  CHECK(ids_of(w.engine.tasks({.manager = "mina"})) == through_lists);

  // The notifications: rendered from variables and written literally, verbatim both.
  auto outbox = w.store->outbox(id);
  REQUIRE(outbox.ok());
  REQUIRE(outbox->size() == 2);
  CHECK((*outbox)[0].channel == h);
  CHECK((*outbox)[0].to == h);
  CHECK((*outbox)[0].text == h);
  CHECK((*outbox)[1].to == h);
  CHECK((*outbox)[1].text == h);

  // Other hostile text, and queries by process or step id, match nothing.
  for (const std::string& other : others_than(h)) {
    INFO("query text: " << printable(other));
    CHECK(ids_of(w.engine.tasks({.user = other})).empty());
    CHECK(ids_of(w.engine.tasks({.group = other})).empty());
    CHECK(ids_of(w.engine.tasks({.manager = other})).empty());
    CHECK(ids_of(w.engine.tasks({.step_id = other})).empty());
    auto cases = w.engine.cases({.process_id = other});
    REQUIRE(cases.ok());
    CHECK(cases->empty());
    auto keyed = w.engine.cases({.key = other});
    REQUIRE(keyed.ok());
    CHECK(keyed->empty());
    auto start_other = w.engine.start(other);
    REQUIRE_FALSE(start_other.ok());
    CHECK(start_other.error().code == ErrorCode::not_found);
  }
  CHECK(ids_of(w.engine.tasks({.step_id = h})).empty());
  auto as_process = w.engine.cases({.process_id = h});
  REQUIRE(as_process.ok());
  CHECK(as_process->empty());
  auto no_step = w.engine.retry(id, h);
  REQUIRE_FALSE(no_step.ok());
  CHECK(no_step.error().code == ErrorCode::not_found);

  // Task operations by the hostile users: claim, delegate, complete with hostile variables.
  require_ok(w.engine.claim(task_id, h));
  require_ok(w.engine.delegate(task_id, h, h2));
  auto held = w.engine.task(task_id);
  REQUIRE(held.ok());
  CHECK(held->assignee == h2);
  CHECK(ids_of(w.engine.tasks({.user = h2})) == offered);
  CHECK(ids_of(w.engine.tasks({.user = h})).empty());  // held by someone else now
  require_ok(w.engine.complete(task_id, {.by = h2, .vars = Value::Object{{h2, h}}}));

  // The message: only its name with the case's key reaches the case.
  for (const std::string& other : others_than(h)) {
    INFO("message text: " << printable(other));
    auto wrong_key = w.engine.correlate(h, other);
    REQUIRE_FALSE(wrong_key.ok());
    CHECK(wrong_key.error().code == ErrorCode::not_found);
    auto wrong_name = w.engine.correlate(other, h);
    REQUIRE_FALSE(wrong_name.ok());
    CHECK(wrong_name.error().code == ErrorCode::not_found);
  }
  auto reached = w.engine.correlate(h, h, Value::Object{{"reply", h}});
  REQUIRE(reached.ok());
  CHECK(*reached == std::vector<CaseId>{id});

  // The signal: another name reaches nobody.
  for (const std::string& other : others_than(h)) {
    auto nobody = w.engine.signal(other);
    REQUIRE(nobody.ok());
    CHECK(nobody->empty());
  }
  auto flagged = w.engine.signal(h);
  REQUIRE(flagged.ok());
  CHECK(*flagged == std::vector<CaseId>{id});
  auto ended = w.engine.get_case(id);
  REQUIRE(ended.ok());
  CHECK(ended->status == CaseStatus::completed);
  CHECK(ended->variables.find(h2) != nullptr);
  CHECK(ended->variables.find("reply") != nullptr);

  // The history names the users verbatim.
  auto history = w.engine.history(id);
  REQUIRE(history.ok());
  std::vector<std::string> who;
  for (const HistoryEvent& e : *history) {
    if (e.event == EventType::task_claimed) who.push_back("claimed by " + e.by);
    if (e.event == EventType::task_delegated) {
      const Value* to = e.data.find("to");
      REQUIRE(to != nullptr);
      who.push_back("delegated by " + e.by + " to " + to->as_string());
    }
    if (e.event == EventType::task_completed) who.push_back("completed by " + e.by);
  }
  CHECK(who == std::vector<std::string>{"claimed by " + h, "delegated by " + h + " to " + h2,
                                        "completed by " + h2});

  // A second case, cancelled with the text as the reason.
  auto second = w.engine.start("hostile", {.key = h2, .by = h, .vars = vars});
  REQUIRE(second.ok());
  require_ok(w.engine.cancel(*second, h));
  auto cancelled = w.engine.history(*second);
  REQUIRE(cancelled.ok());
  REQUIRE_FALSE(cancelled->empty());
  CHECK(cancelled->back().event == EventType::case_cancelled);
  const Value* reason = cancelled->back().data.find("reason");
  REQUIRE(reason != nullptr);
  CHECK(reason->as_string() == h);

  // The file: sound, the same tables, the bystander as it was; both hostile cases there.
  CHECK(integrity(w.path) == "ok");
  CHECK(schema_objects(w.path) == objects);
  CHECK(case_snapshot(w.engine, *w.store, *quiet) == quiet_before);
  auto all = w.engine.cases();
  REQUIRE(all.ok());
  CHECK(all->size() == 3);
  CHECK(ids_of(w.engine.tasks({.user = "ali"})).size() == 1);
}

}  // namespace
}  // namespace crmflow::test
