// Cycle and cron triggers: armed when a version becomes the latest, each occurrence fired once
// (the clock at its due moment) in the commit that arms the next, across engines over one store.
#include <chrono>

#include "runtime/triggers.hpp"
#include "time/iso8601.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

Instant utc(const char* text) {
  auto parsed = time::parse_datetime(text, nullptr);
  REQUIRE(parsed.ok());
  return parsed->at;
}

constexpr const char* kDaily = R"yaml(
process: daily
triggers:
  - timer: {cycle: "R3/2026-01-02T09:00:00Z/P1D"}
steps:
  - {id: call, type: user, candidates: {groups: [reception]}}
  - {id: done, type: end}
)yaml";

struct Started {
  Instant at{};
  std::int64_t occurrence = 0;
  std::string trigger;
  std::int64_t version = 0;
};

// The cases of `process` in start order, with what their case_started event says.
std::vector<Started> started(World& w, const std::string& process) {
  auto cases = w.engine.cases(CaseQuery{.process_id = process});
  REQUIRE(cases.ok());
  std::vector<Started> out;
  for (const Case& c : *cases) {
    auto history = w.engine.history(c.id);
    REQUIRE(history.ok());
    REQUIRE_FALSE(history->empty());
    const HistoryEvent& first = history->front();
    REQUIRE(first.event == EventType::case_started);
    CHECK(first.at == c.started_at);
    REQUIRE(first.data.is_object());
    out.push_back({c.started_at, first.data["occurrence"].as_integer(),
                   first.data["trigger"].as_string(), c.version});
  }
  return out;
}

model::Trigger cycle(std::string text) {
  model::Trigger t;
  t.kind = model::TriggerKind::cycle;
  t.cycle = std::move(text);
  return t;
}

model::Trigger cron(std::string text, std::string zone) {
  model::Trigger t;
  t.kind = model::TriggerKind::cron;
  t.cron = std::move(text);
  t.timezone = std::move(zone);
  return t;
}

TEST_CASE("a cycle's occurrences before the deploy moment are skipped, keeping their numbers",
          "[runtime][triggers]") {
  const model::Trigger daily = cycle("R3/2026-01-02T09:00:00Z/P1D");
  auto first = runtime::first_occurrence(daily, utc("2026-01-03T08:00:00Z"));
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  CHECK((*first)->due == utc("2026-01-03T09:00:00Z"));
  CHECK((*first)->number == 2);
  auto last = runtime::next_occurrence(daily, utc("2026-01-03T08:00:00Z"), **first);
  REQUIRE(last.ok());
  CHECK((*last)->due == utc("2026-01-04T09:00:00Z"));
  CHECK((*last)->number == 3);
  auto after = runtime::next_occurrence(daily, utc("2026-01-03T08:00:00Z"), **last);
  REQUIRE(after.ok());
  CHECK_FALSE(after->has_value());  // R3: three in all
  // One due at the deploy moment itself is kept.
  CHECK((*runtime::first_occurrence(daily, utc("2026-01-02T09:00:00Z")))->number == 1);
  // After the last one there is nothing to arm.
  CHECK_FALSE(runtime::first_occurrence(daily, utc("2026-01-05T00:00:00Z"))->has_value());
}

TEST_CASE("a cycle without START counts from the deploy moment", "[runtime][triggers]") {
  const model::Trigger hourly = cycle("R2/PT1H");
  const Instant deployed = utc("2026-01-02T09:30:00Z");
  auto first = runtime::first_occurrence(hourly, deployed);
  REQUIRE(first.ok());
  CHECK((*first)->due == deployed + hours{1});
  CHECK((*first)->number == 1);
  auto second = runtime::next_occurrence(hourly, deployed, **first);
  CHECK((*second)->due == deployed + hours{2});
  CHECK_FALSE(runtime::next_occurrence(hourly, deployed, **second)->has_value());
}

