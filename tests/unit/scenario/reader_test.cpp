#include <catch2/catch.hpp>

#include "scenario/read_scenario.hpp"

namespace crmflow::scenario {
namespace {

TEST_CASE("placeholder", "[scenario]") {
  std::vector<Diagnostic> problems;
  auto file = read_scenario("scenarios: []\n", "s.yaml", problems);
  CHECK_FALSE(file);
}

}  // namespace
}  // namespace crmflow::scenario
