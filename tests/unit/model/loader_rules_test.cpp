// Each loader rule: the problem is found, reported at its place, with a message that names the
// step and says what to do; and every problem of a file is reported at once.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "crmflow/process.hpp"

namespace {

struct Expected {
  std::uint32_t line;
  std::uint32_t column;
  std::string text;  // a substring of the message
};

std::string all_messages(const std::vector<crmflow::Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.format() + "\n";
  return out;
}

// Loads `text` and requires exactly the expected diagnostics, in order.
void expect_problems(const std::string& text, const std::vector<Expected>& expected,
                     const crmflow::LoadOptions& options = {}) {
  const auto outcome = crmflow::load_process(text, "rules.yaml", options);
  INFO(all_messages(outcome.diagnostics));
  CHECK_FALSE(outcome.ok());
  REQUIRE(outcome.diagnostics.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& d = outcome.diagnostics[i];
    CHECK(d.file == "rules.yaml");
    CHECK(d.line == expected[i].line);
    CHECK(d.column == expected[i].column);
    CHECK_THAT(d.message, Catch::Matchers::Contains(expected[i].text));
  }
}

}  // namespace

TEST_CASE("a YAML syntax error is a diagnostic with its place", "[loader][rules]") {
  expect_problems("process: p\nsteps:\n  - {id: a, type: user\n", {{4, 1, ""}});
}

TEST_CASE("duplicate keys are refused by the reader", "[loader][rules]") {
  expect_problems("process: p\nprocess: q\nsteps: [{id: a, type: user}]\n", {{2, 1, "duplicate"}});
}

TEST_CASE("process fields", "[loader][rules]") {
  expect_problems("name: x\nsteps: [{id: a, type: user}]\n",
                  {{1, 1, "process: 'process' is required"}});
  expect_problems("process: Phone Repair\nsteps: [{id: a, type: user}]\n",
                  {{1, 10, "the id 'Phone Repair' is not valid"}});
  expect_problems("process: " + std::string(65, 'a') + "\nsteps: [{id: a, type: user}]\n",
                  {{1, 10, "at most 64 characters"}});
  expect_problems("process: p\nversion: two\nsteps: [{id: a, type: user}]\n",
                  {{2, 10, "'version' must be an integer of at least 1, not \"two\""}});
  expect_problems("process: p\nstep: []\n", {{1, 1, "'steps' is required"},
                                             {2, 1,
                                              "unknown field 'step' (did you mean "
                                              "'steps'?)"}});
  expect_problems("process: p\nsteps: []\n", {{2, 8, "'steps' is empty"}});
  expect_problems("- a\n- b\n", {{1, 1, "the document must be a map"}});
}

TEST_CASE("step ids: required, unique across subprocesses", "[loader][rules]") {
  expect_problems(
      R"Y(process: p
steps:
  - {type: user}
  - id: a
    type: subprocess
    steps:
      - {id: a, type: user}
)Y",
      {{3, 5, "'id' is required"}, {7, 14, "step id 'a' is used twice (first at line 4)"}});
}

TEST_CASE("step types", "[loader][rules]") {
  expect_problems("process: p\nsteps:\n  - {id: a, type: usr}\n",
                  {{3, 19, "step 'a': unknown step type 'usr' (did you mean 'user'?)"}});
  expect_problems("process: p\nsteps:\n  - {id: a}\n", {{3, 5, "step 'a': 'type' is required"}});
  expect_problems("process: p\nsteps:\n  - {id: a, type: user}\n  - {id: s, type: start}\n",
                  {{4, 5, "step 's': a start step must be the first step of its list"}});
}

TEST_CASE("unknown fields and fields of another step type", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - id: diagnose
    type: user
    asignee: ali
  - id: call-it
    type: service
    handler: h
    assignee: ali
    colour: red
)Y",
                  {{5, 5, "step 'diagnose': unknown field 'asignee' (did you mean 'assignee'?)"},
                   {9, 5,
                    "step 'call-it': 'assignee' is not allowed on a service step; it belongs "
                    "on a user step"},
                   {10, 5, "step 'call-it': unknown field 'colour'"}});
}

TEST_CASE("wrong field types name the value", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - {id: x, type: user, priority: high, progress: 101}
  - {id: y, type: service, handler: h, retries: -1, retry_backoff: PT0S}
  - {id: z, type: end, terminate: yes}
)Y",
                  {{3, 35, "step 'x': 'priority' must be an integer from 0 to 100, not \"high\""},
                   {3, 51, "step 'x': 'progress' must be an integer from 0 to 100, not 101"},
                   {4, 49, "step 'y': 'retries' must be an integer from 0 to 1000, not -1"},
                   {4, 68, "'retry_backoff' must be longer than zero"},
                   {5, 35,
                    "'terminate' must be true or false, not \"yes\" (only true and false "
                    "are booleans in YAML 1.2)"}});
}

