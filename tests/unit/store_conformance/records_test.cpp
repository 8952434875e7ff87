// Records round-trip exactly: every field of a case (its execution state included), a task and
// their optional and empty fields, unicode text and values of every kind.
#include "records.hpp"

#include <catch2/catch.hpp>

#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

// A state with something in every part, every wait kind and both incident phases.
std::shared_ptr<const CaseState> busy_state() {
  auto s = std::make_shared<CaseState>();
  std::uint32_t n = 0;
  for (WaitKind wait :
       {WaitKind::moving, WaitKind::task, WaitKind::job, WaitKind::message, WaitKind::signal,
        WaitKind::scope, WaitKind::incident, WaitKind::instances, WaitKind::call}) {
    ++n;
    s->tokens.push_back({.id = n * 3,
                         .step = n,
                         .scope = n % 2,
                         .via = n == 1 ? 0xFFFFFFFFu : n + 10,
                         .wait = wait,
                         .ref = 0xFFFF'FFFF'0000'0000ull + n,
                         .attempt = n});
  }
  s->joins = {{.scope = 0, .step = 4, .arrived = {1, 0, 2}},
              {.scope = 1, .step = 5, .arrived = {}}};
  s->incidents = {
      {.token = 21,
       .step = 7,
       .phase = IncidentState::Phase::enter,
       .message = "step 'charge': سرویس پاسخ نداد",
       .at = at(3)},
      {.token = 18, .step = 8, .phase = IncidentState::Phase::leave, .message = "", .at = at(-3)}};
  s->scopes = {{.id = 1, .parent = 0, .owner = 18, .step = 6},
               {.id = 2,
                .parent = 1,
                .owner = 24,
                .step = 8,
                .instance = true,
                .item = 3,
                .locals = every_kind_of_value()}};
  s->alarms = {{.token = 6, .index = 1, .job = 99, .fired = 2, .first = at(60)}};
  s->boundaries = {{.token = 9, .index = 0, .job = 0, .fired = 0, .anchor = at(1)},
                   {.token = 9, .index = 2, .job = 1ull << 40, .fired = 5, .anchor = at(2)}};
  s->races = {{.gateway = 11, .scope = 0, .racers = {12, 15, 9}}};
  s->multis = {{.token = 24,
                .step = 8,
                .items = {Value{"a"}, Value{2}, every_kind_of_value(), Value{}},
                .started = 3,
                .completed = 1,
                .results = {Value{Value::Object{{"ok", true}}}, Value{}, Value{}, Value{}}}};
  s->path = {0, 1, 2, 1, 2, 4'000'000'000u};
  s->error = "CREDIT_REFUSED: اعتبار کافی نیست";
  s->next_token = 28;
  s->next_scope = 3;
  s->history_sequence = 1ull << 35;
  s->notification_sequence = 17;
  return s;
}

CaseRecord full_case() {
  CaseRecord r = new_case(7).record;
  r.process_id = "تعمیر-گوشی";
  r.version = 12;
  r.key = "RMA-۱۴۰۴-0007";
  r.status = CaseStatus::incident;
  r.progress = 100;
  r.initiator = "سارا";
  r.started_at = Instant{std::chrono::milliseconds{-86'400'001}};  // before the epoch
  r.ended_at = at(90) + std::chrono::milliseconds{999};
  r.variables = every_kind_of_value();
  r.parent_case = 1ull << 62;
  r.parent_token = 0xFFFFFFFFu;
  r.state = busy_state();
  return r;
}

TEST_CASE("records: every field of a case, its state included, round-trips", "[records]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c;
  c.is_new = true;
  c.record = full_case();
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  auto got = sut->store().load_case(7);
  REQUIRE(got.ok());
  check_same(*got, c.record);

  // Updated: every field changes, including back to empty and absent.
  CaseChange u = update_of(*got);
  u.record.process_id = "";
  u.record.version = 1;
  u.record.key = "";
  u.record.status = CaseStatus::active;
  u.record.progress = 0;
  u.record.initiator = "";
  u.record.ended_at = std::nullopt;
  u.record.variables = Value::Object{};
  u.record.parent_case = kNoId;
  u.record.parent_token = 0;
  u.record.state = std::make_shared<const CaseState>();
  REQUIRE(sut->store().commit(u).ok());
  sut->reopen();
  check_same(*sut->store().load_case(7), u.record);
}

TEST_CASE("records: every case status round-trips and is found by it", "[records]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  const CaseStatus all[] = {CaseStatus::active, CaseStatus::completed, CaseStatus::terminated,
                            CaseStatus::cancelled, CaseStatus::incident};
  CaseId id = 0;
  for (CaseStatus status : all) {
    CaseChange c = new_case(++id);
    c.record.status = status;
    REQUIRE(sut->store().commit(c).ok());
  }
  sut->reopen();
  id = 0;
  for (CaseStatus status : all) {
    INFO(to_string(status));
    CHECK(sut->store().load_case(++id)->status == status);
    auto found = sut->store().find_cases({.status = status});
    REQUIRE(found->size() == 1);
    CHECK(found->front().id == id);
  }
}

