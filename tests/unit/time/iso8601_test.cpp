#include "time/iso8601.hpp"

#include <catch2/catch.hpp>
#include <limits>

#include "test_support.hpp"

namespace crmflow::time {
namespace {

using testing::dur;
using testing::require_invalid;
constexpr std::int64_t kHour = 3'600'000;

TEST_CASE("durations parse in every ISO 8601 form", "[time][iso8601]") {
  CHECK(dur("P1Y2M10DT2H30M") == Duration{14, 10, 2 * kHour + 30 * 60'000});
  CHECK(dur("PT4H") == Duration{0, 0, 4 * kHour});
  CHECK(dur("P3W") == Duration{0, 21, 0});
  CHECK(dur("P1W2D") == Duration{0, 9, 0});
  CHECK(dur("PT1.5S") == Duration{0, 0, 1500});
  CHECK(dur("PT1,25S") == Duration{0, 0, 1250});
  CHECK(dur("PT0.5H") == Duration{0, 0, kHour / 2});
  CHECK(dur("PT1.5M") == Duration{0, 0, 90'000});
  CHECK(dur("PT0.001S") == Duration{0, 0, 1});
  CHECK(dur("PT1.000000S") == Duration{0, 0, 1000});
  CHECK(dur("PT.5S") == Duration{0, 0, 500});
  CHECK(dur("-P1D") == Duration{0, -1, 0});
  CHECK(dur("+P1D") == Duration{0, 1, 0});
  CHECK(dur("-P1Y2MT3S") == Duration{-14, 0, -3000});
  CHECK(dur("P0D").is_zero());
  CHECK(dur("PT0S").is_zero());
  CHECK(dur("PT36H") == Duration{0, 0, 36 * kHour});
  CHECK(dur("P2147483647D").days == std::numeric_limits<std::int32_t>::max());
}

TEST_CASE("bad durations are refused naming the text and the fault", "[time][iso8601]") {
  require_invalid(parse_duration(""), {"''", "empty"});
  require_invalid(parse_duration("P"), {"'P'", "no parts"});
  require_invalid(parse_duration("PT"), {"'PT'", "'T' must be followed"});
  require_invalid(parse_duration("P1DT"), {"'P1DT'", "'T' must be followed"});
  require_invalid(parse_duration("1D"), {"'1D'", "start with 'P'"});
  require_invalid(parse_duration("P1D1Y"), {"'P1D1Y'", "'Y' is out of order"});
  require_invalid(parse_duration("P1D2D"), {"'D' is out of order or repeated"});
  require_invalid(parse_duration("PT1S1M"), {"'M' is out of order"});
  require_invalid(parse_duration("P1H"), {"'H' is not a date designator"});
  require_invalid(parse_duration("PT1D"), {"'D' is not a time designator"});
  require_invalid(parse_duration("P1"), {"no designator"});
  require_invalid(parse_duration("P-1D"), {"expected a number at position 2"});
  require_invalid(parse_duration("p1d"), {"start with 'P'"});
  require_invalid(parse_duration("P1D "), {"expected a number"});
  require_invalid(parse_duration("P1.5D"), {"cannot have a fraction"});
  require_invalid(parse_duration("PT1.5H30M"), {"only the last part may have a fraction"});
  require_invalid(parse_duration("PT0.0001S"), {"finer than a millisecond"});
  require_invalid(parse_duration("PT1.S"), {"decimal point must be followed by digits"});
  require_invalid(parse_duration("PT1H2H"), {"out of order or repeated"});
  require_invalid(parse_duration("PTT1H"), {"'T' appears twice"});
  require_invalid(parse_duration("P2147483648D"), {"too large"});
  require_invalid(parse_duration("P178956971Y"), {"too large"});
  require_invalid(parse_duration("PT9223372036854775807H"), {"too large"});
  require_invalid(parse_duration("PT99999999999999999999S"), {"too large"});
}

TEST_CASE("durations format canonically", "[time][iso8601]") {
  CHECK(format_duration(Duration{}) == "PT0S");
  CHECK(format_duration(Duration{0, 3, 0}) == "P3D");
  CHECK(format_duration(Duration{0, 0, 4 * kHour}) == "PT4H");
  CHECK(format_duration(Duration{14, 0, 0}) == "P1Y2M");
  CHECK(format_duration(Duration{12, 0, 0}) == "P1Y");
  CHECK(format_duration(Duration{0, -1, 0}) == "-P1D");
  CHECK(format_duration(Duration{0, 21, 0}) == "P21D");
  CHECK(format_duration(Duration{0, 0, 36 * kHour}) == "PT36H");
  CHECK(format_duration(Duration{0, 0, 1500}) == "PT1.5S");
  CHECK(format_duration(Duration{0, 0, 1}) == "PT0.001S");
  CHECK(format_duration(Duration{0, 0, 61'010}) == "PT1M1.01S");
  CHECK(format_duration(Duration{14, 10, 2 * kHour + 30 * 60'000}) == "P1Y2M10DT2H30M");
  CHECK(format_duration(Duration{-14, -10, -1500}) == "-P1Y2M10DT1.5S");
  CHECK(format_duration(Duration{1, -2, 0}) == "P1M-2D");
  CHECK(format_duration(Duration{0, 1, -kHour}) == "P1DT-1H");
  CHECK(format_duration(Duration{0, 0, std::numeric_limits<std::int64_t>::min()}) ==
        "-PT2562047788015H12M55.808S");
}

TEST_CASE("canonical durations read back to the same value", "[time][iso8601]") {
  for (const char* text : {"P1Y2M10DT2H30M", "PT4H", "P3D", "-P1D", "PT1.5S", "PT0S", "P1Y",
                           "-PT0.001S", "P10DT23H59M59.999S"}) {
    INFO(text);
    CHECK(format_duration(dur(text)) == text);
  }
}

TEST_CASE("dates parse only when they exist", "[time][iso8601]") {
  CHECK(testing::day("2026-02-02").day == std::chrono::sys_days{std::chrono::days{20486}});
  CHECK(format_date(testing::day("2024-02-29")) == "2024-02-29");
  CHECK(format_date(testing::day("0000-01-01")) == "0000-01-01");
  CHECK(testing::day("0000-01-01").day == kMinDay);
  CHECK(testing::day("9999-12-31").day == kMaxDay);
  require_invalid(parse_date("2026-02-30"), {"'2026-02-30'", "2026-02 has no day 30"});
  require_invalid(parse_date("2025-02-29"), {"2025-02 has no day 29"});
  require_invalid(parse_date("2100-02-29"), {"2100-02 has no day 29"});
  require_invalid(parse_date("2026-13-01"), {"month must be 01-12"});
  require_invalid(parse_date("2026-00-01"), {"month must be 01-12"});
  require_invalid(parse_date("2026-01-00"), {"has no day 00"});
  require_invalid(parse_date("2026-1-5"), {"two-digit month"});
  require_invalid(parse_date("26-01-05"), {"four-digit year"});
  require_invalid(parse_date("20260105"), {"four-digit year and '-'"});
  require_invalid(parse_date("2026-01-05T00:00"), {"unexpected text after the date"});
  require_invalid(parse_date(""), {"four-digit year"});
}

TEST_CASE("datetimes parse with offsets, Z and fractions", "[time][iso8601]") {
  using testing::dt;
  const DateTime tehran = dt("2026-01-03T09:00:00+03:30");
  CHECK(tehran.offset_minutes == 210);
  CHECK(format_instant(tehran.at) == "2026-01-03T05:30:00Z");
  CHECK(format_datetime(tehran) == "2026-01-03T09:00:00+03:30");
  CHECK(dt("2026-01-03T05:30:00Z") == tehran);  // the same instant, whatever the offset
  CHECK(dt("2026-01-03t05:30:00z") == tehran);
  CHECK(dt("2026-01-03 05:30:00Z") == tehran);
  CHECK(dt("2026-01-03T09:00+03:30") == tehran);
  CHECK(dt("2026-01-03T09:00:00+0330") == tehran);
  CHECK(dt("2026-01-03T02:30:00-03") == tehran);
  CHECK(dt("2026-01-03T05:30:00.123Z").at == tehran.at + std::chrono::milliseconds{123});
  CHECK(dt("2026-01-03T05:30:00.1Z").at == tehran.at + std::chrono::milliseconds{100});
  CHECK(dt("2026-01-03T05:30:00.123999Z").at == tehran.at + std::chrono::milliseconds{123});
  CHECK(format_datetime(dt("2026-01-03T05:30:00.120-00:30")) == "2026-01-03T05:30:00.120-00:30");
  CHECK(format_datetime(dt("2026-01-03T05:30:00+00:00")) == "2026-01-03T05:30:00Z");
  CHECK(format_datetime(dt("0000-01-01T00:00:00Z")) == "0000-01-01T00:00:00Z");
  CHECK(format_datetime(dt("9999-12-31T23:59:59.999Z")) == "9999-12-31T23:59:59.999Z");
  CHECK(format_instant(Instant{}) == "1970-01-01T00:00:00Z");
  CHECK(format_instant(Instant{std::chrono::milliseconds{-1}}) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("datetimes without an offset are local time", "[time][iso8601]") {
  using testing::dt;
  CHECK(format_datetime(dt("2026-01-03T09:00:00")) == "2026-01-03T09:00:00Z");
  const auto* tehran = testing::zone("Asia/Tehran");
  CHECK(format_datetime(dt("2026-01-03T09:00:00", tehran)) == "2026-01-03T09:00:00+03:30");
  const auto* berlin = testing::zone("Europe/Berlin");
  CHECK(format_datetime(dt("2026-07-01T12:00:00", berlin)) == "2026-07-01T12:00:00+02:00");
  CHECK(format_datetime(dt("2026-01-01T12:00:00", berlin)) == "2026-01-01T12:00:00+01:00");
  // Spring forward at 02:00 -> 03:00: a skipped time is read with the offset before the gap.
  CHECK(format_datetime(dt("2026-03-29T02:30:00", berlin)) == "2026-03-29T03:30:00+02:00");
  // Fall back at 03:00 -> 02:00: a repeated time is the earlier one.
  CHECK(format_datetime(dt("2026-10-25T02:30:00", berlin)) == "2026-10-25T02:30:00+02:00");
  CHECK(format_instant(dt("2026-10-25T02:30:00", berlin).at) == "2026-10-25T00:30:00Z");
  // An explicit offset wins over the zone.
  CHECK(format_datetime(dt("2026-01-01T12:00:00Z", berlin)) == "2026-01-01T12:00:00Z");
}

TEST_CASE("bad datetimes are refused naming the fault", "[time][iso8601]") {
  require_invalid(parse_datetime("2026-01-03", nullptr), {"'2026-01-03'", "expected 'T'"});
  require_invalid(parse_datetime("2026-02-30T00:00:00Z", nullptr), {"2026-02 has no day 30"});
  require_invalid(parse_datetime("2026-01-03T24:00:00Z", nullptr), {"hour must be 00-23"});
  require_invalid(parse_datetime("2026-01-03T09:60:00Z", nullptr), {"minute must be 00-59"});
  require_invalid(parse_datetime("2026-01-03T09:00:60Z", nullptr), {"no leap seconds"});
  require_invalid(parse_datetime("2026-01-03T9:00:00Z", nullptr), {"HH:MM"});
  require_invalid(parse_datetime("2026-01-03T09:00:00.Z", nullptr), {"digits after the decimal"});
  require_invalid(parse_datetime("2026-01-03T09:00:00+24:00", nullptr), {"within ±23:59"});
  require_invalid(parse_datetime("2026-01-03T09:00:00+03:60", nullptr), {"within ±23:59"});
  require_invalid(parse_datetime("2026-01-03T09:00:00+3", nullptr), {"+HH:MM"});
  require_invalid(parse_datetime("2026-01-03T09:00:00 UTC", nullptr),
                  {"expected 'Z' or an offset"});
  require_invalid(parse_datetime("2026-01-03T09:00:00Zjunk", nullptr), {"unexpected text"});
  require_invalid(parse_datetime("2026-01-03T09:00:00+03:30x", nullptr), {"unexpected text"});
}

}  // namespace
}  // namespace crmflow::time