TEST_CASE("required fields per step type", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - {id: s, type: service}
  - {id: c, type: call}
  - {id: t, type: set}
  - {id: w, type: wait}
  - {id: w2, type: wait, signal: x, message: {name: m}}
  - {id: sub, type: subprocess}
)Y",
                  {{3, 5, "step 's': 'handler' is required"},
                   {4, 5, "step 'c': 'process' is required"},
                   {5, 5, "step 't': 'set' is required"},
                   {6, 5,
                    "step 'w': a wait step needs exactly one of 'timer', 'message' or "
                    "'signal'"},
                   {7, 5, "not several"},
                   {8, 5, "step 'sub': 'steps' is required"}});
}

TEST_CASE("next: unknown targets, forms, defaults", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - {id: a, type: user, next: reapir}
  - {id: repair, type: user, next: [a, b]}
  - id: b
    type: exclusive
    next:
      - {to: a, default: true}
      - {to: repair, default: true}
      - {to: c}
  - {id: c, type: parallel, next: [{to: a, when: "x > 1"}]}
  - {id: d, type: end, next: a}
)Y",
                  {{3, 31, "step 'a': 'next' names no step 'reapir' (did you mean 'repair'?)"},
                   {4, 36,
                    "'next' may be a list of step ids only on a parallel, inclusive or "
                    "event step"},
                   {9, 9, "more than one default branch (the first is at line 8)"},
                   {10, 9, "the branch to 'c' needs 'when: CONDITION', or 'default: true'"},
                   {11, 35, "a parallel step follows all of its 'next'"},
                   {12, 30, "an end step ends its branch: remove 'next'"}});
}

TEST_CASE("a flow cannot enter or leave a subprocess", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - {id: a, type: user, next: inner}
  - id: sub
    type: subprocess
    steps:
      - {id: inner, type: user, next: a}
)Y",
                  {{3, 31,
                    "'next' goes to 'inner', which is inside subprocess 'sub' while this "
                    "step is at the top level"},
                   {7, 39, "a flow cannot enter or leave a subprocess"}});
}

TEST_CASE("durations and dates name the text", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - {id: a, type: user, due: 4 hours}
  - {id: b, type: wait, timer: -P1D}
  - {id: c, type: wait, timer: {date: tomorrow}}
  - {id: d, type: wait, timer: {cycle: R3/P1D}}
)Y",
                  {{3, 30, "step 'a': 'due' is not a valid duration"},
                   {4, 32, "'timer' must not be negative, not \"-P1D\""},
                   {5, 39, "'date' must be a date or datetime"},
                   {6, 40, "'cycle' is allowed only on a non-interrupting boundary timer"}});
}

TEST_CASE("bad expressions are reported at the column inside the expression", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - id: a
    type: exclusive
    next:
      - {to: b, when: "cost >> 3"}
      - {to: b2, default: true}
  - {id: b, type: set, set: {total: "= price * * qty"}}
  - {id: b2, type: end}
)Y",
                  {{6, 30, "step 'a': bad expression in 'when'"},
                   {8, 48, "step 'b': bad expression in 'set.total'"}});
}

TEST_CASE("templates in text fields are checked", "[loader][rules]") {
  expect_problems(R"Y(process: p
templates:
  broken: "Hello {{ name"
steps:
  - {id: a, type: send, notify: [{channel: sms, to: "{{ phone", text: hi}]}
)Y",
                  {{3, 18, "template 'broken': bad {{ }} expression in 'text'"},
                   {5, 54, "step 'a': bad {{ }} expression in 'to'"}});
}

TEST_CASE("notify entries", "[loader][rules]") {
  expect_problems(R"Y(process: p
templates:
  ready: "ready"
  mail: {email: {subject: s, body: b}}
steps:
  - id: a
    type: service
    handler: h
    notify:
      - {channel: sms, to: "0912", template: redy}
      - {channel: sms, to: "0912", text: a, template: ready}
      - {channel: sms, to: assignee, text: hi}
      - {on: leave, channel: sms, to: "0912", text: hi}
      - {channel: sms, to: "0912", subject: s}
      - {channel: sms, to: "0912", template: mail}
      - {on: timeout, channel: sms, to: "0912", text: hi}
      - {to: "0912", text: hi}
)Y",
                  {{10, 46, "unknown template 'redy' (did you mean 'ready'?)"},
                   {11, 9, "exactly one of 'template', 'text', or 'subject' with 'body'"},
                   {12, 28, "'to: assignee' needs a user step; a service step has no assignee"},
                   {13, 14, "'on' must be enter, complete or timeout, not \"leave\""},
                   {14, 9, "'subject' and 'body' go together"},
                   {15, 46, "template 'mail' has no form for channel 'sms'"},
                   {16, 9, "a notification 'on: timeout' needs a boundary timer on this step"},
                   {17, 9, "'channel' is required"}});
}

