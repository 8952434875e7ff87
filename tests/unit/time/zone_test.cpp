#include "time/zone.hpp"

#include <catch2/catch.hpp>

#include "test_support.hpp"

namespace crmflow::time {
namespace {

using testing::at;
using testing::require_invalid;

TEST_CASE("zones are found by IANA name", "[time][zone]") {
  REQUIRE(find_zone("UTC").ok());
  REQUIRE(find_zone("Asia/Tehran").ok());
  REQUIRE(find_zone("America/New_York").ok());
  CHECK((*find_zone("Iran"))->name() == "Iran");  // links resolve too
  require_invalid(find_zone("Mars/Olympus"), {"unknown time zone 'Mars/Olympus'", "IANA"});
  require_invalid(find_zone("asia/tehran"), {"'asia/tehran'"});
  require_invalid(find_zone(""), {"empty"});
}

TEST_CASE("Asia/Tehran is +03:30 all year since 2022", "[time][zone]") {
  const auto* tehran = testing::zone("Asia/Tehran");
  CHECK(offset_minutes_at(at("2026-01-15T00:00:00Z"), tehran) == 210);
  CHECK(offset_minutes_at(at("2026-07-15T00:00:00Z"), tehran) == 210);
  CHECK(offset_minutes_at(at("2021-07-15T00:00:00Z"), tehran) == 270);  // DST was still kept
  CHECK(format_datetime(in_zone(at("2026-03-20T20:30:00Z"), tehran)) ==
        "2026-03-21T00:00:00+03:30");
  CHECK(local_date(at("2026-03-20T20:29:59Z"), tehran) == testing::day("2026-03-20"));
  CHECK(local_date(at("2026-03-20T20:30:00Z"), tehran) == testing::day("2026-03-21"));
}

TEST_CASE("nullptr means UTC", "[time][zone]") {
  CHECK(offset_minutes_at(at("2026-07-15T00:00:00Z"), nullptr) == 0);
  CHECK(local_date(at("2026-07-15T23:59:59Z"), nullptr) == testing::day("2026-07-15"));
  CHECK(from_local(LocalTime{at("2026-07-15T10:00:00Z").time_since_epoch()}, nullptr) ==
        at("2026-07-15T10:00:00Z"));
}

TEST_CASE("local readings resolve by the documented DST rules", "[time][zone]") {
  const auto* new_york = testing::zone("America/New_York");
  auto local = [](std::string_view text) {
    return LocalTime{at(std::string(text) + "Z").time_since_epoch()};
  };
  // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist.
  CHECK(format_datetime(in_zone(from_local(local("2026-03-08T02:30:00"), new_york), new_york)) ==
        "2026-03-08T03:30:00-04:00");
  CHECK(from_local_gap_to_transition(local("2026-03-08T02:30:00"), new_york) ==
        at("2026-03-08T07:00:00Z"));
  // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice; the earlier is chosen.
  CHECK(from_local(local("2026-11-01T01:30:00"), new_york) == at("2026-11-01T05:30:00Z"));
  CHECK(from_local_gap_to_transition(local("2026-11-01T01:30:00"), new_york) ==
        at("2026-11-01T05:30:00Z"));
  CHECK(to_local(at("2026-11-01T06:30:00Z"), new_york) == local("2026-11-01T01:30:00"));
}

}  // namespace
}  // namespace crmflow::time