TEST_CASE("a cron trigger fires on its wall clock in its zone", "[runtime][triggers]") {
  // 09:00 in Tehran (UTC+03:30) is 05:30Z; Saturday to Wednesday. 2026-01-01 is a Thursday.
  const model::Trigger office = cron("0 9 * * sat,sun,mon,tue,wed", "Asia/Tehran");
  auto first = runtime::first_occurrence(office, utc("2026-01-01T00:00:00Z"));
  REQUIRE(first.ok());
  CHECK((*first)->due == utc("2026-01-03T05:30:00Z"));  // Saturday: Thursday and Friday skipped
  CHECK((*first)->number == 1);
  auto second = runtime::next_occurrence(office, utc("2026-01-01T00:00:00Z"), **first);
  CHECK((*second)->due == utc("2026-01-04T05:30:00Z"));
  CHECK((*second)->number == 2);
  // At the deploy moment exactly: kept.
  CHECK((*runtime::first_occurrence(office, utc("2026-01-03T05:30:00Z")))->due ==
        utc("2026-01-03T05:30:00Z"));
  // An unknown zone is the loader's to refuse; here it is an error, never UTC.
  auto bad =
      runtime::first_occurrence(cron("0 9 * * *", "Mars/Olympus"), utc("2026-01-01T00:00:00Z"));
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("Mars/Olympus"));
}

TEST_CASE("an R3 cycle starts three cases, each with the clock at its due moment",
          "[runtime][triggers]") {
  World w;
  w.deploy(kDaily);
  CHECK(**w.engine.next_due() == utc("2026-01-02T09:00:00Z"));
  REQUIRE(w.engine.run_due(utc("2026-01-02T08:59:59Z")).ok());
  CHECK(started(w, "daily").empty());
  auto fired = w.engine.run_due(utc("2026-01-10T00:00:00Z"));  // all three at once, in order
  REQUIRE(fired.ok());
  CHECK(*fired == 3);
  const std::vector<Started> cases = started(w, "daily");
  REQUIRE(cases.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("occurrence " << i + 1);
    CHECK(cases[i].at == utc("2026-01-02T09:00:00Z") + days{i});
    CHECK(cases[i].occurrence == static_cast<std::int64_t>(i + 1));
    CHECK(cases[i].trigger == "cycle");
  }
  // Each case ran until it waited: a task was created at its due moment.
  auto tasks = w.engine.tasks(TaskQuery{.step_id = "call"});
  REQUIRE(tasks->size() == 3);
  CHECK(tasks->front().created_at == utc("2026-01-02T09:00:00Z"));
  CHECK_FALSE(w.engine.next_due()->has_value());
  CHECK(*w.engine.run_due(utc("2027-01-01T00:00:00Z")) == 0);
}

TEST_CASE("an unchanged redeploy leaves the schedule alone; a new version replaces it",
          "[runtime][triggers]") {
  World w;
  w.deploy(kDaily);
  REQUIRE(w.engine.run_due(utc("2026-01-02T09:00:00Z")).ok());
  w.clock.set(utc("2026-01-02T12:00:00Z"));
  CHECK_FALSE(w.deploy(kDaily).changed);
  CHECK(**w.engine.next_due() == utc("2026-01-03T09:00:00Z"));
  // Version 2 fires at 18:00; version 1's remaining occurrences are gone.
  std::string evening = kDaily;
  evening.replace(evening.find("T09:00"), 6, "T18:00");
  const Deployment v2 = w.deploy(evening);
  CHECK(v2.version == 2);
  CHECK(**w.engine.next_due() == utc("2026-01-02T18:00:00Z"));
  REQUIRE(w.engine.run_due(utc("2026-01-10T00:00:00Z")).ok());
  const std::vector<Started> cases = started(w, "daily");
  REQUIRE(cases.size() == 4);
  CHECK(cases[0].version == 1);
  for (std::size_t i = 1; i < 4; ++i) {
    CHECK(cases[i].version == 2);
    CHECK(cases[i].at == utc("2026-01-02T18:00:00Z") + days{i - 1});
  }
  // A version without triggers stops the schedule.
  w.deploy(R"yaml(
process: daily
steps:
  - {id: done, type: end}
)yaml");
  CHECK_FALSE(w.engine.next_due()->has_value());
}

