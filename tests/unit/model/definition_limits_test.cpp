// DefinitionLimits (include/crmflow/process.hpp): each bound is the host's to set, and each
// refusal is one diagnostic at the place the bound was passed that names the limit and its value.
#include <catch2/catch.hpp>
#include <string>

#include "crmflow/process.hpp"

namespace {

using Catch::Matchers::Contains;

std::string messages(const crmflow::LoadOutcome& outcome) {
  std::string out;
  for (const auto& d : outcome.diagnostics) out += d.format() + "\n";
  return out;
}

crmflow::LoadOutcome load(const std::string& text, const crmflow::DefinitionLimits& limits) {
  crmflow::LoadOptions options;
  options.limits = limits;
  return crmflow::load_process(text, "limits.yaml", options);
}

// Requires that `text` loads within `limits`.
void require_loads(const std::string& text, const crmflow::DefinitionLimits& limits) {
  const auto outcome = load(text, limits);
  INFO(messages(outcome));
  REQUIRE(outcome.ok());
}

// A valid process of `steps` set steps.
std::string process_of(int steps) {
  std::string text = "process: p\nsteps:\n";
  for (int i = 0; i < steps; ++i)
    text += "  - {id: s" + std::to_string(i) + ", type: set, set: {}}\n";
  return text;
}

}  // namespace

TEST_CASE("DefinitionLimits: the defaults", "[loader][limits]") {
  const crmflow::DefinitionLimits limits;
  CHECK(limits.max_bytes == 4 * 1024 * 1024);
  CHECK(limits.max_steps == 10'000);
  CHECK(limits.max_yaml_depth == 256);
  CHECK(limits.max_alias_nodes == 10'000);
  CHECK(limits.max_expression_bytes == 64 * 1024);
  CHECK(limits.max_expression_depth == 200);
  CHECK(limits.max_retries == 1000);
}

TEST_CASE("DefinitionLimits: max_bytes, at the first byte past it", "[loader][limits]") {
  const std::string text = process_of(3);
  require_loads(text, {.max_bytes = text.size()});
  const auto outcome = load(text, {.max_bytes = 20});
  INFO(messages(outcome));
  REQUIRE(outcome.diagnostics.size() == 1);
  // "process: p\nsteps:\n" is 18 bytes: byte 20 is the third character of line 3.
  CHECK(outcome.diagnostics[0].line == 3);
  CHECK(outcome.diagnostics[0].column == 3);
  CHECK_THAT(outcome.diagnostics[0].message, Contains("(max_bytes = 20)"));
  CHECK_THAT(outcome.diagnostics[0].message, Contains(std::to_string(text.size()) + " bytes"));
}

TEST_CASE("DefinitionLimits: max_bytes counts the column in characters", "[loader][limits]") {
  const std::string text = "process: p\nname: \"تعمیر گوشی\"\nsteps: [{id: a, type: user}]\n";
  // Line 2 starts at byte 11; `name: "` is 7 bytes, then 2-byte letters: byte 11 + 7 + 4 is the
  // third letter, the 10th character of the line.
  const auto outcome = load(text, {.max_bytes = 11 + 7 + 4});
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].line == 2);
  CHECK(outcome.diagnostics[0].column == 10);
}

TEST_CASE("DefinitionLimits: max_steps", "[loader][limits]") {
  require_loads(process_of(5), {.max_steps = 5});
  const auto outcome = load(process_of(6), {.max_steps = 5});
  INFO(messages(outcome));
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].line == 8);  // the sixth step
  CHECK(outcome.diagnostics[0].column == 5);
  CHECK_THAT(outcome.diagnostics[0].message, Contains("more than 5 steps (limit max_steps = 5)"));
}

TEST_CASE("DefinitionLimits: max_steps counts subprocess steps", "[loader][limits]") {
  const std::string text = R"(process: p
steps:
  - id: sub
    type: subprocess
    steps:
      - {id: a, type: set, set: {}}
      - {id: b, type: set, set: {}}
)";
  require_loads(text, {.max_steps = 3});
  const auto outcome = load(text, {.max_steps = 2});
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].line == 7);
  CHECK_THAT(outcome.diagnostics[0].message, Contains("limit max_steps = 2"));
}

