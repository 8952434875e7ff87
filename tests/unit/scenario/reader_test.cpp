#include "yaml/reader.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "scenario/in_place.hpp"
#include "scenario/read_scenario.hpp"

namespace crmflow::scenario {
namespace {

const std::string kProcess =
    "processes:\n"                             // 1
    "  - process: approval\n"                  // 2
    "    steps:\n"                             // 3
    "      - id: review\n"                     // 4
    "        type: user\n"                     // 5
    "        candidates: {groups: [sales]}\n"  // 6
    "      - id: done\n"                       // 7
    "        type: end\n";                     // 8

std::vector<Diagnostic> problems_of(const std::string& text) {
  std::vector<Diagnostic> problems;
  CHECK_FALSE(read_scenario(text, "s.yaml", problems));
  return problems;
}

TEST_CASE("a whole file is read into typed actions", "[scenario][reader]") {
  std::vector<Diagnostic> problems;
  const auto file =
      read_scenario(kProcess +
                        "clock: \"2026-01-03T09:00:00+03:30\"\n"
                        "users:\n"
                        "  lena: {groups: [sales], sms: \"+491510000001\"}\n"
                        "handlers:\n"
                        "  flaky: {fail: 2, error: TIMEOUT, then: {returns: {ok: true}}}\n"
                        "  reject: {error: CARD_DECLINED}\n"
                        "scenarios:\n"
                        "  - name: s\n"
                        "    do:\n"
                        "      - {start: approval, key: 1001, as: first, vars: {x: 1}}\n"
                        "      - {complete: review, by: lena, case: first, task: 2}\n"
                        "      - {advance: P1DT2H}\n"
                        "      - {expect_error: {cancel: true, code: invalid_state}}\n"
                        "      - expect: {active: [review], tasks: [{assignee: null}]}\n",
                    "s.yaml", problems);
  for (const auto& d : problems) INFO(d.format());
  REQUIRE(file);
  CHECK(file->processes.size() == 1);
  CHECK(file->clock.offset_minutes == 210);
  REQUIRE(file->users.size() == 1);
  CHECK(file->users[0].addresses.at("sms") == "+491510000001");
  const FakeHandler& flaky = *file->handlers.at("flaky");
  CHECK(flaky.kind == FakeHandler::Kind::fail_then);
  CHECK(flaky.failures == 2);
  CHECK(flaky.error == "TIMEOUT");
  CHECK(flaky.then->result == Value{Value::Object{{"ok", true}}});
  CHECK(file->handlers.at("reject")->kind == FakeHandler::Kind::business_error);
  const auto& actions = file->scenarios.at(0).actions;
  REQUIRE(actions.size() == 5);
  CHECK(actions[0].key == "1001");  // a number written plainly is the text
  CHECK(actions[0].alias == "first");
  CHECK(actions[1].task == 2);
  CHECK(actions[1].case_alias == "first");
  CHECK(actions[2].advance == Duration{.months = 0, .days = 1, .millis = 7'200'000});
  CHECK(actions[3].kind == ActionKind::cancel);
  CHECK(actions[3].expected_error == ErrorCode::invalid_state);
  REQUIRE(actions[4].expect);
  REQUIRE(actions[4].expect->tasks);
  REQUIRE(actions[4].expect->tasks->at(0).assignee.has_value());  // written: unassigned
  CHECK_FALSE(actions[4].expect->tasks->at(0).assignee->has_value());
}

TEST_CASE("every problem is reported with its place", "[scenario][reader]") {
  const auto problems = problems_of(kProcess +
                                    "scenarios:\n"               // 9
                                    "  - name: s\n"              // 10
                                    "    do:\n"                  // 11
                                    "      - finish: review\n"   // 12
                                    "      - start: aproval\n"   // 13
                                    "      - complete: reviw\n"  // 14
                                    "      - advance: 2h\n"      // 15
                                    "      - expect_error: {complete: review, code: denied}\n");
  // The case's process is unknown, so its steps are not checked (no cascade of problems).
  REQUIRE(problems.size() == 4);
  CHECK(problems[0].format() == "s.yaml:12:9: error: unknown action 'finish'");
  CHECK(problems[1].line == 13);
  CHECK(problems[1].column == 16);
  CHECK_THAT(problems[1].message, Catch::Contains("unknown process 'aproval' (did you mean "
                                                  "'approval'?)"));
  CHECK(problems[2].line == 15);
  CHECK_THAT(problems[2].message, Catch::Contains("ISO 8601 duration"));
  CHECK(problems[3].line == 16);
  CHECK(problems[3].column == 48);
  CHECK_THAT(problems[3].message, Catch::Contains("unknown error code \"denied\""));
}

TEST_CASE("bad YAML is one diagnostic", "[scenario][reader]") {
  const auto problems = problems_of("scenarios: [\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].file == "s.yaml");
  CHECK(problems[0].line >= 1);
}

TEST_CASE("an in-place definition's problems point into the scenario file", "[scenario][reader]") {
  const auto problems = problems_of(
      "processes:\n"
      "  - process: approval\n"
      "    steps:\n"
      "      - id: review\n"
      "        type: user\n"
      "        asignee: lena\n"
      "scenarios: [{name: s, do: [{start: approval}]}]\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].format() ==
        "s.yaml:6:9: error: step 'review': unknown field 'asignee' (did you mean 'assignee'?)");
}

TEST_CASE("in_place_text keeps lines and columns and leaves out the rest", "[scenario][reader]") {
  const std::string text =
      "processes:\n"
      "  - process: a\n"
      "    steps: []\n"
      "  - {process: b, steps: [{id: x, type: end}]}  # flow\n"
      "scenarios: []\n";
  auto doc = yaml::parse(text, "s.yaml");
  REQUIRE(doc);
  const auto& items = doc->root().find("processes")->items();
  CHECK(in_place_text(text, items[0]) == "\n    process: a\n    steps: []\n");
  CHECK(in_place_text(text, items[1]) == "\n\n\n    {process: b, steps: [{id: x, type: end}]}\n");
}

TEST_CASE("a deploy's versions count only in its own scenario", "[scenario][reader]") {
  const auto problems = problems_of(
      "scenarios:\n"
      "  - name: one\n"
      "    do:\n"
      "      - deploy: missing.yaml\n"
      "  - name: two\n"
      "    do: [{signal: go}]\n");
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0].message, Catch::Contains("cannot read the process file 'missing.yaml'"));
}

}  // namespace
}  // namespace crmflow::scenario
