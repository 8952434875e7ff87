// SqliteStore takes SQL only through bound parameters: hostile text in every text column a record
// has (names, keys, users, groups, variables, history, outbox) is stored and read back byte for
// byte, a query for it finds only what holds it, a query for another hostile text finds nothing,
// and the file is intact afterwards with the same tables and an untouched bystander case.
#include <catch2/catch.hpp>

#include "security_support.hpp"
#include "store_conformance/records.hpp"

namespace crmflow::test {
namespace {

using conformance::at;
using conformance::check_entry;
using conformance::check_same;
using conformance::update_of;

constexpr CaseId kBystander = 1;
constexpr CaseId kHostile = 2;

// A case with ordinary text everywhere: what a hostile one must never reach.
CaseChange bystander() {
  CaseChange c = conformance::new_case(kBystander, "repair");
  c.record.key = "R-1001";
  c.record.initiator = "ali";
  c.record.variables = Value::Object{{"device", "A52"}};
  Task task = conformance::open_task(10, kBystander);
  task.candidate_groups = {"reception"};
  c.tasks.push_back(task);
  c.jobs_added.push_back(conformance::job(20, kBystander, at(30)));
  c.subscriptions_added.push_back(conformance::message_wait(kBystander, 1, "reply", "R-1001"));
  c.subscriptions_added.push_back(conformance::signal_wait(kBystander, 2, "recall"));
  c.outbox.push_back(conformance::sms(kBystander, "1/1/0"));
  return c;
}

// Case kHostile with `h` in every text field of every record it carries.
CaseChange hostile_case(const std::string& h) {
  CaseChange c = conformance::new_case(kHostile, h);
  c.record.key = h;
  c.record.initiator = h;
  c.record.variables =
      Value::Object{{h, h}, {"nested", Value::Object{{h, Value::List{h, Value{h + h}}}}}};
  Task offered = conformance::open_task(11, kHostile);
  offered.process_id = h;
  offered.step_id = h;
  offered.name = h;
  offered.candidate_users = {h, "nima"};
  offered.candidate_groups = {h};
  Task held = offered;
  held.id = 12;
  held.assignee = h;
  held.candidate_users = {};
  Task done = offered;
  done.id = 13;
  done.status = TaskStatus::completed;
  done.ended_at = at(2);
  done.completed_by = h;
  c.tasks = {offered, held, done};
  JobRecord timer = conformance::job(21, kHostile, at(40));
  c.jobs_added.push_back(timer);
  c.subscriptions_added.push_back(conformance::message_wait(kHostile, 1, h, h));
  c.subscriptions_added.push_back(conformance::message_wait(kHostile, 2, h, std::nullopt, 1));
  c.subscriptions_added.push_back(conformance::signal_wait(kHostile, 3, h));
  HistoryEvent event;
  event.case_id = kHostile;
  event.sequence = 1;
  event.at = at(1);
  event.event = EventType::task_delegated;
  event.step_id = h;
  event.task_id = 11;
  event.by = h;
  event.data = Value::Object{{"to", h}, {h, Value::List{h}}};
  c.history.push_back(event);
  Notification n = conformance::sms(kHostile, h);
  n.step_id = h;
  n.channel = h;
  n.to = h;
  n.subject = h;
  n.text = h;
  c.outbox.push_back(n);
  return c;
}

std::vector<std::string> others_than(const std::string& h) {
  std::vector<std::string> out;
  for (const std::string& text : hostile_texts()) {
    if (text != h) out.push_back(text);
  }
  return out;
}

TEST_CASE("SqliteStore keeps hostile text in every field verbatim and matches only itself",
          "[security][sql]") {
  const std::string h = GENERATE(from_range(hostile_texts()));
  INFO("hostile text: " << printable(h));
  TempFolder folder;
  const std::string path = (folder / "crm.db").string();
  auto store = SqliteWorld::open(path);
  const std::vector<std::string> objects = schema_objects(path);

  const CaseChange quiet = bystander();
  REQUIRE(store->commit(quiet).ok());
  const std::vector<std::string> quiet_rows = [&] {
    std::vector<std::string> rows;
    for (const std::string& row : dump_rows(path)) {
      if (row.find("'R-1001'") != std::string::npos || row.starts_with("tasks: 10|") ||
          row.starts_with("jobs: 20|")) {
        rows.push_back(row);
      }
    }
    return rows;
  }();
  REQUIRE_FALSE(quiet_rows.empty());

  // Written: a case, its tasks, a job, three waits, a history event and an outbox entry; then
  // the entry's delivery state with the text as its last error; a definition and its trigger.
  const CaseChange written = hostile_case(h);
  const Status committed = store->commit(written);
  INFO((committed ? std::string{} : to_string(committed.error())));
  REQUIRE(committed.ok());
  auto entries = store->outbox(kHostile);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  Notification delivery = entries->front();
  delivery.attempts = 1;
  delivery.next_attempt = at(50);
  delivery.last_error = h;
  auto stored = store->load_case(kHostile);
  REQUIRE(stored.ok());
  CaseChange retried = update_of(*stored);
  retried.deliveries.push_back(delivery);
  REQUIRE(store->commit(retried).ok());
  const DefinitionRecord definition{h, 1, h, h, at(0), nullptr};
  JobRecord trigger = conformance::job(22, kNoId, at(60), JobKind::trigger);
  trigger.process_id = h;
  trigger.version = 1;
  trigger.occurrence = 1;
  REQUIRE(store->add_definition_with_triggers(definition, {trigger}).ok());

  SECTION("read back byte for byte") {
    auto c = store->load_case(kHostile);
    REQUIRE(c.ok());
    check_same(*c, retried.record);
    for (const Task& t : written.tasks) {
      auto got = store->load_task(t.id);
      REQUIRE(got.ok());
      check_same(*got, t);
    }
    auto history = store->history(kHostile);
    REQUIRE(history.ok());
    REQUIRE(history->size() == 1);
    check_same(history->front(), written.history.front());
    auto outbox = store->outbox(kHostile);
    REQUIRE(outbox.ok());
    REQUIRE(outbox->size() == 1);
    check_entry(outbox->front(), delivery);
    auto latest = store->latest_definition(h);
    REQUIRE(latest.ok());
    REQUIRE(latest->has_value());
    check_same(**latest, definition);
    auto exact = store->definition(h, 1);
    REQUIRE(exact.ok());
    REQUIRE(exact->has_value());
    check_same(**exact, definition);
    auto due = store->next_due_job(at(60));
    REQUIRE(due.ok());
    REQUIRE(due->has_value());
    CHECK((*due)->id == 20);  // the bystander's: first by due moment
  }

  SECTION("queries for the text find what holds it") {
    auto by_process = store->find_cases(CaseQuery{.process_id = h});
    REQUIRE(by_process.ok());
    CHECK(conformance::ids_of(*by_process) == std::vector<std::uint64_t>{kHostile});
    auto by_key = store->find_cases(CaseQuery{.key = h});
    REQUIRE(by_key.ok());
    CHECK(conformance::ids_of(*by_key) == std::vector<std::uint64_t>{kHostile});
    // Its own worklist: the task offered to it and the task it holds.
    auto worklist = store->open_tasks(TaskFilter{.user = h});
    REQUIRE(worklist.ok());
    CHECK(conformance::ids_of(*worklist) == std::vector<std::uint64_t>{11, 12});
    // Known problem (docs/security-tests.md): lists of groups reach SQLite as a JSON array read
    // with json_each, whose text stops at a NUL byte, so a group name holding one matches
    // nothing in them. Never more than it should.
    const bool lists_match = h.find('\0') == std::string::npos;
    const auto in_lists = [&](std::vector<std::uint64_t> ids) {
      return lists_match ? ids : std::vector<std::uint64_t>{};
    };
    auto as_group = store->open_tasks(TaskFilter{.user = "omid", .groups = {h}});
    REQUIRE(as_group.ok());
    CHECK(conformance::ids_of(*as_group) == in_lists({11}));
    auto queue = store->open_tasks(TaskFilter{.group = h});
    REQUIRE(queue.ok());
    CHECK(conformance::ids_of(*queue) == std::vector<std::uint64_t>{11});
    auto managed = store->open_tasks(TaskFilter{.any_group = {h}});
    REQUIRE(managed.ok());
    CHECK(conformance::ids_of(*managed) == in_lists({11, 12}));
    auto at_step = store->open_tasks(TaskFilter{.step_id = h});
    REQUIRE(at_step.ok());
    CHECK(conformance::ids_of(*at_step) == std::vector<std::uint64_t>{11, 12});
    auto messages = store->subscriptions(SubscriptionKind::message, h, h);
    REQUIRE(messages.ok());
    REQUIRE(messages->size() == 2);
    check_same((*messages)[0], written.subscriptions_added[0]);
    check_same((*messages)[1], written.subscriptions_added[1]);
    auto signals = store->subscriptions(SubscriptionKind::signal, h, "");
    REQUIRE(signals.ok());
    REQUIRE(signals->size() == 1);
    check_same(signals->front(), written.subscriptions_added[2]);
  }

  SECTION("queries for other hostile text find nothing") {
    for (const std::string& other : others_than(h)) {
      INFO("query text: " << printable(other));
      auto cases = store->find_cases(CaseQuery{.process_id = other});
      REQUIRE(cases.ok());
      CHECK(cases->empty());
      auto keyed = store->find_cases(CaseQuery{.key = other});
      REQUIRE(keyed.ok());
      CHECK(keyed->empty());
      auto worklist = store->open_tasks(TaskFilter{.user = other, .groups = {other}});
      REQUIRE(worklist.ok());
      CHECK(worklist->empty());
      auto queue = store->open_tasks(TaskFilter{.group = other});
      REQUIRE(queue.ok());
      CHECK(queue->empty());
      auto managed = store->open_tasks(TaskFilter{.any_group = {other}});
      REQUIRE(managed.ok());
      CHECK(managed->empty());
      auto at_step = store->open_tasks(TaskFilter{.step_id = other});
      REQUIRE(at_step.ok());
      CHECK(at_step->empty());
      // The wait that takes any key answers every key of its name, never another name.
      auto messages = store->subscriptions(SubscriptionKind::message, h, other);
      REQUIRE(messages.ok());
      REQUIRE(messages->size() == 1);
      CHECK(messages->front().token == 2);
      auto named = store->subscriptions(SubscriptionKind::message, other, h);
      REQUIRE(named.ok());
      CHECK(named->empty());
      auto signals = store->subscriptions(SubscriptionKind::signal, other, "");
      REQUIRE(signals.ok());
      CHECK(signals->empty());
      auto definition_of_other = store->latest_definition(other);
      REQUIRE(definition_of_other.ok());
      CHECK_FALSE(definition_of_other->has_value());
    }
  }

  SECTION("the file is intact, with the same tables and the bystander untouched") {
    CHECK(integrity(path) == "ok");
    CHECK(schema_objects(path) == objects);
    auto c = store->load_case(kBystander);
    REQUIRE(c.ok());
    check_same(*c, quiet.record);
    auto task = store->load_task(10);
    REQUIRE(task.ok());
    check_same(*task, quiet.tasks.front());
    auto outbox = store->outbox(kBystander);
    REQUIRE(outbox.ok());
    REQUIRE(outbox->size() == 1);
    check_same(outbox->front(), quiet.outbox.front());
    std::vector<std::string> rows;
    for (const std::string& row : dump_rows(path)) {
      if (std::find(quiet_rows.begin(), quiet_rows.end(), row) != quiet_rows.end()) {
        rows.push_back(row);
      }
    }
    CHECK(rows == quiet_rows);
    // A second store on the file (another process) reads the same.
    auto again = SqliteWorld::open(path);
    auto reread = again->load_case(kHostile);
    REQUIRE(reread.ok());
    CHECK(reread->key == h);
    auto all = again->find_cases(CaseQuery{});
    REQUIRE(all.ok());
    CHECK(conformance::ids_of(*all) == std::vector<std::uint64_t>{kBystander, kHostile});
  }
}

}  // namespace
}  // namespace crmflow::test
