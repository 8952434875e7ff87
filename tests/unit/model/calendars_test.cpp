// Reading business calendars from YAML: the file and bare forms, every problem at its place, and
// the host-facing crmflow::Calendars.
#include "model/calendars.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "crmflow/calendar.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::model {
namespace {

struct Expected {
  std::uint32_t line;
  std::uint32_t column;
  std::string message;  // the whole message
};

std::string all_messages(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.format() + "\n";
  return out;
}

void expect_problems(const std::string& text, const std::vector<Expected>& expected) {
  const CalendarsLoad loaded = load_calendars(text, "calendars.yaml");
  INFO(all_messages(loaded.diagnostics));
  CHECK_FALSE(loaded.calendars.has_value());
  REQUIRE(loaded.diagnostics.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Diagnostic& d = loaded.diagnostics[i];
    CHECK(d.file == "calendars.yaml");
    CHECK(d.line == expected[i].line);
    CHECK(d.column == expected[i].column);
    CHECK(d.message == expected[i].message);
  }
}

Instant at(std::string_view text) {
  auto parsed = time::parse_datetime(text, nullptr);
  REQUIRE(parsed.ok());
  return parsed->at;
}

std::string in_tehran(Instant t) {
  return time::format_datetime(time::in_zone(t, *time::find_zone("Asia/Tehran")));
}

TEST_CASE("a calendars file is read into business calendars", "[model][calendars]") {
  const CalendarsLoad loaded = load_calendars(R"(calendars:
  office:
    timezone: Asia/Tehran
    week: [sat, sun, mon, tue, wed]
    hours: "08:00-16:00"
    holidays: [2026-03-20, 2026-03-21, 2026-03-21]
  berlin:
    timezone: Europe/Berlin
    week: [Monday, TUE, wed, Thursday, fri]
    hours: 08:00-12:00, 13:00-17:00
)",
                                              "calendars.yaml");
  INFO(all_messages(loaded.diagnostics));
  REQUIRE(loaded.calendars.has_value());
  CHECK(loaded.calendars->names() == std::vector<std::string>{"berlin", "office"});
  const time::BusinessCalendar* office = loaded.calendars->find("office");
  REQUIRE(office != nullptr);
  CHECK(office->name == "office");
  CHECK(office->zone == *time::find_zone("Asia/Tehran"));
  CHECK(office->working_days == std::array<bool, 7>{true, true, true, true, false, false, true});
  CHECK(time::format_working_hours(office->hours) == "08:00-16:00");
  CHECK(office->holidays.size() == 2);  // listed twice is fine
  const time::BusinessCalendar* berlin = loaded.calendars->find("berlin");
  REQUIRE(berlin != nullptr);
  CHECK(berlin->working_days == std::array<bool, 7>{false, true, true, true, true, true, false});
  CHECK(time::format_working_hours(berlin->hours) == "08:00-12:00, 13:00-17:00");
  CHECK(berlin->holidays.empty());
  CHECK(loaded.calendars->find("Office") == nullptr);
}

TEST_CASE("the bare map of calendars is accepted", "[model][calendars]") {
  const CalendarsLoad loaded = load_calendars(
      "{office: {timezone: Asia/Tehran, week: [sat, sun, mon, tue, wed], hours: \"08:00-16:00\", "
      "holidays: [2026-03-20]}}",
      "inline.yaml");
  INFO(all_messages(loaded.diagnostics));
  REQUIRE(loaded.calendars.has_value());
  CHECK(loaded.calendars->names() == std::vector<std::string>{"office"});
  const CalendarsLoad empty = load_calendars("calendars: {}\n", "empty.yaml");
  REQUIRE(empty.calendars.has_value());
  CHECK(empty.calendars->calendars.empty());
}

TEST_CASE("the example calendars file loads", "[model][calendars]") {
  const CalendarsOutcome loaded =
      Calendars::load_file(CRMFLOW_SOURCE_DIR "/examples/settings/calendars.yaml");
  INFO(all_messages(loaded.diagnostics));
  REQUIRE(loaded.ok());
  CHECK(loaded.calendars.names() == std::vector<std::string>{"berlin", "office"});
  // Nowruz: Wednesday 1404/12/27 at 15:00, two working hours: the office reopens on Wednesday
  // 1405/01/05 (2026-03-25).
  auto due = loaded.calendars.add("office", at("2026-03-18T15:00:00+03:30"), "PT2H");
  REQUIRE(due.ok());
  CHECK(in_tehran(*due) == "2026-03-25T09:00:00+03:30");
}

