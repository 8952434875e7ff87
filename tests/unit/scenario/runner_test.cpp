#include <catch2/catch.hpp>
#include <string>

#include "crmflow/scenario.hpp"

namespace crmflow {
namespace {

const std::string kFile =
    "processes:\n"
    "  - process: approval\n"
    "    steps:\n"
    "      - id: review\n"
    "        type: user\n"
    "        candidates: {groups: [sales]}\n"
    "      - id: done\n"
    "        type: end\n"
    "users:\n"
    "  lena: {groups: [sales]}\n"
    "  omid: {groups: [support]}\n";

TEST_CASE("passing and failing scenarios, with what differed", "[scenario][runner]") {
  const ScenarioFileOutcome outcome = run_scenario_text(
      kFile +
          "scenarios:\n"
          "  - name: ok\n"
          "    do:\n"
          "      - start: approval\n"
          "      - expect: {status: active, active: [review]}\n"
          "      - expect_error: {complete: review, by: omid, code: not_authorized}\n"
          "      - complete: review\n"
          "        by: lena\n"
          "      - expect: {status: completed, path: [review, done]}\n"
          "  - name: wrong\n"
          "    do:\n"
          "      - start: approval\n"
          "      - expect: {active: [done]}\n",
      "s.yaml");
  REQUIRE(outcome.diagnostics.empty());
  REQUIRE(outcome.scenarios.size() == 2);
  CHECK(outcome.scenarios[0].line() == "PASS ok");
  CHECK(outcome.scenarios[1].line() ==
        "FAIL wrong: line 24: expect: active: expected [done], got [review] (missing done) "
        "(unexpected review)");
  CHECK(outcome.exit_code() == 1);
}

TEST_CASE("an expect_error that is not refused fails", "[scenario][runner]") {
  const ScenarioFileOutcome outcome = run_scenario_text(
      kFile +
          "scenarios:\n"
          "  - name: s\n"
          "    do:\n"
          "      - start: approval\n"
          "      - expect_error: {complete: review, by: lena, code: not_authorized}\n",
      "s.yaml");
  REQUIRE(outcome.scenarios.size() == 1);
  CHECK_THAT(outcome.scenarios[0].failure,
             Catch::Contains("expected it to be refused with not_authorized, but it was done"));
}

TEST_CASE("a file with problems runs nothing and exits 2", "[scenario][runner]") {
  const ScenarioFileOutcome outcome =
      run_scenario_text("scenarios: [{name: s, do: [{start: nothing}]}]\n", "s.yaml");
  CHECK(outcome.scenarios.empty());
  CHECK(outcome.exit_code() == 2);
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK_THAT(outcome.diagnostics[0].message, Catch::Contains("unknown process 'nothing'"));
}

TEST_CASE("complete with no open task is refused with not_found", "[scenario][runner]") {
  const ScenarioFileOutcome outcome =
      run_scenario_text(kFile +
                            "scenarios:\n"
                            "  - name: s\n"
                            "    do:\n"
                            "      - start: approval\n"
                            "      - {complete: review, by: lena}\n"
                            "      - expect_error: {complete: review, by: lena, code: not_found}\n",
                        "s.yaml");
  REQUIRE(outcome.scenarios.size() == 1);
  CHECK(outcome.scenarios[0].line() == "PASS s");
}

}  // namespace
}  // namespace crmflow