TEST_CASE("DefinitionLimits: max_yaml_depth", "[loader][limits]") {
  // The document, `steps`, the step, `set`, then two lists: six levels.
  const std::string text = "process: p\nsteps:\n  - {id: a, type: set, set: {x: [[1]]}}\n";
  require_loads(text, {.max_yaml_depth = 6});
  const auto outcome = load(text, {.max_yaml_depth = 5});
  INFO(messages(outcome));
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].line == 3);
  CHECK(outcome.diagnostics[0].column == 34);  // the inner list opens the sixth level
  CHECK_THAT(outcome.diagnostics[0].message,
             Contains("nest deeper than 5 levels (limit max_yaml_depth = 5)"));
}

TEST_CASE("DefinitionLimits: max_alias_nodes", "[loader][limits]") {
  const std::string text = R"(process: p
templates:
  base: &t "hello"
steps:
  - {id: a, type: user, name: *t}
  - {id: b, type: user, name: *t}
)";
  require_loads(text, {.max_alias_nodes = 2});
  const auto outcome = load(text, {.max_alias_nodes = 1});
  INFO(messages(outcome));
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].line == 6);
  CHECK(outcome.diagnostics[0].column == 31);  // the second *t
  CHECK_THAT(outcome.diagnostics[0].message, Contains("limit max_alias_nodes = 1"));
}

TEST_CASE("DefinitionLimits: max_expression_bytes, in conditions, values and templates",
          "[loader][limits]") {
  const std::string text = R"(process: p
steps:
  - {id: a, type: set, set: {x: "= 1 + 2 + 3"}}
  - id: b
    type: exclusive
    next:
      - {to: c, when: "x > 100000"}
      - {to: d, default: true}
  - {id: c, type: user, name: "{{ x + 1000000 }}"}
  - {id: d, type: end}
)";
  // " 1 + 2 + 3" and "x > 100000" are 10 bytes, " x + 1000000 " 13.
  require_loads(text, {.max_expression_bytes = 13});
  const auto outcome = load(text, {.max_expression_bytes = 9});
  INFO(messages(outcome));
  REQUIRE(outcome.diagnostics.size() == 3);
  CHECK(outcome.diagnostics[0].line == 3);
  CHECK(outcome.diagnostics[1].line == 7);
  CHECK(outcome.diagnostics[2].line == 9);
  for (const auto& d : outcome.diagnostics) {
    CHECK_THAT(d.message, Contains("limit max_expression_bytes = 9"));
  }
}

TEST_CASE("DefinitionLimits: max_expression_depth", "[loader][limits]") {
  // Four parentheses and the number inside them: five levels.
  const std::string text =
      "process: p\nsteps:\n  - {id: a, type: set, set: {x: \"= ((((1))))\"}}\n";
  require_loads(text, {.max_expression_depth = 5});
  const auto outcome = load(text, {.max_expression_depth = 4});
  INFO(messages(outcome));
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].line == 3);
  CHECK(outcome.diagnostics[0].column == 40);  // the 1, at the fifth level
  CHECK_THAT(outcome.diagnostics[0].message,
             Contains("step 'a': bad expression in 'set.x': the expression nests deeper than 4 "
                      "levels (limit max_expression_depth = 4)"));
}

TEST_CASE("DefinitionLimits: max_retries", "[loader][limits]") {
  const std::string text = R"(process: p
steps:
  - {id: call, type: service, handler: crm, retries: 7}
)";
  require_loads(text, {.max_retries = 7});
  const auto outcome = load(text, {.max_retries = 6});
  INFO(messages(outcome));
  REQUIRE(outcome.diagnostics.size() == 1);
  CHECK(outcome.diagnostics[0].line == 3);
  CHECK(outcome.diagnostics[0].column == 54);
  CHECK_THAT(outcome.diagnostics[0].message,
             Contains("step 'call': 'retries' is 7, more than 6 (limit max_retries = 6)"));
  // Negative counts are a range error, as before.
  const auto negative =
      load("process: p\nsteps:\n  - {id: call, type: service, handler: crm, retries: -1}\n", {});
  REQUIRE(negative.diagnostics.size() == 1);
  CHECK_THAT(negative.diagnostics[0].message, Contains("from 0 to 1000"));
}
