#include "time/cycle.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace crmflow::time {
namespace {

using testing::at;
using testing::require_invalid;

Cycle cycle(std::string_view text, const date::time_zone* zone = nullptr) {
  auto c = Cycle::parse(text, zone);
  INFO(std::string(text));
  REQUIRE(c.ok());
  return *c;
}

std::string show(std::optional<Instant> t) { return t ? format_instant(*t) : "none"; }

TEST_CASE("a counted cycle with a start fires count times, the first at the start",
          "[time][cycle]") {
  const Cycle c = cycle("R3/2026-01-05T09:00:00Z/P1D");
  CHECK(c.count() == 3);
  REQUIRE(c.start().has_value());
  const Instant unused{};
  CHECK(show(c.occurrence(0, unused)) == "2026-01-05T09:00:00Z");
  CHECK(show(c.occurrence(2, unused)) == "2026-01-07T09:00:00Z");
  CHECK(show(c.occurrence(3, unused)) == "none");
  CHECK(show(c.occurrence(-1, unused)) == "none");
  CHECK(show(c.next_after(at("2025-12-01T00:00:00Z"), unused)) == "2026-01-05T09:00:00Z");
  CHECK(show(c.next_after(at("2026-01-05T09:00:00Z"), unused)) == "2026-01-06T09:00:00Z");
  CHECK(show(c.next_after(at("2026-01-06T08:59:59.999Z"), unused)) == "2026-01-06T09:00:00Z");
  CHECK(show(c.next_after(at("2026-01-07T09:00:00Z"), unused)) == "none");
  CHECK(c.count_through(at("2026-01-04T00:00:00Z"), unused) == 0);
  CHECK(c.count_through(at("2026-01-05T09:00:00Z"), unused) == 1);
  CHECK(c.count_through(at("2030-01-01T00:00:00Z"), unused) == 3);
  CHECK(c.to_string() == "R3/2026-01-05T09:00:00Z/P1D");
}

TEST_CASE("an unbounded cycle never ends and never loops", "[time][cycle]") {
  const Cycle c = cycle("R/2026-01-05T09:00:00Z/PT1H");
  CHECK_FALSE(c.count().has_value());
  const Instant unused{};
  CHECK(show(c.next_after(at("2026-01-05T09:30:00Z"), unused)) == "2026-01-05T10:00:00Z");
  CHECK(show(c.next_after(at("2500-06-01T00:00:00Z"), unused)) == "2500-06-01T01:00:00Z");
  CHECK(show(c.next_after(at("9999-12-31T23:30:00Z"), unused)) == "none");  // past the range
  const Cycle fine = cycle("R/2026-01-05T09:00:00Z/PT0.001S");
  CHECK(show(fine.next_after(at("9000-01-01T00:00:00Z"), unused)) == "9000-01-01T00:00:00.001Z");
  CHECK(c.to_string() == "R/2026-01-05T09:00:00Z/PT1H");
}

TEST_CASE("a cycle without a start counts from the anchor", "[time][cycle]") {
  const Cycle c = cycle("R6/P1D");
  CHECK_FALSE(c.start().has_value());
  const Instant began = at("2026-02-01T10:15:00Z");
  CHECK(show(c.occurrence(0, began)) == "2026-02-02T10:15:00Z");  // one period after
  CHECK(show(c.occurrence(5, began)) == "2026-02-07T10:15:00Z");
  CHECK(show(c.occurrence(6, began)) == "none");
  CHECK(show(c.next_after(began, began)) == "2026-02-02T10:15:00Z");
  CHECK(show(c.next_after(at("2026-02-07T10:15:00Z"), began)) == "none");
  CHECK(c.count_through(at("2026-02-04T10:15:00Z"), began) == 3);
  CHECK(c.to_string() == "R6/P1D");
  const Cycle forever = cycle("R/PT10M");
  CHECK(show(forever.next_after(at("2026-02-01T11:00:00Z"), began)) == "2026-02-01T11:05:00Z");
}

TEST_CASE("monthly cycles do not drift, and days keep the wall clock in the zone",
          "[time][cycle]") {
  const Instant unused{};
  const Cycle monthly = cycle("R/2026-01-31T09:00:00Z/P1M");
  CHECK(show(monthly.occurrence(1, unused)) == "2026-02-28T09:00:00Z");
  CHECK(show(monthly.occurrence(2, unused)) == "2026-03-31T09:00:00Z");
  CHECK(show(monthly.next_after(at("2026-04-01T00:00:00Z"), unused)) == "2026-04-30T09:00:00Z");
  CHECK(show(monthly.next_after(at("2030-02-28T09:00:00Z"), unused)) == "2030-03-31T09:00:00Z");
  const auto* berlin = testing::zone("Europe/Berlin");
  const Cycle daily = cycle("R/2026-03-27T09:00:00/P1D", berlin);
  CHECK(show(daily.occurrence(0, unused)) == "2026-03-27T08:00:00Z");
  CHECK(show(daily.occurrence(3, unused)) == "2026-03-30T07:00:00Z");  // 09:00 CEST
  CHECK(daily.to_string() == "R/2026-03-27T09:00:00+01:00/P1D");
}

TEST_CASE("a cycle from start to end repeats their distance", "[time][cycle]") {
  const Cycle c = cycle("R2/2026-01-05T09:00:00Z/2026-01-05T10:30:00Z");
  CHECK(c.period() == testing::dur("PT1H30M"));
  CHECK(show(c.occurrence(1, Instant{})) == "2026-01-05T10:30:00Z");
  CHECK(show(c.occurrence(2, Instant{})) == "none");
  const Cycle dates = cycle("R/2026-01-05/P1W");
  CHECK(show(dates.occurrence(1, Instant{})) == "2026-01-12T00:00:00Z");
  CHECK(cycle("R0/P1D").next_after(Instant{}, Instant{}) == std::nullopt);
}

TEST_CASE("bad cycles are refused naming the fault", "[time][cycle]") {
  require_invalid(Cycle::parse("P1D", nullptr), {"'P1D'", "2 or 3 parts"});
  require_invalid(Cycle::parse("X3/P1D", nullptr), {"start with 'R'"});
  require_invalid(Cycle::parse("R-1/P1D", nullptr), {"'R-1' is not a count"});
  require_invalid(Cycle::parse("R3/2026-01-05T09:00:00Z", nullptr), {"must be a period"});
  require_invalid(Cycle::parse("R3/PT0S", nullptr), {"longer than zero"});
  require_invalid(Cycle::parse("R3/-P1D", nullptr), {"longer than zero"});
  require_invalid(Cycle::parse("R3/P1D/2026-01-05T09:00:00Z", nullptr), {"PERIOD/END"});
  require_invalid(Cycle::parse("R3/2026-01-05T09:00:00Z/P1X", nullptr), {"invalid duration"});
  require_invalid(Cycle::parse("R3/2026-13-05T09:00:00Z/P1D", nullptr), {"month must be 01-12"});
  require_invalid(Cycle::parse("R2/2026-01-05T09:00:00Z/2026-01-05T09:00:00Z", nullptr),
                  {"end must lie after the start"});
  require_invalid(Cycle::parse("R2/a/b/c", nullptr), {"2 or 3 parts"});
  require_invalid(Cycle::parse("R99999999999999999999/P1D", nullptr), {"not a count"});
}

}  // namespace
}  // namespace crmflow::time
