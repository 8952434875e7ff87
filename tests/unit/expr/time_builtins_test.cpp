// Dates, datetimes and durations: the time built-ins and the operators on them.
#include <chrono>
#include <string>
#include <vector>

#include "support.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::expr {
namespace {

using testing::eval;
using testing::eval_error;

Instant at(const char* iso) { return time::parse_datetime(iso, nullptr)->at; }

const date::time_zone* tehran() { return *time::find_zone("Asia/Tehran"); }

// string() of the expression's value, evaluated with the given clock and zone.
std::string shown(const char* text, const Context& ctx = {}) {
  return display_text(eval(std::string{"string("} + text + ")", Value::Object{}, ctx));
}

TEST_CASE("now() and today() read the case's clock in the context zone", "[expr][time]") {
  Context utc{.now = at("2026-03-20T22:00:00Z")};
  CHECK(shown("now()", utc) == "2026-03-20T22:00:00Z");
  CHECK(shown("today()", utc) == "2026-03-20");
  Context local{.now = at("2026-03-20T22:00:00Z"), .zone = tehran()};
  CHECK(shown("now()", local) == "2026-03-21T01:30:00+03:30");
  CHECK(shown("today()", local) == "2026-03-21");  // already the next day in Tehran
  CHECK(eval("now() = datetime('2026-03-20T22:00:00Z')", Value::Object{}, local).as_bool());
}

TEST_CASE("date, datetime and duration read ISO 8601 text", "[expr][time]") {
  CHECK(shown("date('2026-02-02')") == "2026-02-02");
  CHECK(shown("datetime('2026-02-02T10:00:00Z')") == "2026-02-02T10:00:00Z");
  CHECK(shown("datetime('2026-01-03T09:00:00+03:30')") == "2026-01-03T09:00:00+03:30");
  CHECK(shown("duration('P3D')") == "P3D");
  CHECK(shown("duration('PT1H30M')") == "PT1H30M");
  // Without an offset, a datetime is local to the context zone.
  Context local{.zone = tehran()};
  CHECK(shown("datetime('2026-01-03T09:00:00')", local) == "2026-01-03T09:00:00+03:30");
  CHECK(shown("datetime('2026-01-03T09:00:00')") == "2026-01-03T09:00:00Z");
  // Conversions between dates and datetimes use the context zone.
  CHECK(shown("date(datetime('2026-01-03T22:00:00Z'))", local) == "2026-01-04");
  CHECK(shown("datetime(date('2026-01-04'))", local) == "2026-01-04T00:00:00+03:30");
  // Text they cannot read gives null, like number().
  for (const char* text :
       {"date('2026-02-30')", "date('soon')", "datetime('2026-01-03')", "duration('3 days')",
        "duration('P')", "date(null)", "datetime(null)", "duration(null)"}) {
    INFO(text);
    CHECK(eval(text).is_null());
  }
  CHECK_THAT(eval_error("date(5)").message,
             Catch::Contains("'date' needs a text or a datetime, got integer"));
  CHECK_THAT(eval_error("duration(5)").message,
             Catch::Contains("'duration' needs a text, got integer"));
}

TEST_CASE("date and datetime arithmetic with durations", "[expr][time]") {
  struct Row {
    const char* text;
    const char* shown;
  };
  const std::vector<Row> rows = {
      {"date('2026-01-31') + duration('P1M')", "2026-02-28"},
      {"duration('P3D') + date('2026-01-30')", "2026-02-02"},
      {"date('2026-03-31') - duration('P1M')", "2026-02-28"},
      {"date('2026-02-02') - date('2026-01-30')", "P3D"},
      {"date('2026-01-30') - date('2026-02-02')", "-P3D"},
      {"datetime('2026-01-01T10:00:00Z') + duration('PT4H')", "2026-01-01T14:00:00Z"},
      {"datetime('2026-01-02T10:00:00Z') - datetime('2026-01-01T08:00:00Z')", "PT26H"},
      {"datetime('2026-01-01T10:00:00Z') - duration('P1D')", "2025-12-31T10:00:00Z"},
      {"duration('P1D') + duration('PT2H')", "P1DT2H"},
      {"duration('PT3H') - duration('PT1H')", "PT2H"},
      {"duration('PT1H') * 3", "PT3H"},
      {"2 * duration('P1D')", "P2D"},
      {"-duration('P1D')", "-P1D"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    CHECK(shown(row.text) == row.shown);
  }
  // Days move the wall clock in the context zone across a DST change.
  const date::time_zone* berlin = *time::find_zone("Europe/Berlin");
  Context ctx{.zone = berlin};
  CHECK(shown("datetime('2026-03-28T10:00:00+01:00') + duration('P1D')", ctx) ==
        "2026-03-29T10:00:00+02:00");
  CHECK(shown("datetime('2026-03-28T10:00:00+01:00') + duration('PT24H')", ctx) ==
        "2026-03-29T11:00:00+02:00");
  CHECK(eval("date('2026-01-01') + null").is_null());
  CHECK_THAT(eval_error("date('2026-01-01') + 1").message,
             Catch::Contains("'+' cannot take date and integer"));
  CHECK_THAT(eval_error("date('2026-01-01') - datetime('2026-01-01T00:00:00Z')").message,
             Catch::Contains("'-' cannot take date and datetime"));
}

TEST_CASE("days_between counts calendar days from a to b", "[expr][time]") {
  CHECK(eval("days_between(date('2026-01-01'), date('2026-03-01'))").as_integer() == 59);
  CHECK(eval("days_between(date('2026-03-01'), date('2026-01-01'))").as_integer() == -59);
  CHECK(eval("days_between(datetime('2026-01-01T23:59:00Z'), datetime('2026-01-02T00:01:00Z'))")
            .as_integer() == 1);
  Context local{.zone = tehran()};
  // 20:00Z and 21:00Z on Jan 1 are Jan 1 23:30 and Jan 2 00:30 in Tehran.
  CHECK(eval("days_between(datetime('2026-01-01T20:00:00Z'), datetime('2026-01-01T21:00:00Z'))",
             Value::Object{}, local)
            .as_integer() == 1);
  CHECK(eval("days_between(null, date('2026-01-01'))").is_null());
  CHECK_THAT(eval_error("days_between('2026-01-01', date('2026-01-01'))").message,
             Catch::Contains("'days_between' needs dates or datetimes, got string"));
}

TEST_CASE("format_date in the Gregorian and Jalali calendars", "[expr][time]") {
  struct Row {
    const char* text;
    const char* expected;
  };
  const std::vector<Row> rows = {
      {"format_date(date('2025-03-21'), 'jalali')", "1404/01/01"},
      {"format_date(date('2025-03-20'), 'jalali')", "1403/12/30"},
      {"format_date(date('2025-03-21'), 'jalali', 'd MMMM yyyy')", "1 فروردین 1404"},
      {"format_date(date('2026-02-02'), 'gregorian')", "2026/02/02"},
      {"format_date(date('2026-02-02'), 'Gregorian', 'd MMMM yyyy')", "2 February 2026"},
      {"persian_digits(format_date(date('2025-03-21'), 'jalali'))", "۱۴۰۴/۰۱/۰۱"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    CHECK(eval(row.text).as_string() == row.expected);
  }
  // A datetime is shown on the wall clock of the context zone.
  Context local{.zone = tehran()};
  CHECK(eval("format_date(datetime('2026-01-03T05:30:00Z'), 'gregorian', 'yyyy-MM-dd HH:mm')",
             Value::Object{}, local)
            .as_string() == "2026-01-03 09:00");
  CHECK(eval("format_date(datetime('2026-01-03T05:30:00Z'), 'gregorian', 'HH:mm')").as_string() ==
        "05:30");
  CHECK(eval("format_date(null, 'jalali')").is_null());
  CHECK(eval("format_date(date('2026-01-01'), null)").is_null());
  CHECK_THAT(eval_error("format_date('2026-01-01', 'jalali')").message,
             Catch::Contains("'format_date' needs a date or a datetime, got string"));
  CHECK_THAT(eval_error("format_date(date('2026-01-01'), 'hijri')").message,
             Catch::Contains("hijri"));
  CHECK_THAT(eval_error("format_date(date('2026-01-01'), 'jalali', 'yyy')").message,
             Catch::Contains("yyy"));
}

}  // namespace
}  // namespace crmflow::expr
