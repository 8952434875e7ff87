// build_report (include/crmflow/report.hpp): counts by status and step, durations per visit
// (nearest-rank median and p90), overdue tasks, SLA breaches and failed notifications, over cases
// driven through the engine on a manual clock.
#include "crmflow/report.hpp"

#include "world.hpp"

namespace crmflow::test {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

// A submission checked by a reviewer, sent back until the reviewer is satisfied.
const char* const kReview = R"yaml(
process: review
steps:
  - id: submit
    type: user
    candidates: {users: [ali]}
    due: PT1H
  - id: check
    type: user
    candidates: {users: [sara]}
    due: PT2H
    form: [{name: ok, type: boolean, required: true}]
  - id: decide
    type: exclusive
    next:
      - {to: submit, when: "ok = false"}
      - {to: done, default: true}
  - {id: done, type: end}
)yaml";

const char* const kOther = R"yaml(
process: other
steps:
  - {id: wait-here, type: user, candidates: {users: [ali]}}
  - {id: finish, type: end}
)yaml";

const StepReport* find_step(const ProcessReport& p, const std::string& id) {
  for (const StepReport& s : p.steps) {
    if (s.step_id == id) return &s;
  }
  return nullptr;
}

std::vector<std::string> step_ids(const ProcessReport& p) {
  std::vector<std::string> out;
  for (const StepReport& s : p.steps) out.push_back(s.step_id);
  return out;
}

Report report_of(World& w, const ReportQuery& query = {}) {
  auto r = build_report(w.engine, query, w.clock.now());
  INFO((r.ok() ? std::string{} : to_string(r.error())));
  REQUIRE(r.ok());
  return *r;
}

// Case 1 loops once (submit 30m, check 3h late by 1h, submit 10m, check 1h) and completes at
// start + 4h40m; case 2 then waits at submit; case 3 starts with it and is cancelled. The report
// is taken at start + 7h, when case 2's submit (due start + 5h40m) is 1h20m late.
struct ReviewWorld {
  World w;
  CaseId first = kNoId;
  CaseId second = kNoId;
  CaseId third = kNoId;

  ReviewWorld() {
    w.deploy(kReview);
    first = w.start("review");
    w.clock.advance(minutes{30});
    w.complete(first, "submit", "ali");
    w.clock.advance(hours{3});
    w.complete(first, "check", "sara", Value::Object{{"ok", false}});
    w.clock.advance(minutes{10});
    w.complete(first, "submit", "ali");
    w.clock.advance(hours{1});
    w.complete(first, "check", "sara", Value::Object{{"ok", true}});
    REQUIRE(w.status(first) == CaseStatus::completed);
    second = w.start("review");
    third = w.start("review");
    REQUIRE(w.engine.cancel(third).ok());
    w.clock.advance(hours{2} + minutes{20});
  }
};

TEST_CASE("report: cases by status, and per step active, passed and loop visits",
          "[runtime][report]") {
  ReviewWorld rw;
  const Report r = report_of(rw.w);
  CHECK(r.now == start_time() + hours{7});
  CHECK(r.cases == StatusCounts{.active = 1, .completed = 1, .cancelled = 1});
  CHECK(r.cases.total() == 3);
  CHECK(r.cases.of(CaseStatus::cancelled) == 1);
  REQUIRE(r.processes.size() == 1);
  const ProcessReport& p = r.processes[0];
  CHECK(p.process_id == "review");
  CHECK(p.cases == r.cases);
  CHECK(step_ids(p) == Steps{"submit", "check", "decide", "done"});

  const StepReport& submit = *find_step(p, "submit");
  CHECK(submit.active == 1);
  CHECK(submit.passed == 2);  // case 1 twice; case 3's visit was withdrawn, case 2's goes on
  CHECK(submit.durations ==
        DurationStats{.count = 2, .median = minutes{10}, .p90 = minutes{30}, .max = minutes{30}});
  CHECK(submit.open_tasks == 1);
  CHECK(submit.overdue_tasks == 1);
  CHECK(submit.completed_late == 0);

  const StepReport& check = *find_step(p, "check");
  CHECK(check.active == 0);
  CHECK(check.passed == 2);
  CHECK(check.durations ==
        DurationStats{.count = 2, .median = hours{1}, .p90 = hours{3}, .max = hours{3}});
  CHECK(check.open_tasks == 0);
  CHECK(check.overdue_tasks == 0);
  CHECK(check.completed_late == 1);

  const StepReport& decide = *find_step(p, "decide");
  CHECK(decide.passed == 2);
  CHECK(decide.durations == DurationStats{.count = 2});
  CHECK(find_step(p, "done")->passed == 1);
  CHECK(find_step(p, "done")->durations.count == 1);
}

