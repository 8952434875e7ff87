// Business time in the engine: TimeBasis arithmetic, calendar look-up, and the deploy check
// (src/runtime/business_time.hpp). The behaviour of cases is pinned by
// tests/scenarios/calendars.yaml and calendars-missing.yaml.
#include "runtime/business_time.hpp"

#include <catch2/catch.hpp>

#include "crmflow/clock.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/memory_store.hpp"
#include "crmflow/process.hpp"
#include "time/cycle.hpp"
#include "time/iso8601.hpp"

namespace crmflow::test {
namespace {

constexpr std::string_view kCalendars = R"(
calendars:
  office:
    timezone: Asia/Tehran
    week: [sat, sun, mon, tue, wed]
    hours: "08:00-16:00"
  berlin:
    timezone: Europe/Berlin
    week: [mon, tue, wed, thu, fri]
    hours: "09:00-17:00"
)";

Calendars calendars() {
  CalendarsOutcome loaded = Calendars::load(kCalendars, "calendars.yaml");
  REQUIRE(loaded.ok());
  return loaded.calendars;
}

Instant at(std::string_view text) {
  auto parsed = time::parse_datetime(text, nullptr);
  REQUIRE(parsed.ok());
  return parsed->at;
}

Duration duration(std::string_view text) {
  auto parsed = time::parse_duration(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

std::string text(Instant instant) { return time::format_instant(instant); }

std::shared_ptr<const Process> process(std::string_view yaml) {
  LoadOutcome loaded = load_process(yaml, "test.yaml");
  REQUIRE(loaded.ok());
  return loaded.process;
}

TEST_CASE("a calendar's basis counts business time, an empty name plain time",
          "[runtime][calendar]") {
  const Calendars set = calendars();
  auto office = runtime::time_basis(&set, "office", nullptr);
  REQUIRE(office.ok());
  REQUIRE(office->calendar != nullptr);
  // Wednesday 15:00 in Tehran + PT2H: one hour today, one on Saturday.
  auto due = office->add(at("2026-02-04T15:00:00+03:30"), duration("PT2H"));
  REQUIRE(due.ok());
  CHECK(text(*due) == "2026-02-07T05:30:00Z");
  auto back = office->subtract(*due, duration("PT2H"));
  REQUIRE(back.ok());
  CHECK(text(*back) == "2026-02-04T11:30:00Z");

  auto plain = runtime::time_basis(&set, "", nullptr);
  REQUIRE(plain.ok());
  CHECK(plain->calendar == nullptr);
  auto later = plain->add(at("2026-02-04T15:00:00+03:30"), duration("PT2H"));
  REQUIRE(later.ok());
  CHECK(text(*later) == "2026-02-04T13:30:00Z");
  auto earlier = plain->subtract(at("2026-02-04T15:00:00+03:30"), duration("P1D"));
  REQUIRE(earlier.ok());
  CHECK(text(*earlier) == "2026-02-03T11:30:00Z");
}

TEST_CASE("plain time moves days on the wall clock of the process calendar's zone",
          "[runtime][calendar]") {
  const Calendars set = calendars();
  const date::time_zone* berlin = runtime::calendar_zone(&set, "berlin");
  REQUIRE(berlin != nullptr);
  CHECK(runtime::calendar_zone(&set, "") == nullptr);
  CHECK(runtime::calendar_zone(&set, "nowhere") == nullptr);
  CHECK(runtime::calendar_zone(nullptr, "berlin") == nullptr);
  auto plain = runtime::time_basis(&set, "", berlin);
  REQUIRE(plain.ok());
  // Saturday 10:00 CET + P1D over the spring-forward night: Sunday 10:00 CEST, 23 hours later.
  auto next = plain->add(at("2026-03-28T10:00:00+01:00"), duration("P1D"));
  REQUIRE(next.ok());
  CHECK(text(*next) == "2026-03-29T08:00:00Z");
}

TEST_CASE("an unknown calendar is not_found, naming it and the engine's calendars",
          "[runtime][calendar]") {
  const Calendars set = calendars();
  auto missing = runtime::time_basis(&set, "ofice", nullptr);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK_THAT(missing.error().message,
             Catch::Contains("calendar 'ofice' is not one of the engine's calendars") &&
                 Catch::Contains("did you mean 'office'?") && Catch::Contains("berlin, office"));
  auto none = runtime::time_basis(nullptr, "office", nullptr);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::not_found);
  CHECK_THAT(none.error().message,
             Catch::Contains("calendar 'office' is unknown: the engine has no calendars"));
}

TEST_CASE("a cycle in business time counts its period in working time", "[runtime][calendar]") {
  const Calendars set = calendars();
  auto office = runtime::time_basis(&set, "office", nullptr);
  REQUIRE(office.ok());
  const Instant wednesday = at("2026-02-04T14:00:00+03:30");
  auto hourly = time::Cycle::parse("R3/PT1H", nullptr);
  REQUIRE(hourly.ok());
  // Without START: anchor + (k+1)×PT1H in working hours: 15:00, 16:00 (closing time stays),
  // Saturday 09:00; then none.
  const char* expected[] = {"2026-02-04T11:30:00Z", "2026-02-04T12:30:00Z", "2026-02-07T05:30:00Z"};
  for (int k = 0; k < 3; ++k) {
    auto occurrence = office->occurrence(*hourly, k, wednesday);
    REQUIRE(occurrence.ok());
    REQUIRE(occurrence->has_value());
    CHECK(text(**occurrence) == expected[k]);
  }
  auto past = office->occurrence(*hourly, 3, wednesday);
  REQUIRE(past.ok());
  CHECK_FALSE(past->has_value());

  // With START: the first occurrence is START as written (a Friday), then working days.
  auto daily = time::Cycle::parse("R2/2026-02-06T10:00:00+03:30/P1D", nullptr);
  REQUIRE(daily.ok());
  auto first = office->occurrence(*daily, 0, wednesday);
  REQUIRE(first.ok());
  CHECK(text(**first) == "2026-02-06T06:30:00Z");
  auto second = office->occurrence(*daily, 1, wednesday);
  REQUIRE(second.ok());
  CHECK(text(**second) == "2026-02-08T04:30:00Z");  // Friday -> Saturday 08:00 -> Sunday 08:00
}

TEST_CASE("a due or timer date without a zone is read in the calendar's zone",
          "[runtime][calendar]") {
  const Calendars set = calendars();
  const date::time_zone* tehran = runtime::calendar_zone(&set, "office");
  REQUIRE(tehran != nullptr);
  auto local = runtime::moment_of(Value{"2026-02-10T12:00:00"}, tehran, "`due`");
  REQUIRE(local.ok());
  CHECK(text(*local) == "2026-02-10T08:30:00Z");
  auto offset = runtime::moment_of(Value{"2026-02-10T12:00:00Z"}, tehran, "`due`");
  REQUIRE(offset.ok());
  CHECK(text(*offset) == "2026-02-10T12:00:00Z");
  // A date means its first moment in the zone.
  auto day = runtime::moment_of(Value{"2026-02-10"}, tehran, "`due`");
  REQUIRE(day.ok());
  CHECK(text(*day) == "2026-02-09T20:30:00Z");
  auto utc_day = runtime::moment_of(Value{"2026-02-10"}, nullptr, "`due`");
  REQUIRE(utc_day.ok());
  CHECK(text(*utc_day) == "2026-02-10T00:00:00Z");
  auto wrong = runtime::moment_of(Value{std::int64_t{12}}, tehran, "the timer date");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == ErrorCode::invalid_input);
  CHECK_THAT(wrong.error().message, Catch::StartsWith("the timer date must give a datetime"));
}

TEST_CASE("deploy refuses a definition naming a calendar the engine does not have",
          "[runtime][calendar]") {
  const Calendars set = calendars();
  MemoryStore store;
  ManualClock clock{at("2026-02-04T08:00:00Z")};
  Engine engine{store, EngineOptions{.clock = &clock, .calendars = &set}};

  auto refused =
      engine.deploy(process("process: p\ncalendar: offices\nsteps: [{id: a, type: end}]\n"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::invalid_input);
  CHECK_THAT(refused.error().message,
             Catch::StartsWith("process 'p': calendar 'offices' is not one of the engine's") &&
                 Catch::Contains("did you mean 'office'?"));

  auto by_step = engine.deploy(process(R"(
process: q
steps:
  - {id: pause, type: wait, timer: P1D, calendar: tehran}
)"));
  REQUIRE_FALSE(by_step.ok());
  CHECK(by_step.error().code == ErrorCode::invalid_input);
  CHECK_THAT(by_step.error().message, Catch::StartsWith("process 'q', step 'pause': calendar "
                                                        "'tehran'"));

  auto boundary = engine.deploy(process(R"(
process: r
steps:
  - {id: work, type: user, calendar: moon, boundary: [{timer: PT1H, next: done}]}
  - {id: done, type: end}
)"));
  REQUIRE_FALSE(boundary.ok());
  CHECK_THAT(boundary.error().message, Catch::Contains("step 'work': calendar 'moon'"));
  // Nothing was stored by the refusals.
  auto latest = store.latest_definition("p");
  REQUIRE(latest.ok());
  CHECK_FALSE(latest->has_value());

  auto fine = engine.deploy(process(R"(
process: s
calendar: office
steps:
  - {id: pause, type: wait, timer: P1D, calendar: berlin}
)"));
  CHECK(fine.ok());

  // An engine given no calendars deploys it; its cases raise incidents where they need one.
  MemoryStore other;
  Engine bare{other, EngineOptions{.clock = &clock}};
  CHECK(bare.deploy(process("process: p\ncalendar: offices\nsteps: [{id: a, type: end}]\n")).ok());
}

}  // namespace
}  // namespace crmflow::test
