// Persian text: names and templates load as written, and a problem after Persian text is
// reported at its column counted in characters, not bytes.
#include <catch2/catch.hpp>
#include <string>

#include "crmflow/process.hpp"
#include "expr/template.hpp"
#include "model/definition.hpp"

namespace {

std::string all_messages(const crmflow::LoadOutcome& outcome) {
  std::string out;
  for (const auto& d : outcome.diagnostics) out += d.format() + "\n";
  return out;
}

}  // namespace

TEST_CASE("Persian names, ids and templates load as written", "[loader][persian]") {
  const auto outcome = crmflow::load_process(R"Y(process: tamir
name: تعمیر گوشی
templates:
  aamade: "{{ customer.name }} گرامی، گوشی {{ device }} آماده است."
steps:
  - id: پذیرش
    type: user
    name: پذیرش گوشی
    notify: [{on: complete, channel: sms, to: "{{ customer.phone }}", template: aamade}]
    next: تحویل
  - id: تحویل
    type: end
)Y",
                                             "fa.yaml");
  INFO(all_messages(outcome));
  REQUIRE(outcome.ok());
  const auto& d = outcome.process->definition();
  CHECK(d.name == "تعمیر گوشی");
  CHECK(d.steps[0].id == "پذیرش");
  CHECK(d.steps[0].name == "پذیرش گوشی");
  CHECK(d.templates[0].text->text() == "{{ customer.name }} گرامی، گوشی {{ device }} آماده است.");
  CHECK(d.find_step("تحویل") == 1u);
  CHECK(outcome.process->step_ids() == std::vector<std::string>{"پذیرش", "تحویل"});
}

TEST_CASE("an error after Persian text is at its character column", "[loader][persian]") {
  // The expression `amount * ` lacks its right operand: the problem is the `}}` after the `*`,
  // character 57 of the line (byte 72: each Persian letter takes two bytes).
  const auto outcome = crmflow::load_process(R"Y(process: p
templates:
  t: "مشتری گرامی {{ customer.name }}، مبلغ {{ amount * }} ریال"
steps:
  - {id: پذیرش, type: user, priorty: 3}
)Y",
                                             "fa.yaml");
  INFO(all_messages(outcome));
  REQUIRE(outcome.diagnostics.size() == 2);
  CHECK(outcome.diagnostics[0].line == 3);
  CHECK(outcome.diagnostics[0].column == 57);
  CHECK_THAT(outcome.diagnostics[0].message,
             Catch::Matchers::Contains("template 't': bad {{ }} expression in 'text'"));
  CHECK(outcome.diagnostics[1].line == 5);
  CHECK(outcome.diagnostics[1].column == 29);
  CHECK(outcome.diagnostics[1].message ==
        "step 'پذیرش': unknown field 'priorty' (did you mean 'priority'?)");
}