TEST_CASE("alarms", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - id: a
    type: user
    alarms:
      - {before_due: PT1H, notify: {channel: sms, to: assignee, text: x}}
      - {after: PT1H, overdue: true, escalate: {priority: 90}}
      - {after: PT1H}
      - {after: PT1H, times: 3, escalate: {groups: [g]}}
      - {after: PT1H, escalate: {}}
      - {at_due: false, escalate: {priority: 1}}
)Y",
                  {{6, 22,
                    "this alarm counts from the task's due moment, but the step has no "
                    "'due'"},
                   {7, 9, "exactly one of 'after', 'before_due', 'at_due' or 'overdue'"},
                   {8, 9, "an alarm needs 'notify' and/or 'escalate'"},
                   {9, 30, "'times' repeats the alarm, so it needs 'every'"},
                   {10, 33, "'escalate' needs 'assignee', 'groups' and/or 'priority'"},
                   {11, 18, "'at_due' can only be true"},
                   {11, 18, "this alarm counts from the task's due moment"}});
}

TEST_CASE("boundary events", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - id: a
    type: send
    boundary: [{timer: P1D, next: b}]
  - id: b
    type: user
    boundary:
      - {timer: {cycle: R3/P1D}, next: c}
      - {timer: P1D, message: {name: m}, next: c}
      - {error: BAD}
      - {message: {key: x}, next: c}
  - {id: w, type: wait, message: {name: m}, boundary: [{timer: P1D, next: c}]}
  - {id: c, type: end}
)Y",
                  {{5, 5, "'boundary' is not allowed on a send step"},
                   {9, 17,
                    "a 'cycle' timer fires repeatedly, so its boundary needs "
                    "'interrupting: false'"},
                   {10, 9, "exactly one of 'timer', 'message' or 'error'"},
                   {11, 9, "'next' is required"},
                   {12, 19, "'name' is required"},
                   {13, 55,
                    "'boundary' is allowed on a wait step only when it waits for a "
                    "timer"}});
}

TEST_CASE("multi-instance fields", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - {id: a, type: user, as: supplier}
  - {id: b, type: send, for_each: items}
  - {id: c, type: user, for_each: "items[", collect: {into: x}}
)Y",
                  {{3, 29, "'as' belongs to a multi-instance step: add 'for_each'"},
                   {4, 25, "'for_each' is not allowed on a send step"},
                   {5, 42, "bad expression in 'for_each'"},
                   {5, 54, "'value' is required"}});
}

TEST_CASE("variables, templates and triggers", "[loader][rules]") {
  expect_problems(R"Y(process: p
variables:
  cost: {type: integr}
  when: {type: date, default: tomorrow}
  n: {type: number, default: "12", colour: red}
templates:
  t: {sms: hi, fax: x}
triggers:
  - {cron: "0 25 * * *"}
  - {cron: "0 9 * * *", timezone: Mars/Olympus}
  - {timer: {cycle: "R/soon/P1D"}}
  - {message: a, cron: "* * * * *"}
steps: [{id: a, type: user}]
)Y",
                  {{3, 16, "variable 'cost': unknown type 'integr' (did you mean 'integer'?)"},
                   {4, 31, "variable 'when': the default \"tomorrow\" is not a date"},
                   {5, 30, "the default \"12\" is not a number"},
                   {5, 36, "variable 'n': unknown field 'colour'"},
                   {7, 16, "template 't': unknown field 'fax'"},
                   {9, 12, "trigger 1: cron '0 25 * * *': hour field"},
                   {10, 35, "trigger 2: unknown time zone 'Mars/Olympus'"},
                   {11, 21, "trigger 3: 'cycle' is not a valid repeating interval"},
                   {12, 5, "trigger 4: give exactly one of 'timer', 'cron' or 'message'"}});
}