TEST_CASE("report: SLA breaches, open ones first, each with how late", "[runtime][report]") {
  ReviewWorld rw;
  const ProcessReport p = report_of(rw.w).processes.at(0);
  REQUIRE(p.sla_breaches.size() == 2);
  const SlaBreach& open = p.sla_breaches[0];
  CHECK(open.case_id == rw.second);
  CHECK(open.step_id == "submit");
  CHECK(open.name == "submit");
  CHECK(open.due == start_time() + hours{5} + minutes{40});
  CHECK_FALSE(open.completed_at.has_value());
  CHECK(open.late == hours{1} + minutes{20});
  const SlaBreach& done = p.sla_breaches[1];
  CHECK(done.case_id == rw.first);
  CHECK(done.step_id == "check");
  CHECK(done.due == start_time() + minutes{30} + hours{2});
  CHECK(done.completed_at == start_time() + hours{3} + minutes{30});
  CHECK(done.late == hours{1});
  CHECK(p.failed_notifications.empty());
}

TEST_CASE("report: a task is late only strictly after its due moment", "[runtime][report]") {
  World w;
  w.deploy(kReview);
  const CaseId id = w.start("review");
  w.clock.advance(hours{1});  // exactly the due moment of submit
  Report r = report_of(w);
  CHECK(find_step(r.processes.at(0), "submit")->overdue_tasks == 0);
  CHECK(r.processes.at(0).sla_breaches.empty());
  w.complete(id, "submit", "ali");  // completed at its due moment: on time
  w.clock.advance(hours{2} + milliseconds{1});
  r = report_of(w);
  const ProcessReport& p = r.processes.at(0);
  CHECK(find_step(p, "submit")->completed_late == 0);
  CHECK(find_step(p, "check")->overdue_tasks == 1);
  REQUIRE(p.sla_breaches.size() == 1);
  CHECK(p.sla_breaches[0].late == milliseconds{1});
}

TEST_CASE("report: --since covers only cases started at or after it", "[runtime][report]") {
  ReviewWorld rw;
  const Instant later = start_time() + hours{4} + minutes{40};  // when cases 2 and 3 started
  Report r = report_of(rw.w, {.since = later});
  CHECK(r.query.since == later);
  CHECK(r.cases == StatusCounts{.active = 1, .cancelled = 1});
  REQUIRE(r.processes.size() == 1);
  const ProcessReport& p = r.processes[0];
  CHECK(step_ids(p) == Steps{"submit"});
  const StepReport& submit = p.steps[0];
  CHECK(submit.active == 1);
  CHECK(submit.passed == 0);
  CHECK(submit.durations == DurationStats{});
  CHECK(submit.overdue_tasks == 1);
  REQUIRE(p.sla_breaches.size() == 1);
  CHECK(p.sla_breaches[0].case_id == rw.second);

  r = report_of(rw.w, {.since = later + milliseconds{1}});
  CHECK(r.cases.total() == 0);
  CHECK(r.processes.empty());
}

TEST_CASE("report: one section per process, by id; a process filter keeps one",
          "[runtime][report]") {
  ReviewWorld rw;
  rw.w.deploy(kOther);
  rw.w.start("other");
  Report r = report_of(rw.w);
  REQUIRE(r.processes.size() == 2);
  CHECK(r.processes[0].process_id == "other");
  CHECK(r.processes[1].process_id == "review");
  CHECK(r.cases == StatusCounts{.active = 2, .completed = 1, .cancelled = 1});
  CHECK(r.processes[0].cases == StatusCounts{.active = 1});
  CHECK(step_ids(r.processes[0]) == Steps{"wait-here"});
  CHECK(r.processes[0].steps[0].open_tasks == 1);
  CHECK(r.processes[0].steps[0].overdue_tasks == 0);  // no due moment: never late

  r = report_of(rw.w, {.process_id = "other"});
  REQUIRE(r.processes.size() == 1);
  CHECK(r.processes[0].process_id == "other");
  CHECK(r.cases.total() == 1);

  r = report_of(rw.w, {.process_id = "no-such-process"});
  CHECK(r.processes.empty());
  CHECK(r.cases.total() == 0);
}

TEST_CASE("report: median and p90 by nearest rank", "[runtime][report]") {
  World w;
  w.deploy(kOther);
  // Ten cases wait 1, 2, ..., 10 minutes at wait-here: ranks ceil(5) and ceil(9).
  for (int i = 1; i <= 10; ++i) {
    const CaseId id = w.start("other");
    w.clock.advance(minutes{i});
    w.complete(id, "wait-here", "ali");
  }
  Report r = report_of(w);
  CHECK(r.cases == StatusCounts{.completed = 10});
  const StepReport& step = r.processes.at(0).steps.at(0);
  CHECK(step.passed == 10);
  CHECK(step.durations ==
        DurationStats{.count = 10, .median = minutes{5}, .p90 = minutes{9}, .max = minutes{10}});

  // An eleventh of 30 minutes: ranks ceil(5.5) = 6 and ceil(9.9) = 10.
  const CaseId id = w.start("other");
  w.clock.advance(minutes{30});
  w.complete(id, "wait-here", "ali");
  r = report_of(w);
  CHECK(r.processes.at(0).steps.at(0).durations ==
        DurationStats{.count = 11, .median = minutes{6}, .p90 = minutes{10}, .max = minutes{30}});
}