TEST_CASE("records: every field of a task round-trips", "[records][tasks]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  Task full = open_task(1ull << 50, 1);
  full.process_id = "تعمیر-گوشی";
  full.step_id = "بررسی";
  full.name = "بررسی گوشی A52 رضا";
  full.assignee = "سارا";
  full.candidate_users = {"zahra", "ali", "علی"};  // order kept, not sorted
  full.candidate_groups = {"support", "فروش"};
  full.priority = 100;
  full.due = at(60) + std::chrono::milliseconds{1};
  full.created_at = at(-1);
  full.token = 0xFFFFFFFFu;
  Task bare = open_task(2, 1);
  bare.step_id = "";
  bare.name = "";
  bare.priority = 0;
  Task done = open_task(3, 1);
  done.status = TaskStatus::completed;
  done.ended_at = at(5);
  done.completed_by = "ali";
  Task withdrawn = open_task(4, 1);
  withdrawn.status = TaskStatus::withdrawn;
  withdrawn.ended_at = at(6);
  c.tasks = {full, bare, done, withdrawn};
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  for (const Task& t : c.tasks) {
    auto got = sut->store().load_task(t.id);
    REQUIRE(got.ok());
    check_same(*got, t);
  }
  auto open = sut->store().open_tasks({});
  REQUIRE(open->size() == 2);
  check_same((*open)[0], full);
  check_same((*open)[1], bare);
}

TEST_CASE("records: variables of every kind and size round-trip", "[records]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  Value vars = every_kind_of_value();
  vars.set("long_text", std::string(300'000, 'a') + "ی");
  Value deep = Value::Object{{"leaf", 1}};
  for (int i = 0; i < 60; ++i) deep = Value::Object{{"d", deep}};
  vars.set("deep", deep);
  c.record.variables = vars;
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  check_same(sut->store().load_case(1)->variables, vars);
}

TEST_CASE("records: what a store returns is a copy", "[records]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.record.variables = Value::Object{{"n", 1}};
  c.tasks = {open_task(1, 1)};
  REQUIRE(sut->store().commit(c).ok());
  // Changing what was committed or what was read changes nothing stored.
  c.record.variables.set("n", 2);
  c.tasks[0].name = "changed";
  CaseRecord read = *sut->store().load_case(1);
  read.variables.set("n", 3);
  read.key = "changed";
  Task task = *sut->store().load_task(1);
  task.assignee = "changed";
  CHECK(sut->store().load_case(1)->variables["n"].as_integer() == 1);
  CHECK(sut->store().load_case(1)->key.empty());
  CHECK(sut->store().load_task(1)->name == "Review");
  CHECK(sut->store().load_task(1)->assignee.empty());
}

}  // namespace
}  // namespace crmflow::conformance