TEST_CASE("a new engine over the same store goes on where the last one stopped",
          "[runtime][triggers]") {
  MemoryStore store;
  ManualClock clock{start_time()};
  auto engine_over = [&] {
    return std::make_unique<Engine>(store, EngineOptions{.clock = &clock});
  };
  {
    auto first = engine_over();
    LoadOutcome loaded = load_process(R"yaml(
process: hourly
triggers:
  - timer: {cycle: "R/PT1H"}
steps:
  - {id: done, type: end}
)yaml",
                                      "hourly.yaml");
    REQUIRE(loaded.ok());
    REQUIRE(first->deploy(loaded.process).ok());
    CHECK(*first->run_due(start_time() + hours{2}) == 2);
  }
  auto second = engine_over();
  // Down for five hours: each missed occurrence fires once, in order; none twice.
  CHECK(*second->run_due(start_time() + hours{7}) == 5);
  auto cases = second->cases(CaseQuery{.process_id = "hourly"});
  REQUIRE(cases->size() == 7);
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK((*cases)[i].started_at == start_time() + hours{i + 1});
    CHECK((*cases)[i].status == CaseStatus::completed);
  }
  CHECK(**second->next_due() == start_time() + hours{8});
}

TEST_CASE("an occurrence another worker holds is not fired again; a lease that ran out is",
          "[runtime][triggers]") {
  World w;
  w.deploy(kDaily);
  const Instant nine = utc("2026-01-02T09:00:00Z");
  auto job = w.store.next_due_job(nine);
  REQUIRE(job.ok());
  REQUIRE(job->has_value());
  CHECK((*job)->kind == JobKind::trigger);
  CHECK((*job)->case_id == kNoId);
  CHECK((*job)->occurrence == 1);
  // Another worker leased it and is starting the case (or died doing so).
  REQUIRE(w.store.lease_job((*job)->id, nine, nine + minutes{5}).ok());
  CHECK(*w.engine.run_due(nine + minutes{1}) == 0);
  CHECK(started(w, "daily").empty());
  // Its lease ran out: the occurrence fires, once, at its own due moment.
  CHECK(*w.engine.run_due(nine + minutes{5}) == 1);
  CHECK(*w.engine.run_due(nine + minutes{6}) == 0);
  const std::vector<Started> cases = started(w, "daily");
  REQUIRE(cases.size() == 1);
  CHECK(cases[0].at == nine);
  CHECK(cases[0].occurrence == 1);
}

TEST_CASE("a process whose scheduled cases could not start is refused at deploy",
          "[runtime][triggers]") {
  World w;
  LoadOutcome loaded = load_process(R"yaml(
process: needs-lead
triggers:
  - {cron: "0 9 * * *"}
variables:
  lead: {type: string, required: true}
steps:
  - {id: done, type: end}
)yaml",
                                    "needs-lead.yaml");
  REQUIRE(loaded.ok());
  auto refused = w.engine.deploy(loaded.process);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::invalid_input);
  CHECK_THAT(refused.error().message, Catch::Contains("'needs-lead'") &&
                                          Catch::Contains("cron trigger") &&
                                          Catch::Contains("lead") && Catch::Contains("default"));
  CHECK_FALSE(w.engine.next_due()->has_value());
  CHECK_FALSE(w.store.latest_definition("needs-lead")->has_value());
}

TEST_CASE("a message trigger arms no job", "[runtime][triggers]") {
  World w;
  w.deploy(R"yaml(
process: on-message
triggers:
  - {message: hello}
steps:
  - {id: done, type: end}
)yaml");
  CHECK_FALSE(w.engine.next_due()->has_value());
}

}  // namespace
}  // namespace crmflow::test
