// Inputs that crmflow_fuzz_time (tests/fuzz/time_fuzz.cpp) found wrong; each is also replayed
// from tests/fuzz/regressions/time/ by the fuzz preset.
#include <catch2/catch.hpp>

#include "test_support.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::time {
namespace {

using testing::dt;
using testing::zone;

// lmt-offset-seconds-*.txt: Berlin kept local mean time, +00:53:28, until 1893. A reading without
// an offset was placed with the offset's seconds but carried it in whole minutes, so it read back
// 28 seconds early ("1850-06-01T11:59:32+00:53"), and 0000-01-01T00:00 read back in the year -1,
// which no parser takes.
TEST_CASE("fuzz: a local mean time offset keeps the wall-clock reading", "[time][fuzz]") {
  const date::time_zone* berlin = zone("Europe/Berlin");
  const DateTime old = dt("1850-06-01T12:00", berlin);
  CHECK(old.offset_minutes == 53);
  CHECK(format_datetime(old) == "1850-06-01T12:00:00+00:53");
  CHECK(dt(format_datetime(old)) == old);
  // to_local and from_local are each other's inverse again.
  CHECK(from_local(to_local(old.at, berlin), berlin) == old.at);

  const DateTime first = dt("0000-01-01T00:00", berlin);
  CHECK(format_datetime(first) == "0000-01-01T00:00:00+00:53");
  const auto again = parse_datetime(format_datetime(first), nullptr);
  REQUIRE(again.ok());
  CHECK(again->at == first.at);
  CHECK(again->offset_minutes == first.offset_minutes);

  // A zone west of Greenwich, in the same way (New York: -04:56:02 until 1883).
  const DateTime york = dt("1850-06-01T12:00", zone("America/New_York"));
  CHECK(format_datetime(york) == "1850-06-01T12:00:00-04:56");
  // Today's offsets are untouched.
  CHECK(format_datetime(dt("2026-03-29T02:30:00", berlin)) == "2026-03-29T03:30:00+02:00");
}

}  // namespace
}  // namespace crmflow::time