TEST_CASE("calendar names are checked when the host lists them", "[loader][rules]") {
  crmflow::LoadOptions options;
  options.calendars = std::vector<std::string>{"office", "factory"};
  expect_problems("process: p\ncalendar: ofice\nsteps: [{id: a, type: user}]\n",
                  {{2, 11, "unknown calendar 'ofice' (did you mean 'office'?)"}}, options);
  expect_problems("process: p\nsteps: [{id: a, type: wait, timer: P1D, calendar: factroy}]\n",
                  {{2, 51, "step 'a': unknown calendar 'factroy' (did you mean 'factory'?)"}},
                  options);
  CHECK(
      crmflow::load_process("process: p\ncalendar: ofice\nsteps: [{id: a, type: user}]\n", "x.yaml")
          .ok());
}

TEST_CASE("graph rules run after the loader's and are sorted with them", "[loader][rules]") {
  const auto outcome = crmflow::load_process(R"Y(process: p
steps:
  - {id: a, type: user, next: c, priority: high}
  - {id: b, type: user}
  - {id: c, type: end}
)Y",
                                             "g.yaml");
  INFO(all_messages(outcome.diagnostics));
  REQUIRE(outcome.diagnostics.size() == 2);
  CHECK(outcome.diagnostics[0].line == 3);
  CHECK_THAT(outcome.diagnostics[0].message, Catch::Matchers::Contains("'priority'"));
  CHECK(outcome.diagnostics[1].line == 4);
  CHECK_THAT(outcome.diagnostics[1].message, Catch::Matchers::Contains("'b'"));
}

TEST_CASE("limits: size and step count", "[loader][rules]") {
  std::string big = "process: p\ndescription: \"" + std::string(4 * 1024 * 1024, 'x') +
                    "\"\nsteps: [{id: a, type: user}]\n";
  const auto outcome = crmflow::load_process(big, "big.yaml");
  REQUIRE(outcome.diagnostics.size() == 1);
  // At the first byte past the limit.
  CHECK(outcome.diagnostics[0].line == 2);
  CHECK(outcome.diagnostics[0].column == 4 * 1024 * 1024 - 11 + 1);
  CHECK_THAT(outcome.diagnostics[0].message, Catch::Matchers::Contains("the limit is 4.0 MiB"));

  std::string many = "process: p\nsteps:\n";
  for (int i = 0; i <= 10'000; ++i)
    many += "  - {id: s" + std::to_string(i) + ", type: set, set: {}}\n";
  const auto too_many = crmflow::load_process(many, "many.yaml");
  REQUIRE(too_many.diagnostics.size() == 1);
  CHECK(too_many.diagnostics[0].line == 10'003);
  CHECK_THAT(too_many.diagnostics[0].message, Catch::Matchers::Contains("more than 10000 steps"));
}

TEST_CASE("next: empty list, mixed forms, a target twice", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - {id: a, type: parallel, next: []}
  - {id: b, type: inclusive, next: [c, {to: c, when: "x"}]}
  - {id: c, type: parallel, next: [d, d]}
  - {id: d, type: exclusive, next: {to: c}}
)Y",
                  {{3, 35, "'next' is an empty list"},
                   {4, 36, "'next' mixes step ids and branches"},
                   {5, 39, "'next' names 'd' twice"},
                   {6, 36, "'next' must be a step id, a list of step ids, or a list of branches"}});
}

TEST_CASE("a value the YAML schema refuses is reported", "[loader][rules]") {
  expect_problems("process: p\nsteps:\n  - {id: a, type: user, priority: !!int high}\n",
                  {{3, 35, "!!int"}, {3, 35, "'priority' must be an integer from 0 to 100"}});
}

TEST_CASE("conditions: a YAML boolean and a leading '=' are expressions too", "[loader][rules]") {
  const auto outcome = crmflow::load_process(R"Y(process: p
steps:
  - id: a
    type: exclusive
    next:
      - {to: b, when: true}
      - {to: c, when: "= cost > 3"}
  - {id: b, type: end}
  - {id: c, type: end}
)Y",
                                             "c.yaml");
  INFO(all_messages(outcome.diagnostics));
  REQUIRE(outcome.ok());
}

TEST_CASE("end, call and multi-instance details", "[loader][rules]") {
  expect_problems(R"Y(process: p
steps:
  - {id: a, type: call, process: billing, version: 0}
  - {id: b, type: user, for_each: items, as: a.b}
  - {id: c, type: end, terminate: true, error: BAD}
)Y",
                  {{3, 52, "'version' must be an integer of at least 1, not 0"},
                   {4, 46, "'as' must be a plain variable name"},
                   {5, 5, "an end step either terminates or throws an error, not both"}});
}
