#include "time/business_calendar.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <random>
#include <string>

#include "test_support.hpp"

namespace crmflow::time {
namespace {

using testing::at;
using testing::day;
using testing::dur;
using testing::require_invalid;
using testing::zone;

std::vector<WorkingPeriod> hours(std::string_view text) {
  auto parsed = parse_working_hours(text);
  INFO(std::string(text));
  REQUIRE(parsed.ok());
  return *parsed;
}

// Tehran, Saturday to Wednesday, 08:00-16:00, with the Nowruz holidays of 1405.
BusinessCalendar tehran_office() {
  BusinessCalendar c{.name = "office",
                     .zone = zone("Asia/Tehran"),
                     .working_days = week_of({date::Saturday, date::Sunday, date::Monday,
                                              date::Tuesday, date::Wednesday}),
                     .hours = hours("08:00-16:00"),
                     .holidays = {}};
  for (const char* d : {"2026-03-20", "2026-03-21", "2026-03-22", "2026-03-23", "2026-03-24"}) {
    c.holidays.insert(day(d));
  }
  return c;
}

// Berlin, Monday to Friday, 09:00-17:00.
BusinessCalendar berlin_office() {
  return BusinessCalendar{.name = "berlin",
                          .zone = zone("Europe/Berlin"),
                          .working_days = week_of({date::Monday, date::Tuesday, date::Wednesday,
                                                   date::Thursday, date::Friday}),
                          .hours = hours("09:00-17:00"),
                          .holidays = {}};
}

BusinessCalendar every_day(std::string_view zone_name, std::string_view hours_text) {
  return BusinessCalendar{.name = "always",
                          .zone = zone(zone_name),
                          .working_days = {true, true, true, true, true, true, true},
                          .hours = hours(hours_text),
                          .holidays = {}};
}

// The result as a datetime in the calendar's zone, e.g. "2026-02-07T09:00:00+03:30".
std::string shown(const BusinessCalendar& c, const Result<Instant>& result) {
  INFO((result.ok() ? std::string{} : result.error().message));
  REQUIRE(result.ok());
  return format_datetime(in_zone(*result, c.zone));
}

std::string plus(const BusinessCalendar& c, std::string_view start, std::string_view duration) {
  return shown(c, add_business_time(c, at(start), dur(duration)));
}

std::string minus(const BusinessCalendar& c, std::string_view from, std::string_view duration) {
  return shown(c, subtract_business_time(c, at(from), dur(duration)));
}

std::string next(const BusinessCalendar& c, std::string_view from) {
  return shown(c, next_working_moment(c, at(from)));
}

// 2026-02-01 is a Sunday: Sat 7, Sun 1/8, Mon 2, Tue 3, Wed 4, Thu 5, Fri 6.

TEST_CASE("hours count working time only, across the Persian weekend", "[time][calendar]") {
  const BusinessCalendar c = tehran_office();
  CHECK(plus(c, "2026-02-04T15:00:00+03:30", "PT2H") == "2026-02-07T09:00:00+03:30");   // Wed
  CHECK(plus(c, "2026-02-05T10:00:00+03:30", "PT1H") == "2026-02-07T09:00:00+03:30");   // Thu
  CHECK(plus(c, "2026-02-06T23:00:00+03:30", "PT30M") == "2026-02-07T08:30:00+03:30");  // Fri
  CHECK(plus(c, "2026-02-01T09:00:00+03:30", "PT4H") == "2026-02-01T13:00:00+03:30");
  CHECK(plus(c, "2026-02-01T09:00:00+03:30", "PT16H") == "2026-02-03T09:00:00+03:30");
  CHECK(plus(c, "2026-02-01T09:00:00+03:30", "PT40H") == "2026-02-08T09:00:00+03:30");
  CHECK(plus(c, "2026-02-01T09:00:00.250+03:30", "PT0.5S") == "2026-02-01T09:00:00.750+03:30");
}

TEST_CASE("a deadline exactly at the end of working hours stays there", "[time][calendar]") {
  const BusinessCalendar c = tehran_office();
  CHECK(plus(c, "2026-02-04T08:00:00+03:30", "PT8H") == "2026-02-04T16:00:00+03:30");
  CHECK(plus(c, "2026-02-04T15:00:00+03:30", "PT1H") == "2026-02-04T16:00:00+03:30");
  CHECK(plus(c, "2026-02-03T15:00:00+03:30", "PT9H") == "2026-02-04T16:00:00+03:30");
}

TEST_CASE("a start outside working hours first moves to the next working moment",
          "[time][calendar]") {
  const BusinessCalendar c = tehran_office();
  CHECK(plus(c, "2026-02-07T07:00:00+03:30", "PT1H") == "2026-02-07T09:00:00+03:30");  // early
  CHECK(plus(c, "2026-02-07T17:00:00+03:30", "PT1H") == "2026-02-08T09:00:00+03:30");  // late
  // The end of a period is not working time: a start at 16:00 begins the next morning.
  CHECK(plus(c, "2026-02-07T16:00:00+03:30", "PT1H") == "2026-02-08T09:00:00+03:30");
  CHECK(plus(c, "2026-02-04T16:00:00+03:30", "P1D") == "2026-02-08T08:00:00+03:30");
  // The start of a period is.
  CHECK(plus(c, "2026-02-07T08:00:00+03:30", "PT1H") == "2026-02-07T09:00:00+03:30");
  CHECK(next(c, "2026-02-07T08:00:00+03:30") == "2026-02-07T08:00:00+03:30");
  CHECK(next(c, "2026-02-07T15:59:59.999+03:30") == "2026-02-07T15:59:59.999+03:30");
  CHECK(next(c, "2026-02-07T16:00:00+03:30") == "2026-02-08T08:00:00+03:30");
  CHECK(next(c, "2026-02-05T12:00:00Z") == "2026-02-07T08:00:00+03:30");
}

TEST_CASE("a zero duration gives the next working moment", "[time][calendar]") {
  const BusinessCalendar c = tehran_office();
  CHECK(plus(c, "2026-02-06T12:00:00+03:30", "PT0S") == "2026-02-07T08:00:00+03:30");
  CHECK(plus(c, "2026-02-07T10:00:00+03:30", "PT0S") == "2026-02-07T10:00:00+03:30");
  CHECK(minus(c, "2026-02-07T10:00:00+03:30", "PT0S") == "2026-02-07T10:00:00+03:30");
  CHECK(minus(c, "2026-02-07T16:00:00+03:30", "PT0S") == "2026-02-07T16:00:00+03:30");
  CHECK(minus(c, "2026-02-06T12:00:00+03:30", "PT0S") == "2026-02-04T16:00:00+03:30");
}

TEST_CASE("days count working days and keep the time of day", "[time][calendar]") {
  const BusinessCalendar c = tehran_office();
  CHECK(plus(c, "2026-02-03T10:00:00+03:30", "P2D") == "2026-02-07T10:00:00+03:30");  // Tue
  CHECK(plus(c, "2026-02-03T10:00:00+03:30", "P1W") == "2026-02-14T10:00:00+03:30");  // 7 days
  CHECK(plus(c, "2026-02-05T10:00:00+03:30", "P1D") == "2026-02-08T08:00:00+03:30");  // Thu
  CHECK(plus(c, "2026-02-03T17:30:00+03:30", "P2D") == "2026-02-08T08:00:00+03:30");
  // Days first, then hours: Wed 14:00, then two hours to 16:00 and two more on Saturday.
  CHECK(plus(c, "2026-02-03T14:00:00+03:30", "P1DT4H") == "2026-02-07T10:00:00+03:30");
}

TEST_CASE("holidays are not working days (Nowruz 1405)", "[time][calendar]") {
  const BusinessCalendar c = tehran_office();
  // Thu 2026-03-19 and Fri 03-20 are the weekend, 03-20..24 are holidays: Wed 03-18 is followed
  // by Wed 03-25.
  CHECK(plus(c, "2026-03-18T15:00:00+03:30", "PT2H") == "2026-03-25T09:00:00+03:30");
  CHECK(plus(c, "2026-03-17T10:00:00+03:30", "P2D") == "2026-03-25T10:00:00+03:30");
  CHECK(plus(c, "2026-03-21T10:00:00+03:30", "PT1H") == "2026-03-25T09:00:00+03:30");
  CHECK(next(c, "2026-03-22T09:00:00+03:30") == "2026-03-25T08:00:00+03:30");
  CHECK(minus(c, "2026-03-25T09:00:00+03:30", "PT2H") == "2026-03-18T15:00:00+03:30");
  CHECK(minus(c, "2026-03-25T10:00:00+03:30", "P1D") == "2026-03-18T10:00:00+03:30");
  CHECK_FALSE(is_working_day(c, day("2026-03-21")));
  CHECK(is_working_day(c, day("2026-03-25")));
  CHECK_FALSE(is_working_day(c, day("2026-03-26")));  // a Thursday
}

TEST_CASE("several working periods a day", "[time][calendar]") {
  BusinessCalendar c = berlin_office();
  c.hours = hours("08:00-12:00, 13:00-17:00");
  // Mon 2026-02-02.
  CHECK(plus(c, "2026-02-02T11:00:00+01:00", "PT2H") == "2026-02-02T14:00:00+01:00");
  CHECK(plus(c, "2026-02-02T11:00:00+01:00", "PT1H") == "2026-02-02T12:00:00+01:00");
  CHECK(plus(c, "2026-02-02T12:30:00+01:00", "PT1H") == "2026-02-02T14:00:00+01:00");
  CHECK(next(c, "2026-02-02T12:30:00+01:00") == "2026-02-02T13:00:00+01:00");
  CHECK(minus(c, "2026-02-02T13:00:00+01:00", "PT1H") == "2026-02-02T11:00:00+01:00");
  CHECK(minus(c, "2026-02-02T14:00:00+01:00", "PT1H") == "2026-02-02T13:00:00+01:00");
  // A day's time kept across days: 12:00, the end of the morning, stays 12:00.
  CHECK(minus(c, "2026-02-03T12:00:00+01:00", "P1D") == "2026-02-02T12:00:00+01:00");
}

TEST_CASE("subtracting counts working time backwards", "[time][calendar]") {
  const BusinessCalendar c = tehran_office();
  // A deadline at the start of a day, minus one hour: the last hour of the day before.
  CHECK(minus(c, "2026-02-07T08:00:00+03:30", "PT1H") == "2026-02-04T15:00:00+03:30");
  CHECK(minus(c, "2026-02-07T09:00:00+03:30", "PT2H") == "2026-02-04T15:00:00+03:30");
  CHECK(minus(c, "2026-02-04T16:00:00+03:30", "PT1H") == "2026-02-04T15:00:00+03:30");
  // A result exactly at the start of a period stays there.
  CHECK(minus(c, "2026-02-04T16:00:00+03:30", "PT8H") == "2026-02-04T08:00:00+03:30");
  CHECK(minus(c, "2026-02-07T10:00:00+03:30", "P1D") == "2026-02-04T10:00:00+03:30");
  CHECK(minus(c, "2026-02-07T16:00:00+03:30", "P1D") == "2026-02-04T16:00:00+03:30");
  // A moment outside working time first moves back to the end of the last period.
  CHECK(minus(c, "2026-02-06T12:00:00+03:30", "PT1H") == "2026-02-04T15:00:00+03:30");
  CHECK(minus(c, "2026-02-07T07:00:00+03:30", "P1D") == "2026-02-03T16:00:00+03:30");
  // Hours first, then days (the mirror of adding).
  CHECK(minus(c, "2026-02-07T10:00:00+03:30", "P1DT4H") == "2026-02-03T14:00:00+03:30");
  // Negative durations turn around.
  CHECK(plus(c, "2026-02-07T08:00:00+03:30", "-PT1H") == "2026-02-04T15:00:00+03:30");
  CHECK(minus(c, "2026-02-04T15:00:00+03:30", "-PT2H") == "2026-02-07T09:00:00+03:30");
}

TEST_CASE("months are calendar months, then the next working day", "[time][calendar]") {
  const BusinessCalendar c = tehran_office();
  CHECK(plus(c, "2026-01-07T10:00:00+03:30", "P1M") == "2026-02-07T10:00:00+03:30");
  // 2026-02-13 is a Friday: Saturday, same time of day.
  CHECK(plus(c, "2026-01-13T10:00:00+03:30", "P1M") == "2026-02-14T10:00:00+03:30");
  // Jan 31 (Sat) + P1M is Feb 28 (Sat); + P1M1D is the working day after it.
  CHECK(plus(c, "2026-01-31T10:00:00+03:30", "P1M") == "2026-02-28T10:00:00+03:30");
  CHECK(plus(c, "2026-01-31T10:00:00+03:30", "P1M1D") == "2026-03-01T10:00:00+03:30");
  CHECK(plus(c, "2025-02-18T10:00:00+03:30", "P1Y") == "2026-02-18T10:00:00+03:30");
  // Backwards: 2026-03-13 is a Friday, so the working day before it.
  CHECK(minus(c, "2026-04-13T10:00:00+03:30", "P1M") == "2026-03-11T10:00:00+03:30");
}

TEST_CASE("DST changes count real elapsed working time (Berlin)", "[time][calendar][dst]") {
  const BusinessCalendar c = berlin_office();
  // Spring forward on Sunday 2026-03-29, fall back on Sunday 2026-10-25.
  CHECK(plus(c, "2026-03-27T16:00:00+01:00", "PT2H") == "2026-03-30T10:00:00+02:00");
  CHECK(plus(c, "2026-03-27T10:00:00+01:00", "P1D") == "2026-03-30T10:00:00+02:00");
  CHECK(plus(c, "2026-10-23T16:00:00+02:00", "PT2H") == "2026-10-26T10:00:00+01:00");
  CHECK(plus(c, "2026-10-23T10:00:00+02:00", "P1D") == "2026-10-26T10:00:00+01:00");
  CHECK(minus(c, "2026-03-30T10:00:00+02:00", "PT2H") == "2026-03-27T16:00:00+01:00");
  CHECK(minus(c, "2026-10-26T09:00:00+01:00", "PT30M") == "2026-10-23T16:30:00+02:00");

  // Hours that cover the change: 01:00-04:00 is 2 real hours on 03-29 and 4 on 10-25.
  const BusinessCalendar night = every_day("Europe/Berlin", "01:00-04:00");
  CHECK(plus(night, "2026-03-29T01:00:00+01:00", "PT2H") == "2026-03-29T04:00:00+02:00");
  CHECK(plus(night, "2026-03-29T01:00:00+01:00", "PT2H30M") == "2026-03-30T01:30:00+02:00");
  CHECK(plus(night, "2026-10-25T01:00:00+02:00", "PT3H") == "2026-10-25T03:00:00+01:00");
  CHECK(plus(night, "2026-10-25T01:00:00+02:00", "PT4H") == "2026-10-25T04:00:00+01:00");
  CHECK(minus(night, "2026-10-25T04:00:00+01:00", "PT4H") == "2026-10-25T01:00:00+02:00");

  // Around the clock: P1D keeps the time of day, PT24H is 24 real hours.
  const BusinessCalendar always = every_day("Europe/Berlin", "00:00-24:00");
  CHECK(plus(always, "2026-03-28T12:00:00+01:00", "P1D") == "2026-03-29T12:00:00+02:00");
  CHECK(plus(always, "2026-03-28T12:00:00+01:00", "PT24H") == "2026-03-29T13:00:00+02:00");
  CHECK(plus(always, "2026-10-24T12:00:00+02:00", "PT24H") == "2026-10-25T11:00:00+01:00");
  CHECK(plus(always, "2026-03-29T00:00:00+01:00", "PT23H") == "2026-03-30T00:00:00+02:00");

  // A period that starts inside the gap starts at the transition.
  const BusinessCalendar late = every_day("Europe/Berlin", "02:30-05:00");
  CHECK(next(late, "2026-03-29T00:00:00+01:00") == "2026-03-29T03:00:00+02:00");
  CHECK(plus(late, "2026-03-29T00:00:00+01:00", "PT2H") == "2026-03-29T05:00:00+02:00");
  CHECK(plus(late, "2026-03-28T02:30:00+01:00", "P1D") == "2026-03-29T03:00:00+02:00");
}

TEST_CASE("hours that end at midnight (24:00)", "[time][calendar]") {
  BusinessCalendar c = berlin_office();
  c.hours = hours("00:00-24:00");
  // Fri 2026-02-06 12:00: twelve hours end at midnight, the end of Friday, and stay there.
  CHECK(plus(c, "2026-02-06T12:00:00+01:00", "PT12H") == "2026-02-07T00:00:00+01:00");
  CHECK(plus(c, "2026-02-06T12:00:00+01:00", "PT13H") == "2026-02-09T01:00:00+01:00");
  CHECK(next(c, "2026-02-07T00:00:00+01:00") == "2026-02-09T00:00:00+01:00");
  // Midnight after Friday is Friday's 24:00: a day before it is Thursday's 24:00.
  CHECK(minus(c, "2026-02-07T00:00:00+01:00", "P1D") == "2026-02-06T00:00:00+01:00");
  CHECK(minus(c, "2026-02-07T00:00:00+01:00", "PT1H") == "2026-02-06T23:00:00+01:00");
  CHECK(minus(c, "2026-02-09T00:00:00+01:00", "PT1H") == "2026-02-06T23:00:00+01:00");
}

TEST_CASE("Tehran's DST of 2021, which changed at midnight", "[time][calendar][dst]") {
  // Clocks went from 00:00 to 01:00 on 2021-03-22 and from 24:00 back to 23:00 on 2021-09-21.
  const BusinessCalendar always = every_day("Asia/Tehran", "00:00-24:00");
  CHECK(plus(always, "2021-03-21T12:00:00+03:30", "PT12H") == "2021-03-22T01:00:00+04:30");
  CHECK(plus(always, "2021-03-21T12:00:00+03:30", "P1D") == "2021-03-22T12:00:00+04:30");
  CHECK(plus(always, "2021-09-21T12:00:00+04:30", "PT12H") == "2021-09-21T23:00:00+03:30");
  CHECK(plus(always, "2021-09-21T12:00:00+04:30", "PT13H") == "2021-09-22T00:00:00+03:30");
  CHECK(next(always, "2021-03-22T00:00:00+03:30") == "2021-03-22T01:00:00+04:30");
  const BusinessCalendar office = tehran_office();
  // Wed 2021-09-15 15:00 (+04:30) + PT2H: Saturday 09:00, after the change (+03:30).
  CHECK(plus(office, "2021-09-15T15:00:00+04:30", "PT2H") == "2021-09-18T09:00:00+04:30");
  CHECK(plus(office, "2021-09-22T15:00:00+03:30", "PT2H") == "2021-09-25T09:00:00+03:30");
}

TEST_CASE("DST in New York, and a zone without DST", "[time][calendar][dst]") {
  BusinessCalendar c = berlin_office();
  c.zone = zone("America/New_York");  // spring forward on Sunday 2026-03-08
  CHECK(plus(c, "2026-03-06T16:00:00-05:00", "PT2H") == "2026-03-09T10:00:00-04:00");
  CHECK(plus(c, "2026-03-06T09:00:00-05:00", "PT16H") == "2026-03-09T17:00:00-04:00");
  // The same instant, read in Tehran's and in UTC's working hours.
  const BusinessCalendar tehran = tehran_office();
  CHECK(is_working_moment(tehran, at("2026-02-07T05:00:00Z")));  // 08:30 in Tehran
  BusinessCalendar utc = tehran;
  utc.zone = nullptr;
  CHECK_FALSE(is_working_moment(utc, at("2026-02-07T05:00:00Z")));
  CHECK(plus(utc, "2026-02-07T05:00:00Z", "PT1H") == "2026-02-07T09:00:00Z");
}

TEST_CASE("a week of holidays is skipped", "[time][calendar]") {
  BusinessCalendar c = berlin_office();
  for (const char* d : {"2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24", "2026-12-25"}) {
    c.holidays.insert(day(d));
  }
  CHECK(plus(c, "2026-12-18T16:00:00+01:00", "PT2H") == "2026-12-28T10:00:00+01:00");
  CHECK(plus(c, "2026-12-18T10:00:00+01:00", "P1D") == "2026-12-28T10:00:00+01:00");
  CHECK(minus(c, "2026-12-28T10:00:00+01:00", "PT2H") == "2026-12-18T16:00:00+01:00");
  CHECK(next(c, "2026-12-21T09:00:00+01:00") == "2026-12-28T09:00:00+01:00");
}

TEST_CASE("a calendar without working time is an error, not an endless search",
          "[time][calendar]") {
  BusinessCalendar c = berlin_office();
  c.working_days = week_of({date::Monday});
  // Every Monday from 2026 to 2037 is a holiday.
  for (date::sys_days d = date::sys_days{date::year{2026} / 1 / 5};
       d < date::sys_days{date::year{2037} / 1 / 1}; d += date::days{7}) {
    c.holidays.insert(Date{std::chrono::sys_days{d.time_since_epoch()}});
  }
  require_invalid(add_business_time(c, at("2026-01-01T10:00:00Z"), dur("PT1H")),
                  {"calendar 'berlin' has no working time in the 10 years after 2026-01-0",
                   "'week' and 'holidays'"});
  require_invalid(next_working_moment(c, at("2026-01-01T10:00:00Z")), {"no working time"});
  require_invalid(add_business_time(c, at("2026-01-01T10:00:00Z"), dur("P1D")),
                  {"no working time in the 10 years after 2026-01-0"});
  // Counting days from the last working Monday before the holidays.
  require_invalid(add_business_time(c, at("2025-12-29T10:00:00Z"), dur("P1D")),
                  {"no working time in the 10 years after 2025-12-30"});
  require_invalid(add_business_time(c, at("2025-12-29T10:00:00Z"), dur("P1M")),
                  {"no working time in the 10 years after 2026-01-29"});
  require_invalid(subtract_business_time(c, at("2036-12-31T10:00:00Z"), dur("PT1H")),
                  {"no working time in the 10 years before"});
  // Once the holidays stop, work resumes.
  CHECK(plus(c, "2036-12-30T10:00:00Z", "PT1H") == "2037-01-05T10:00:00+01:00");

  BusinessCalendar none = berlin_office();
  none.working_days = {};
  require_invalid(add_business_time(none, at("2026-01-01T10:00:00Z"), dur("PT1H")),
                  {"calendar 'berlin' has no working day in its week"});
  CHECK_FALSE(is_working_moment(none, at("2026-01-05T10:00:00Z")));
  BusinessCalendar no_hours = berlin_office();
  no_hours.hours.clear();
  require_invalid(next_working_moment(no_hours, at("2026-01-01T10:00:00Z")),
                  {"calendar 'berlin': working hours: there are no working hours"});
}

TEST_CASE("business time refuses results out of range and mixed signs", "[time][calendar]") {
  const BusinessCalendar c = berlin_office();
  require_invalid(add_business_time(c, at("9999-12-30T10:00:00Z"), dur("P5D")),
                  {"calendar 'berlin'", "lies outside 0000-01-01..9999-12-31"});
  require_invalid(add_business_time(c, at("9999-12-30T10:00:00Z"), dur("P1M")), {"outside"});
  require_invalid(add_business_time(c, at("2026-01-01T10:00:00Z"), dur("PT80000000H")),
                  {"2026-01-01T10:00:00Z + PT80000000H in business time lies outside"});
  require_invalid(subtract_business_time(c, at("0000-01-03T10:00:00Z"), dur("P5D")), {"outside"});
  const Instant far{std::chrono::milliseconds{std::numeric_limits<std::int64_t>::min() + 1}};
  require_invalid(subtract_business_time(c, far, dur("PT1H")), {"outside"});
  require_invalid(add_business_time(c, far, dur("PT1H")),
                  {"calendar 'berlin': the moment + PT1H in business time lies outside"});
  require_invalid(next_working_moment(c, far), {"outside"});
  require_invalid(add_business_time(c, at("2026-01-01T10:00:00Z"), Duration{0, 1, -3'600'000}),
                  {"calendar 'berlin': cannot count P1DT-1H", "different signs"});
  // A large duration that fits is walked, not refused.
  // 40000 hours are 5000 working days of 8 hours: 1000 weeks, ending on a Friday at 17:00.
  CHECK(plus(c, "2026-01-05T09:00:00+01:00", "PT40000H") == "2045-03-03T17:00:00+01:00");
}

TEST_CASE("working hours text", "[time][calendar]") {
  CHECK(format_working_hours(hours("08:00-16:00")) == "08:00-16:00");
  CHECK(format_working_hours(hours(" 08:00 - 12:00 ,13:00-17:30")) == "08:00-12:00, 13:00-17:30");
  CHECK(format_working_hours(hours("00:00-06:00, 22:00-24:00")) == "00:00-06:00, 22:00-24:00");
  CHECK(hours("09:15-17:45") ==
        std::vector<WorkingPeriod>{{std::chrono::minutes{555}, std::chrono::minutes{1065}}});
  require_invalid(parse_working_hours(""), {"working hours '': a range is missing"});
  require_invalid(parse_working_hours("08:00-16:00,"), {"a range is missing"});
  require_invalid(parse_working_hours("8:00-16:00"),
                  {"'8:00-16:00' is not a range of times such as 08:00-16:00"});
  require_invalid(parse_working_hours("08:00"), {"'08:00' is not a range"});
  require_invalid(parse_working_hours("08:00-16:60"), {"is not a range"});
  require_invalid(parse_working_hours("08:00-24:01"), {"is not a range"});
  require_invalid(parse_working_hours("24:00-24:00"), {"24:00 can only end a range"});
  require_invalid(parse_working_hours("10:00-10:00"), {"'10:00-10:00' is empty"});
  require_invalid(parse_working_hours("22:00-06:00"),
                  {"'22:00-06:00' runs backwards", "00:00-06:00, 22:00-24:00"});
  require_invalid(parse_working_hours("13:00-17:00, 08:00-12:00"),
                  {"'08:00-12:00' comes before '13:00-17:00'"});
  require_invalid(parse_working_hours("08:00-13:00, 12:00-17:00"),
                  {"'12:00-17:00' overlaps '08:00-13:00'"});
  require_invalid(parse_working_hours("08:00-12:00, 12:00-16:00"),
                  {"'12:00-16:00' touches '08:00-12:00': write them as one range, 08:00-16:00"});
}

// For random starts and durations: the result is a working moment or the end of a period, and
// subtracting the duration again gives the start's next working moment. With `whole_days`, the
// durations have days too: that needs hours whose times of day are never skipped or repeated by
// a DST change (counting days keeps the time of day, which such a change can move).
void check_properties(const BusinessCalendar& c, bool whole_days, std::uint32_t seed,
                      std::string_view year_start = "2026-01-01T00:00:00Z") {
  std::mt19937 random{seed};
  const Instant first = at(year_start);
  std::uniform_int_distribution<std::int64_t> minute_of_year{0, 366LL * 24 * 60};
  std::uniform_int_distribution<std::int32_t> days{0, 12};
  std::uniform_int_distribution<std::int64_t> minutes{0, 60 * 60};
  std::uniform_int_distribution<int> shape{0, 3};
  for (int i = 0; i < 2000; ++i) {
    const Instant start = first + std::chrono::minutes{minute_of_year(random)};
    Duration d;
    const int kind = whole_days ? shape(random) : 0;
    if (kind != 1) d.millis = minutes(random) * 60'000;
    if (kind != 0) d.days = days(random);
    INFO(c.name << ": " << format_instant(start) << " + " << format_duration(d));
    const auto end = add_business_time(c, start, d);
    REQUIRE(end.ok());
    INFO("= " << format_instant(*end));
    CHECK(*end >= start);
    CHECK(
        (is_working_moment(c, *end) || is_working_moment(c, *end - std::chrono::milliseconds{1})));
    const auto back = subtract_business_time(c, *end, d);
    REQUIRE(back.ok());
    CHECK(format_instant(*back) == format_instant(*next_working_moment(c, start)));
  }
}

TEST_CASE("properties of business time", "[time][calendar][property]") {
  BusinessCalendar berlin = berlin_office();
  berlin.hours = hours("08:00-12:00, 13:00-17:00");
  for (const char* d : {"2026-04-03", "2026-04-06", "2026-05-01", "2026-10-26", "2026-12-25"}) {
    berlin.holidays.insert(day(d));
  }
  check_properties(berlin, true, 1);
  check_properties(tehran_office(), true, 2);
  check_properties(every_day("Europe/Berlin", "06:00-09:30, 10:00-24:00"), true, 3);
  check_properties(every_day("Europe/Berlin", "01:00-04:00"), false, 4);
  check_properties(every_day("America/New_York", "00:00-24:00"), false, 5);
  check_properties(every_day("Asia/Tehran", "00:00-24:00"), false, 6, "2021-01-01T00:00:00Z");
  check_properties(tehran_office(), true, 7, "2021-01-01T00:00:00Z");
}

}  // namespace
}  // namespace crmflow::time
