#include "time/date_format.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace crmflow::time {
namespace {

using testing::day;
using testing::require_invalid;

std::string fmt_date(std::string_view date_text, Calendar calendar, std::string_view pattern) {
  auto r = format_date(day(date_text), calendar, pattern);
  INFO(std::string(pattern));
  if (!r.ok()) INFO(r.error().message);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("Gregorian dates by pattern", "[time][date_format]") {
  const Calendar g = Calendar::gregorian;
  CHECK(fmt_date("2026-02-02", g, kDefaultDatePattern) == "2026/02/02");
  CHECK(fmt_date("2026-02-02", g, "d/M/yy") == "2/2/26");
  CHECK(fmt_date("2026-11-25", g, "dd MMMM yyyy") == "25 November 2026");
  CHECK(fmt_date("2026-01-05", g, "MMMM d, yyyy") == "January 5, 2026");
  CHECK(fmt_date("2026-01-05", g, "'Day' d 'of' MMMM") == "Day 5 of January");
  CHECK(fmt_date("2026-01-05", g, "yyyy-MM-dd'T'") == "2026-01-05T");
  CHECK(fmt_date("2026-01-05", g, "'It''s' d") == "It's 5");
  CHECK(fmt_date("2026-01-05", g, "d''M") == "5'1");
  CHECK(fmt_date("2026-01-05", g, "") == "");
  CHECK(fmt_date("0005-01-05", g, "yyyy yy") == "0005 05");
}

TEST_CASE("Jalali dates by pattern, with Persian month names", "[time][date_format]") {
  const Calendar j = Calendar::jalali;
  CHECK(fmt_date("2025-03-21", j, kDefaultDatePattern) == "1404/01/01");
  CHECK(fmt_date("2025-03-20", j, "yyyy/MM/dd") == "1403/12/30");
  CHECK(fmt_date("2025-03-21", j, "d MMMM yyyy") == "1 فروردین 1404");
  CHECK(fmt_date("2026-02-02", j, "d MMMM yy") == "13 بهمن 04");
  CHECK(fmt_date("2026-02-02", j, "روز d") == "روز 13");  // non-ASCII text is copied
}

TEST_CASE("datetimes show in the given zone, else UTC", "[time][date_format]") {
  const DateTime t = testing::dt("2026-03-20T21:05:09Z");
  const auto* tehran = testing::zone("Asia/Tehran");
  auto r = format_datetime(t, Calendar::gregorian, "yyyy-MM-dd HH:mm:ss", tehran);
  REQUIRE(r.ok());
  CHECK(*r == "2026-03-21 00:35:09");
  r = format_datetime(t, Calendar::jalali, "yyyy/MM/dd H:m:s", tehran);
  REQUIRE(r.ok());
  CHECK(*r == "1405/01/01 0:35:9");
  r = format_datetime(t, Calendar::jalali, "yyyy/MM/dd HH:mm", nullptr);
  REQUIRE(r.ok());
  CHECK(*r == "1404/12/29 21:05");
  // The DateTime's own offset does not matter, only the zone asked for.
  r = format_datetime(testing::dt("2026-03-21T00:35:09+03:30"), Calendar::gregorian, "HH:mm",
                      nullptr);
  REQUIRE(r.ok());
  CHECK(*r == "21:05");
}

TEST_CASE("unknown pattern letters and calendars are refused", "[time][date_format]") {
  const Date d = day("2026-01-05");
  require_invalid(format_date(d, Calendar::gregorian, "yyy"), {"'yyy' is not a pattern token"});
  require_invalid(format_date(d, Calendar::gregorian, "MMM"), {"'MMM'"});
  require_invalid(format_date(d, Calendar::gregorian, "ddd"), {"'ddd'"});
  require_invalid(format_date(d, Calendar::gregorian, "yyyy at HH"), {"'a'"});
  require_invalid(format_date(d, Calendar::gregorian, "D"), {"'D'", "quote literal"});
  require_invalid(format_date(d, Calendar::gregorian, "HH:mm"), {"'HH'", "a date has none"});
  require_invalid(format_date(d, Calendar::gregorian, "'open"), {"not closed"});
  REQUIRE(parse_calendar("Jalali").ok());
  CHECK(*parse_calendar("GREGORIAN") == Calendar::gregorian);
  CHECK(*parse_calendar("jalali") == Calendar::jalali);
  require_invalid(parse_calendar("persian"), {"unknown calendar 'persian'", "\"jalali\""});
  CHECK(gregorian_month_name(12) == "December");
}

}  // namespace
}  // namespace crmflow::time
