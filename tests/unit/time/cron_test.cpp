#include "time/cron.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace crmflow::time {
namespace {

using testing::at;
using testing::require_invalid;

CronSchedule cron(std::string_view text, const date::time_zone* zone = nullptr) {
  auto c = CronSchedule::parse(text, zone);
  INFO(std::string(text));
  if (!c.ok()) INFO(c.error().message);
  REQUIRE(c.ok());
  return *c;
}

// The next firing after `after`, shown in the schedule's zone.
std::string next(const CronSchedule& c, std::string_view after,
                 const date::time_zone* zone = nullptr) {
  const auto t = c.next_after(at(after));
  return t ? format_datetime(in_zone(*t, zone)) : "none";
}

TEST_CASE("cron fields: values, ranges, lists, steps, names", "[time][cron]") {
  CHECK(next(cron("0 9 * * *"), "2026-01-05T08:59:00Z") == "2026-01-05T09:00:00Z");
  CHECK(next(cron("0 9 * * *"), "2026-01-05T09:00:00Z") == "2026-01-06T09:00:00Z");
  CHECK(next(cron("*/15 * * * *"), "2026-01-05T09:07:30Z") == "2026-01-05T09:15:00Z");
  CHECK(next(cron("*/15 * * * *"), "2026-01-05T09:45:00Z") == "2026-01-05T10:00:00Z");
  CHECK(next(cron("10-50/20 * * * *"), "2026-01-05T09:31:00Z") == "2026-01-05T09:50:00Z");
  CHECK(next(cron("5/20 * * * *"), "2026-01-05T09:46:00Z") == "2026-01-05T10:05:00Z");
  CHECK(next(cron("0,30 8,17 * * *"), "2026-01-05T08:30:00Z") == "2026-01-05T17:00:00Z");
  CHECK(next(cron("0 9 * * MON-FRI"), "2026-01-09T09:00:00Z") ==
        "2026-01-12T09:00:00Z");  // Fri -> Mon
  CHECK(next(cron("0 9 * * mon-fri"), "2026-01-10T12:00:00Z") == "2026-01-12T09:00:00Z");
  CHECK(next(cron("0 9 * * SAT,SUN"), "2026-01-05T00:00:00Z") == "2026-01-10T09:00:00Z");
  CHECK(next(cron("0 9 * * 7"), "2026-01-05T00:00:00Z") == "2026-01-11T09:00:00Z");  // Sunday
  CHECK(next(cron("0 9 * * 0"), "2026-01-05T00:00:00Z") == "2026-01-11T09:00:00Z");
  CHECK(next(cron("0 9 * * FRI-SUN"), "2026-01-05T00:00:00Z") == "2026-01-09T09:00:00Z");
  CHECK(next(cron("0 9 * * 5-7"), "2026-01-10T10:00:00Z") == "2026-01-11T09:00:00Z");
  CHECK(next(cron("0 0 1 JAN,jul *"), "2026-01-05T00:00:00Z") == "2026-07-01T00:00:00Z");
  CHECK(next(cron("0 0 * * *"), "2026-01-05T00:00:00.001Z") == "2026-01-06T00:00:00Z");
  CHECK(next(cron("  0 0 * * *  "), "2026-01-05T00:00:00Z") == "2026-01-06T00:00:00Z");
}

TEST_CASE("cron crosses month and year ends", "[time][cron]") {
  CHECK(next(cron("0 0 31 * *"), "2026-01-31T00:00:00Z") == "2026-03-31T00:00:00Z");
  CHECK(next(cron("30 23 31 12 *"), "2026-12-31T23:30:00Z") == "2027-12-31T23:30:00Z");
  CHECK(next(cron("0 0 1 * *"), "2026-12-15T00:00:00Z") == "2027-01-01T00:00:00Z");
  CHECK(next(cron("0 12 29 2 *"), "2025-03-01T00:00:00Z") == "2028-02-29T12:00:00Z");
  CHECK(next(cron("0 12 29 2 *"), "2096-03-01T00:00:00Z") == "2104-02-29T12:00:00Z");
  // February 29 that is also a Sunday (day-of-week given as a '*' step, so AND applies).
  CHECK(next(cron("0 0 29 2 */7"), "2026-01-01T00:00:00Z") == "2032-02-29T00:00:00Z");
  CHECK(next(cron("59 23 * * *"), "9999-12-31T23:59:00Z") == "none");
}

TEST_CASE("cron day rule: either day field when both are restricted", "[time][cron]") {
  // The 13th or any Friday. 2026-02-06 is a Friday; 2026-02-13 also is.
  CHECK(next(cron("0 0 13 * FRI"), "2026-02-01T00:00:00Z") == "2026-02-06T00:00:00Z");
  CHECK(next(cron("0 0 13 * FRI"), "2026-03-07T00:00:00Z") == "2026-03-13T00:00:00Z");
  // A '*' day-of-week leaves day-of-month alone.
  CHECK(next(cron("0 0 13 * *"), "2026-02-01T00:00:00Z") == "2026-02-13T00:00:00Z");
  // A '*/n' day-of-month counts as unrestricted: both must match (odd days that are Mondays).
  CHECK(next(cron("0 0 */2 * MON"), "2026-01-01T00:00:00Z") == "2026-01-05T00:00:00Z");
  CHECK(next(cron("0 0 */2 * MON"), "2026-01-05T00:00:00Z") == "2026-01-19T00:00:00Z");
}

TEST_CASE("impossible cron schedules return nothing at once", "[time][cron]") {
  CHECK(next(cron("0 0 30 2 *"), "2026-01-01T00:00:00Z") == "none");
  CHECK(next(cron("0 0 31 4,6,9,11 *"), "2026-01-01T00:00:00Z") == "none");
  CHECK(next(cron("0 0 31 4 MON"), "2026-01-01T00:00:00Z") != "none");  // OR: any Monday in April
}

TEST_CASE("cron evaluates in its zone and follows the DST rules", "[time][cron]") {
  const auto* tehran = testing::zone("Asia/Tehran");
  CHECK(next(cron("0 9 * * *", tehran), "2026-01-05T06:00:00Z", tehran) ==
        "2026-01-06T09:00:00+03:30");
  const auto* berlin = testing::zone("Europe/Berlin");
  // 02:30 does not exist on 2026-03-29: it fires at 03:00 CEST, the first moment after the gap.
  const CronSchedule at_0230 = cron("30 2 * * *", berlin);
  CHECK(next(at_0230, "2026-03-28T12:00:00Z", berlin) == "2026-03-29T03:00:00+02:00");
  CHECK(next(at_0230, "2026-03-29T01:00:00Z", berlin) == "2026-03-30T02:30:00+02:00");
  // Every quarter hour: the skipped 02:00-02:45 fire once, at 03:00, then 03:15 follows.
  const CronSchedule quarter = cron("*/15 * * * *", berlin);
  CHECK(next(quarter, "2026-03-29T00:45:00Z", berlin) == "2026-03-29T03:00:00+02:00");
  CHECK(next(quarter, "2026-03-29T01:00:00Z", berlin) == "2026-03-29T03:15:00+02:00");
  // 02:30 happens twice on 2026-10-25: it fires once, at the first.
  CHECK(next(at_0230, "2026-10-24T12:00:00Z", berlin) == "2026-10-25T02:30:00+02:00");
  CHECK(next(at_0230, "2026-10-25T00:30:00Z", berlin) == "2026-10-26T02:30:00+01:00");
  CHECK(next(quarter, "2026-10-25T00:45:00Z", berlin) == "2026-10-25T03:00:00+01:00");
  // Daily 09:00 keeps its wall-clock time across the change.
  CHECK(next(cron("0 9 * * *", berlin), "2026-03-28T08:00:00Z", berlin) ==
        "2026-03-29T09:00:00+02:00");
  const auto* new_york = testing::zone("America/New_York");
  CHECK(next(cron("0 2 * * *", new_york), "2026-03-07T12:00:00Z", new_york) ==
        "2026-03-08T03:00:00-04:00");
  CHECK(next(cron("0 1 * * *", new_york), "2026-11-01T05:00:00Z", new_york) ==
        "2026-11-02T01:00:00-05:00");
}

TEST_CASE("cron shorthands", "[time][cron]") {
  CHECK(next(cron("@hourly"), "2026-01-05T09:10:00Z") == "2026-01-05T10:00:00Z");
  CHECK(next(cron("@daily"), "2026-01-05T09:10:00Z") == "2026-01-06T00:00:00Z");
  CHECK(next(cron("@weekly"), "2026-01-05T09:10:00Z") == "2026-01-11T00:00:00Z");
  CHECK(next(cron("@monthly"), "2026-01-05T09:10:00Z") == "2026-02-01T00:00:00Z");
  CHECK(next(cron("@yearly"), "2026-01-05T09:10:00Z") == "2027-01-01T00:00:00Z");
  CHECK(cron("@daily").text() == "@daily");
}

TEST_CASE("bad cron text names the field and the token", "[time][cron]") {
  require_invalid(CronSchedule::parse("0 25 * * *", nullptr),
                  {"hour field", "'25' is out of range 0-23"});
  require_invalid(CronSchedule::parse("60 * * * *", nullptr), {"minute field", "'60'"});
  require_invalid(CronSchedule::parse("0 0 0 * *", nullptr), {"day-of-month field", "'0'", "1-31"});
  require_invalid(CronSchedule::parse("0 0 * 13 *", nullptr), {"month field", "'13'"});
  require_invalid(CronSchedule::parse("0 0 * * 8", nullptr), {"day-of-week field", "'8'", "0-7"});
  require_invalid(CronSchedule::parse("0 0 * FOO *", nullptr),
                  {"month field", "'FOO' is not a number or a name"});
  require_invalid(CronSchedule::parse("0 0 * * MONDAY", nullptr), {"'MONDAY'"});
  require_invalid(CronSchedule::parse("0 0 * JAN-MON *", nullptr), {"month field", "'MON'"});
  require_invalid(CronSchedule::parse("*/0 * * * *", nullptr), {"minute field", "bad step '0'"});
  require_invalid(CronSchedule::parse("*/x * * * *", nullptr), {"bad step 'x'"});
  require_invalid(CronSchedule::parse("30-10 * * * *", nullptr), {"'30-10'", "backwards"});
  require_invalid(CronSchedule::parse("1,,2 * * * *", nullptr), {"minute field", "empty"});
  require_invalid(CronSchedule::parse("0 9 * *", nullptr), {"expected 5 fields", "found 4"});
  require_invalid(CronSchedule::parse("0 9 * * * *", nullptr), {"found 6"});
  require_invalid(CronSchedule::parse("", nullptr), {"found 0"});
  require_invalid(CronSchedule::parse("@reboot", nullptr), {"'@reboot'", "unknown shorthand"});
  require_invalid(CronSchedule::parse("0 9-x * * *", nullptr), {"hour field", "'x'"});
}

}  // namespace
}  // namespace crmflow::time