TEST_CASE("every problem of a calendar is reported at its place", "[model][calendars]") {
  expect_problems(
      R"(calendars:
  office:
    timezone: Asia/Teheran
    week: [sat, sun, mon, tue, wedn]
    hours: "08:00-16:00"
    holidays: [2026-03-20, 2026-02-30, [2026-03-21]]
    holiday: []
)",
      {
          {3, 15,
           "calendar 'office': unknown time zone 'Asia/Teheran' (did you mean "
           "'Asia/Tehran'?); use an IANA name such as Asia/Tehran, Europe/Berlin or "
           "UTC"},
          {4, 32,
           "calendar 'office': 'week': \"wedn\" is not a day (did you mean 'wed'?); "
           "write sat, sun, mon, tue, wed, thu or fri"},
          {6, 28,
           "calendar 'office': each holiday must be a date such as 2026-03-20, not "
           "\"2026-02-30\""},
          {6, 40,
           "calendar 'office': each holiday must be a date such as 2026-03-20, not a "
           "list"},
          {7, 5, "calendar 'office': unknown field 'holiday' (did you mean 'holidays'?)"},
      });
}

TEST_CASE("the example of docs/time.md gives the messages shown there", "[model][calendars]") {
  const CalendarsLoad loaded = load_calendars(R"(calendars:
  office:
    timezone: Asia/Teheran
    week: [sat, sun, mon, tue, wedn]
    hours: "17:00-09:00"
    holidays: [2026-03-20, 2026-02-30]
    holiday: []
)",
                                              "calendars.yaml");
  CHECK(all_messages(loaded.diagnostics) ==
        "calendars.yaml:3:15: error: calendar 'office': unknown time zone 'Asia/Teheran' (did you "
        "mean 'Asia/Tehran'?); use an IANA name such as Asia/Tehran, Europe/Berlin or UTC\n"
        "calendars.yaml:4:32: error: calendar 'office': 'week': \"wedn\" is not a day (did you "
        "mean 'wed'?); write sat, sun, mon, tue, wed, thu or fri\n"
        "calendars.yaml:5:12: error: calendar 'office': working hours '17:00-09:00': "
        "'17:00-09:00' runs backwards: a range cannot cross midnight (write a night shift as two "
        "ranges, such as 00:00-06:00, 22:00-24:00)\n"
        "calendars.yaml:6:28: error: calendar 'office': each holiday must be a date such as "
        "2026-03-20, not \"2026-02-30\"\n"
        "calendars.yaml:7:5: error: calendar 'office': unknown field 'holiday' (did you mean "
        "'holidays'?)\n");
}

TEST_CASE("missing fields, bad hours and days, and the file's own fields", "[model][calendars]") {
  expect_problems(
      R"(calendars:
  a: {timezone: UTC}
  b: office
  c:
    timezone: Europe/Berlin
    week: []
    hours: "17:00-09:00"
  d: {timezone: UTC, week: [mon, Monday], hours: 9-17}
  e: {timezone: "", week: sat, hours: [08:00-16:00]}
other: 1
)",
      {
          {2, 6,
           "calendar 'a': 'week' is required: list the working days, such as [sat, "
           "sun, mon, tue, wed]"},
          {2, 6,
           "calendar 'a': 'hours' is required: write the working hours, such as "
           "\"08:00-16:00\""},
          {3, 6, "calendars: 'b' must be a map (key: value lines or {...}), not \"office\""},
          {6, 11,
           "calendar 'c': 'week' must name at least one working day, such as [sat, "
           "sun, mon, tue, wed]"},
          {7, 12,
           "calendar 'c': working hours '17:00-09:00': '17:00-09:00' runs backwards: "
           "a range cannot cross midnight (write a night shift as two ranges, such "
           "as 00:00-06:00, 22:00-24:00)"},
          {8, 34, "calendar 'd': 'week' names mon twice"},
          {8, 50,
           "calendar 'd': working hours '9-17': '9-17' is not a range of times such "
           "as 08:00-16:00 (HH:MM, 00:00 to 24:00)"},
          {9, 17, "calendar 'e': 'timezone' must not be empty"},
          {9, 27, "calendar 'e': 'week' must be a list ('- ' lines or [...]), not \"sat\""},
          {9, 39, "calendar 'e': 'hours' must be text, not a list"},
          {10, 1, "calendars file: unknown field 'other'"},
      });
}