TEST_CASE("report: an active join is listed after the steps entered; incidents counted",
          "[runtime][report]") {
  World w;
  w.deploy(R"yaml(
process: pair
steps:
  - {id: fork, type: parallel, next: [a, b]}
  - {id: a, type: user, candidates: {users: [ali]}, next: join}
  - {id: b, type: user, candidates: {users: [ali]}, next: join}
  - {id: join, type: parallel}
  - {id: boom, type: set, set: {x: "= 1 * \"x\""}}
  - {id: done, type: end}
)yaml");
  const CaseId id = w.start("pair");
  w.complete(id, "a", "ali");
  Report r = report_of(w);
  CHECK(step_ids(r.processes.at(0)) == Steps{"fork", "a", "b", "join"});
  CHECK(find_step(r.processes[0], "join")->active == 1);
  CHECK(find_step(r.processes[0], "join")->passed == 0);
  CHECK(find_step(r.processes[0], "b")->active == 1);
  w.complete(id, "b", "ali");
  r = report_of(w);
  CHECK(r.cases == StatusCounts{.incident = 1});
  CHECK(find_step(r.processes.at(0), "boom")->active == 1);
}

TEST_CASE("report: a multi-instance step cut short by complete_when is one timed visit",
          "[runtime][report]") {
  World w;
  w.deploy(R"yaml(
process: quorum
steps:
  - id: vote
    type: user
    candidates: {users: [ali]}
    for_each: "= voters"
    complete_when: "= completed >= 2 and completed < total"
  - {id: next, type: user, candidates: {users: [ali]}}
)yaml");
  const CaseId id = w.start("quorum", Value::Object{{"voters", Value::List{1, 2, 3}}});
  std::vector<Task> tasks = w.open_tasks(id);
  REQUIRE(tasks.size() == 3);
  w.clock.advance(minutes{5});
  REQUIRE(w.engine.complete(tasks[0].id, {.by = "ali"}).ok());
  w.clock.advance(minutes{7});
  REQUIRE(w.engine.complete(tasks[1].id, {.by = "ali"}).ok());  // the third is withdrawn
  const Report r = report_of(w);
  const StepReport& vote = *find_step(r.processes.at(0), "vote");
  CHECK(vote.passed == 1);
  CHECK(vote.durations ==
        DurationStats{.count = 1, .median = minutes{12}, .p90 = minutes{12}, .max = minutes{12}});
  CHECK(vote.open_tasks == 0);
  CHECK(find_step(r.processes[0], "next")->active == 1);
}

TEST_CASE("report: a visit cut by a boundary event gives no duration; the next visit its own",
          "[runtime][report]") {
  World w;
  w.deploy(R"yaml(
process: chase
steps:
  - id: answer
    type: user
    candidates: {users: [ali]}
    boundary:
      - {timer: PT1H, next: remind}
  - {id: done, type: end}
  - id: remind
    type: send
    notify: [{channel: sms, to: "+4000", text: "answer please"}]
    next: answer
)yaml");
  const CaseId id = w.start("chase");
  w.clock.advance(hours{1});
  // The timer withdraws answer; remind sends the case back to it.
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  w.clock.advance(minutes{20});
  w.complete(id, "answer", "ali");
  REQUIRE(w.status(id) == CaseStatus::completed);
  const Report r = report_of(w);
  const ProcessReport& p = r.processes.at(0);
  CHECK(step_ids(p) == Steps{"answer", "remind", "done"});
  const StepReport& answer = *find_step(p, "answer");
  CHECK(answer.passed == 1);
  CHECK(answer.durations ==
        DurationStats{.count = 1, .median = minutes{20}, .p90 = minutes{20}, .max = minutes{20}});
}

TEST_CASE("report: notifications that failed are listed with their message", "[runtime][report]") {
  World w;
  w.deploy(R"yaml(
process: broken
steps:
  - id: tell
    type: send
    notify:
      - {channel: sms, to: "+4000", text: "Total {{ price * \"x\" }}"}
  - {id: done, type: end}
)yaml");
  const CaseId id = w.start("broken", Value::Object{{"price", 10}});
  const Report r = report_of(w);
  const ProcessReport& p = r.processes.at(0);
  REQUIRE(p.failed_notifications.size() == 1);
  const FailedNotification& f = p.failed_notifications[0];
  CHECK(f.case_id == id);
  CHECK(f.step_id == "tell");
  CHECK(f.task_id == kNoId);
  CHECK(f.at == start_time());
  CHECK(f.channel == "sms");
  CHECK_FALSE(f.message.empty());
}

}  // namespace
}  // namespace crmflow::test
