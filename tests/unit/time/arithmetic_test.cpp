#include "time/arithmetic.hpp"

#include <catch2/catch.hpp>
#include <limits>

#include "test_support.hpp"

namespace crmflow::time {
namespace {

using testing::day;
using testing::dt;
using testing::dur;
using testing::require_invalid;

std::string plus(std::string_view date_text, std::string_view duration_text) {
  auto r = add(day(date_text), dur(duration_text));
  REQUIRE(r.ok());
  return format_date(*r);
}

std::string plus(std::string_view datetime_text, std::string_view duration_text,
                 const date::time_zone* zone) {
  auto r = add(dt(datetime_text), dur(duration_text), zone);
  REQUIRE(r.ok());
  return format_datetime(*r);
}

TEST_CASE("date plus months clamps to the end of the month", "[time][arithmetic]") {
  CHECK(plus("2026-01-31", "P1M") == "2026-02-28");
  CHECK(plus("2024-01-31", "P1M") == "2024-02-29");
  CHECK(plus("2026-03-31", "-P1M") == "2026-02-28");
  CHECK(plus("2024-02-29", "P1Y") == "2025-02-28");
  CHECK(plus("2024-02-29", "P4Y") == "2028-02-29");
  CHECK(plus("2096-02-29", "P4Y") == "2100-02-28");    // 2100 is not a leap year
  CHECK(plus("2026-01-31", "P1M1D") == "2026-03-01");  // months first, then days
  CHECK(plus("2026-12-15", "P1M") == "2027-01-15");
  CHECK(plus("2026-01-15", "-P1M") == "2025-12-15");
  CHECK(plus("2026-01-15", "P13M") == "2027-02-15");
  CHECK(plus("2026-01-15", "-P25M") == "2023-12-15");
  CHECK(plus("2026-12-31", "P1D") == "2027-01-01");
  CHECK(plus("2024-02-28", "P1D") == "2024-02-29");
  CHECK(plus("2026-02-02", "P3W") == "2026-02-23");
  CHECK(plus("2026-02-02", "PT0S") == "2026-02-02");
  auto minus = subtract(day("2026-03-31"), dur("P1M"));
  REQUIRE(minus.ok());
  CHECK(format_date(*minus) == "2026-02-28");
}

TEST_CASE("date arithmetic refuses clock parts and the edges of the range", "[time][arithmetic]") {
  require_invalid(add(day("2026-02-02"), dur("PT4H")), {"PT4H", "2026-02-02", "datetime"});
  require_invalid(add(day("9999-12-31"), dur("P1D")), {"outside 0000-01-01..9999-12-31"});
  require_invalid(add(day("0000-01-01"), dur("-P1D")), {"outside"});
  require_invalid(add(day("2026-01-01"), dur("P9000Y")), {"outside"});
  require_invalid(add(day("2026-01-01"), Duration{std::numeric_limits<std::int32_t>::max(), 0, 0}),
                  {"outside"});
  require_invalid(
      subtract(day("2026-01-01"), Duration{0, std::numeric_limits<std::int32_t>::min(), 0}),
      {"too large"});
}

TEST_CASE("datetime arithmetic keeps the wall clock for days, exact time for hours",
          "[time][arithmetic]") {
  const auto* berlin = testing::zone("Europe/Berlin");
  // Spring forward on 2026-03-29: the day has 23 hours.
  CHECK(plus("2026-03-28T10:00:00+01:00", "P1D", berlin) == "2026-03-29T10:00:00+02:00");
  CHECK(plus("2026-03-28T10:00:00+01:00", "PT24H", berlin) == "2026-03-29T11:00:00+02:00");
  // Fall back on 2026-10-25: the day has 25 hours.
  CHECK(plus("2026-10-24T10:00:00+02:00", "P1D", berlin) == "2026-10-25T10:00:00+01:00");
  CHECK(plus("2026-10-24T10:00:00+02:00", "PT24H", berlin) == "2026-10-25T09:00:00+01:00");
  // Landing in the gap moves forward by the gap; in the overlap, the earlier one.
  CHECK(plus("2026-03-28T02:30:00+01:00", "P1D", berlin) == "2026-03-29T03:30:00+02:00");
  CHECK(plus("2026-10-24T02:30:00+02:00", "P1D", berlin) == "2026-10-25T02:30:00+02:00");
  // The calendar part first, then the clock part as exact time.
  CHECK(plus("2026-03-28T01:30:00+01:00", "P1DT1H", berlin) == "2026-03-29T03:30:00+02:00");
  const auto* new_york = testing::zone("America/New_York");
  CHECK(plus("2026-03-07T12:00:00-05:00", "P1D", new_york) == "2026-03-08T12:00:00-04:00");
  CHECK(plus("2026-01-31T09:00:00-05:00", "P1M", new_york) == "2026-02-28T09:00:00-05:00");
  CHECK(plus("2026-03-08T12:00:00-04:00", "-P1D", new_york) == "2026-03-07T12:00:00-05:00");
  // Without a zone the DateTime's own offset stays fixed.
  CHECK(plus("2026-03-28T10:00:00+01:00", "P1D", nullptr) == "2026-03-29T10:00:00+01:00");
  CHECK(plus("2026-01-31T23:00:00+03:30", "P1M", nullptr) == "2026-02-28T23:00:00+03:30");
  CHECK(plus("2026-01-31T23:00:00Z", "PT1H", nullptr) == "2026-02-01T00:00:00Z");
  auto back = subtract(dt("2026-03-29T10:00:00+02:00"), dur("P1D"), berlin);
  REQUIRE(back.ok());
  CHECK(format_datetime(*back) == "2026-03-28T10:00:00+01:00");
}

TEST_CASE("instant arithmetic counts calendar parts in the zone", "[time][arithmetic]") {
  const auto* berlin = testing::zone("Europe/Berlin");
  auto r = add(testing::at("2026-03-28T09:00:00Z"), dur("P1D"), berlin);
  REQUIRE(r.ok());
  CHECK(format_instant(*r) == "2026-03-29T08:00:00Z");
  r = add(testing::at("2026-03-28T09:00:00Z"), dur("P1D"), nullptr);
  REQUIRE(r.ok());
  CHECK(format_instant(*r) == "2026-03-29T09:00:00Z");
  require_invalid(add(testing::at("9999-12-31T23:00:00Z"), dur("PT1H"), nullptr), {"outside"});
  require_invalid(add(testing::at("2026-01-01T00:00:00Z"),
                      Duration{0, 0, std::numeric_limits<std::int64_t>::max()}, nullptr),
                  {"outside"});
}

TEST_CASE("differences of dates and datetimes", "[time][arithmetic]") {
  CHECK(subtract(dt("2026-03-30T00:00:00+02:00"), dt("2026-03-28T00:00:00+01:00")) == dur("PT47H"));
  CHECK(subtract(dt("2026-01-01T00:00:00Z"), dt("2026-01-01T00:00:01.5Z")) == dur("-PT1.5S"));
  CHECK(subtract(day("2026-03-01"), day("2026-02-01")) == dur("P28D"));
  CHECK(subtract(day("2024-02-01"), day("2024-03-01")) == dur("-P29D"));
  CHECK(days_between(day("2026-01-01"), day("2027-01-01")) == 365);
  CHECK(days_between(day("2024-01-01"), day("2025-01-01")) == 366);
  CHECK(days_between(day("2026-01-05"), day("2026-01-01")) == -4);
  CHECK(days_between(day("2026-01-05"), day("2026-01-05")) == 0);
  const auto* tehran = testing::zone("Asia/Tehran");
  CHECK(days_between(testing::at("2026-01-05T20:29:00Z"), testing::at("2026-01-05T20:31:00Z"),
                     tehran) == 1);  // 23:59 to 00:01 in Tehran
  CHECK(days_between(testing::at("2026-01-05T20:29:00Z"), testing::at("2026-01-05T20:31:00Z"),
                     nullptr) == 0);
}

TEST_CASE("durations compare as FEEL does", "[time][arithmetic]") {
  using std::partial_ordering;
  CHECK(compare(dur("PT1H"), dur("PT2H")) == partial_ordering::less);
  CHECK(compare(dur("PT60M"), dur("PT1H")) == partial_ordering::equivalent);
  CHECK(compare(dur("P1D"), dur("PT24H")) == partial_ordering::equivalent);
  CHECK(compare(dur("P2D"), dur("PT47H")) == partial_ordering::greater);
  CHECK(compare(dur("-P1D"), dur("PT1S")) == partial_ordering::less);
  CHECK(compare(dur("P1Y"), dur("P12M")) == partial_ordering::equivalent);
  CHECK(compare(dur("P1Y"), dur("P11M")) == partial_ordering::greater);
  CHECK(compare(dur("P1M"), dur("P1MT1H")) == partial_ordering::less);
  CHECK(compare(dur("PT0S"), dur("P1M")) == partial_ordering::less);
  CHECK(compare(dur("-P1M"), dur("PT0S")) == partial_ordering::less);
  CHECK(compare(dur("P1M"), dur("P30D")) == partial_ordering::unordered);
  CHECK(compare(dur("P1M"), dur("PT1H")) == partial_ordering::unordered);
  CHECK(compare(dur("P1M"), dur("-P1M")) == partial_ordering::greater);
  const Duration huge{0, std::numeric_limits<std::int32_t>::max(),
                      std::numeric_limits<std::int64_t>::max()};
  CHECK(compare(huge, Duration{0, 0, std::numeric_limits<std::int64_t>::max()}) ==
        partial_ordering::greater);
}

TEST_CASE("negation, multiplication and sums are overflow-checked", "[time][arithmetic]") {
  CHECK(*negate(dur("P1Y2DT3H")) == dur("-P1Y2DT3H"));
  CHECK(*multiply(dur("P1M2DT1H"), 3) == dur("P3M6DT3H"));
  CHECK(*multiply(dur("P1D"), -2) == dur("-P2D"));
  CHECK(*multiply(dur("P1D"), 0) == Duration{});
  CHECK(*add(dur("P1M"), dur("-P1D")) == Duration{1, -1, 0});
  require_invalid(negate(Duration{std::numeric_limits<std::int32_t>::min(), 0, 0}), {"too large"});
  require_invalid(multiply(dur("P1D"), std::numeric_limits<std::int64_t>::max()),
                  {"P1D", "too large"});
  require_invalid(multiply(dur("P1M"), 1LL << 31), {"too large"});
  require_invalid(add(dur("P2147483647D"), dur("P1D")), {"too large"});
}

}  // namespace
}  // namespace crmflow::time