TEST_CASE("a calendars document that is not a map of calendars", "[model][calendars]") {
  expect_problems("just text\n",
                  {{1, 1,
                    "a calendars file must be a map, calendars: {NAME: {timezone, week, hours, "
                    "holidays}}, not \"just text\""}});
  expect_problems("calendars: [office]\n",
                  {{1, 12,
                    "calendars: 'calendars' must be a map (key: value lines or {...}), not a "
                    "list"}});
  const CalendarsLoad broken = load_calendars("calendars:\n  office: {timezone: UTC\n", "x.yaml");
  CHECK_FALSE(broken.calendars.has_value());
  REQUIRE(broken.diagnostics.size() == 1);
  CHECK(broken.diagnostics[0].file == "x.yaml");
  CHECK(broken.diagnostics[0].line > 0);
}

TEST_CASE("Calendars: the host's view", "[model][calendars]") {
  const CalendarsOutcome loaded = Calendars::load(R"(office:
  timezone: Asia/Tehran
  week: [sat, sun, mon, tue, wed]
  hours: "08:00-16:00"
)",
                                                  "office.yaml");
  REQUIRE(loaded.ok());
  const Calendars calendars = loaded.calendars;  // copies share the set
  CHECK(calendars.has("office"));
  CHECK_FALSE(calendars.has("ofice"));
  CHECK(calendars.names() == std::vector<std::string>{"office"});

  auto due = calendars.add("office", at("2026-02-04T15:00:00+03:30"), "PT2H");
  REQUIRE(due.ok());
  CHECK(in_tehran(*due) == "2026-02-07T09:00:00+03:30");
  auto p2d = calendars.add("office", at("2026-02-03T10:00:00+03:30"), Duration{.days = 2});
  REQUIRE(p2d.ok());
  CHECK(in_tehran(*p2d) == "2026-02-07T10:00:00+03:30");
  auto alarm = calendars.subtract("office", at("2026-02-07T08:00:00+03:30"), "PT1H");
  REQUIRE(alarm.ok());
  CHECK(in_tehran(*alarm) == "2026-02-04T15:00:00+03:30");
  auto working = calendars.is_working_moment("office", at("2026-02-06T10:00:00+03:30"));
  REQUIRE(working.ok());
  CHECK_FALSE(*working);
  auto next = calendars.next_working_moment("office", at("2026-02-06T10:00:00+03:30"));
  REQUIRE(next.ok());
  CHECK(in_tehran(*next) == "2026-02-07T08:00:00+03:30");

  auto unknown = calendars.add("ofice", at("2026-02-04T15:00:00Z"), "PT2H");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK(unknown.error().message ==
        "no calendar 'ofice' (did you mean 'office'?); the calendars are: office");
  auto bad = calendars.add("office", at("2026-02-04T15:00:00Z"), "4 hours");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::invalid_input);
  CHECK_THAT(bad.error().message, Catch::Matchers::Contains("4 hours"));

  Calendars moved = calendars;
  const Calendars taken = std::move(moved);
  CHECK(taken.has("office"));
  CHECK(moved.has("office"));  // NOLINT(bugprone-use-after-move): a handle stays whole

  const Calendars none;
  CHECK(none.names().empty());
  auto nothing = none.add("office", at("2026-02-04T15:00:00Z"), "PT2H");
  REQUIRE_FALSE(nothing.ok());
  CHECK(nothing.error().code == ErrorCode::not_found);
  CHECK(nothing.error().message == "no calendar 'office': no calendars are loaded");
}

TEST_CASE("Calendars: files that cannot be loaded", "[model][calendars]") {
  const CalendarsOutcome missing = Calendars::load_file("/nonexistent/calendars.yaml");
  CHECK_FALSE(missing.ok());
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].format() ==
        "/nonexistent/calendars.yaml: error: cannot open the file: check the path and its "
        "permissions");
  CHECK(missing.calendars.names().empty());
  const CalendarsOutcome folder = Calendars::load_file(CRMFLOW_TEST_DATA);
  REQUIRE(folder.diagnostics.size() == 1);
  CHECK(folder.diagnostics[0].format() ==
        std::string{CRMFLOW_TEST_DATA} + ": error: cannot read: is a directory");
  CHECK(folder.calendars.names().empty());
  const CalendarsOutcome bad = Calendars::load("office: {timezone: Mars/Olympus}\n", "bad.yaml");
  CHECK_FALSE(bad.ok());
  CHECK(bad.calendars.names().empty());
  REQUIRE(bad.diagnostics.size() == 3);
  CHECK(bad.diagnostics[0].format() ==
        "bad.yaml:1:9: error: calendar 'office': 'week' is required: list the working days, such "
        "as [sat, sun, mon, tue, wed]");
}

}  // namespace
}  // namespace crmflow::model
