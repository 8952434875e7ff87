#include "crmflow/clock.hpp"

#include <catch2/catch.hpp>

namespace {

using crmflow::Instant;
using std::chrono::milliseconds;

TEST_CASE("ManualClock starts where told, advances and is set", "[time][clock]") {
  crmflow::ManualClock clock{Instant{milliseconds{1000}}};
  CHECK(clock.now() == Instant{milliseconds{1000}});
  clock.advance(std::chrono::hours{2});
  CHECK(clock.now() == Instant{milliseconds{1000 + 7'200'000}});
  clock.set(Instant{milliseconds{-5}});
  CHECK(clock.now() == Instant{milliseconds{-5}});
  const crmflow::Clock& base = clock;  // used through the interface, as the engine does
  CHECK(base.now() == Instant{milliseconds{-5}});
}

TEST_CASE("ManualClock defaults to the epoch", "[time][clock]") {
  crmflow::ManualClock clock;
  CHECK(clock.now().time_since_epoch().count() == 0);
}

TEST_CASE("SystemClock follows the wall clock to the millisecond", "[time][clock]") {
  const auto before = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  const Instant now = crmflow::SystemClock::instance().now();
  const auto after = std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
  CHECK(now >= before);
  CHECK(now <= after);
  CHECK(&crmflow::SystemClock::instance() == &crmflow::SystemClock::instance());
}

}  // namespace
