// Inputs that once made the scenario reader crash, hang or grow without bound (found by the fuzz
// target tests/fuzz/scenario_fuzz.cpp or while writing it; each is also replayed under
// tests/fuzz/regressions/scenario/ by the fuzz preset).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "scenario/read_scenario.hpp"

namespace crmflow::scenario {
namespace {

// calendars-file-never-ends.yaml: a calendars path to a device that never ends was read until
// memory ran out. Now the read stops one byte past 64 MiB and says so at the `calendars` field.
TEST_CASE("fuzz: a calendars file that never ends is refused", "[scenario][fuzz]") {
  std::vector<Diagnostic> problems;
  CHECK_FALSE(read_scenario("calendars: /dev/zero\nscenarios: []\n", "s.yaml", problems));
  REQUIRE_FALSE(problems.empty());  // the first; an empty `scenarios` may be one more
  CHECK(problems[0].line == 1);
  CHECK(problems[0].column == 12);
  CHECK_THAT(problems[0].message, Catch::Contains("cannot read the calendars file '/dev/zero'") &&
                                      Catch::Contains("the file holds more than 67108864 bytes"));
}

// A process file that is not a regular file is refused before it is opened.
TEST_CASE("fuzz: a process path to a device is refused", "[scenario][fuzz]") {
  std::vector<Diagnostic> problems;
  CHECK_FALSE(read_scenario("processes: [/dev/zero]\nscenarios: []\n", "s.yaml", problems));
  REQUIRE_FALSE(problems.empty());
  CHECK(problems[0].line == 1);
  CHECK_THAT(problems[0].message, Catch::Contains("'/dev/zero' (not a file)"));
}

}  // namespace
}  // namespace crmflow::scenario
