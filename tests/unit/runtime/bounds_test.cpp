// The engine's bounds (EngineLimits): data brought in by a call is refused with invalid_input
// naming the limit, the size and the place, and changes nothing; data a run produces on its own
// raises an incident at its step and is not written; runaway notification loops stop.
#include <catch2/catch.hpp>
#include <string>

#include "crmflow/clock.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/memory_store.hpp"
#include "crmflow/process.hpp"

namespace crmflow::test {
namespace {

// An engine with small bounds, and helpers.
struct Bounded {
  explicit Bounded(EngineLimits limits)
      : engine{store, EngineOptions{.clock = &clock, .directory = &directory, .limits = limits}} {
    directory.add_user("ali", {"reception"});
  }

  void deploy(const std::string& yaml) {
    LoadOutcome outcome = load_process(yaml, "bounds.yaml");
    std::string messages;
    for (const Diagnostic& d : outcome.diagnostics) messages += d.format() + "\n";
    INFO(messages);
    REQUIRE(outcome.ok());
    REQUIRE(engine.deploy(outcome.process).ok());
  }
  CaseId start(const std::string& process, Value vars = {}) {
    auto id = engine.start(process, StartOptions{.key = "K", .vars = std::move(vars)});
    INFO((id.ok() ? std::string{} : to_string(id.error())));
    REQUIRE(id.ok());
    return *id;
  }
  Case get(CaseId id) {
    auto c = engine.get_case(id);
    REQUIRE(c.ok());
    return *c;
  }
  std::size_t events(CaseId id) { return engine.history(id)->size(); }

  MemoryStore store;
  ManualClock clock{Instant{std::chrono::milliseconds{1'767'225'600'000}}};
  MemoryDirectory directory;
  Engine engine;
};

EngineLimits small_variables() {
  EngineLimits limits;
  limits.max_variables_bytes = 200;
  limits.max_value_depth = 3;
  return limits;
}

Value nested(int depth) {
  Value v = 1;
  for (int i = 0; i < depth; ++i) v = Value::List{v};
  return v;
}

const char* const kForm = R"yaml(
process: form
steps:
  - id: fill
    type: user
    candidates: {groups: [reception]}
  - id: reply
    type: wait
    message: {name: reply, key: "{{ case.key }}"}
  - {id: done, type: end}
)yaml";

void check_refusal(const Error& error, const std::string& where, const std::string& limit) {
  CHECK(error.code == ErrorCode::invalid_input);
  CHECK_THAT(error.message, Catch::Contains(where) && Catch::Contains(limit));
}

TEST_CASE("bounds: start refuses variables too large or too deep, and starts nothing",
          "[runtime][bounds]") {
  Bounded b{small_variables()};
  b.deploy(kForm);
  auto large =
      b.engine.start("form", StartOptions{.vars = Value::Object{{"note", std::string(300, 'x')}}});
  REQUIRE_FALSE(large.ok());
  check_refusal(large.error(), "start of process 'form'", "max_variables_bytes");
  CHECK_THAT(large.error().message, Catch::Contains("200"));
  auto deep = b.engine.start("form", StartOptions{.vars = Value::Object{{"tree", nested(3)}}});
  REQUIRE_FALSE(deep.ok());
  check_refusal(deep.error(), "start of process 'form'", "max_value_depth");
  CHECK(b.engine.cases()->empty());
  // Within the bounds: depth 3 in all (the object and two lists).
  CHECK(b.engine.start("form", StartOptions{.vars = Value::Object{{"tree", nested(2)}}}).ok());
}

TEST_CASE("bounds: complete refuses a submission that makes the variables too large",
          "[runtime][bounds]") {
  Bounded b{small_variables()};
  b.deploy(kForm);
  const CaseId id = b.start("form", Value::Object{{"note", std::string(100, 'x')}});
  const Task task = b.engine.tasks(TaskQuery{.case_id = id})->front();
  const std::size_t before = b.events(id);
  auto refused = b.engine.complete(
      task.id,
      CompleteOptions{.by = "ali", .vars = Value::Object{{"more", std::string(100, 'y')}}});
  REQUIRE_FALSE(refused.ok());
  check_refusal(refused.error(), "task " + std::to_string(task.id), "max_variables_bytes");
  CHECK(b.engine.task(task.id)->status == TaskStatus::open);
  CHECK(b.events(id) == before);
  CHECK(b.get(id).variables.find("more") == nullptr);
  auto deep = b.engine.complete(
      task.id, CompleteOptions{.by = "ali", .vars = Value::Object{{"tree", nested(5)}}});
  REQUIRE_FALSE(deep.ok());
  check_refusal(deep.error(), "task " + std::to_string(task.id), "max_value_depth");
  CHECK(b.engine.complete(task.id, CompleteOptions{.by = "ali"}).ok());
}

TEST_CASE("bounds: messages and signals too large reach no case", "[runtime][bounds]") {
  Bounded b{small_variables()};
  b.deploy(kForm);
  const CaseId first = b.start("form", Value::Object{{"note", std::string(20, 'x')}});
  const CaseId second = b.start("form", Value::Object{{"note", std::string(120, 'x')}});
  for (CaseId id : {first, second}) {
    const Task task = b.engine.tasks(TaskQuery{.case_id = id})->front();
    REQUIRE(b.engine.complete(task.id, CompleteOptions{.by = "ali"}).ok());
  }
  const std::size_t before = b.events(first);
  // Small enough for the first case, too large for the second: neither receives it.
  auto refused = b.engine.correlate("reply", "K", Value::Object{{"answer", std::string(60, 'a')}});
  REQUIRE_FALSE(refused.ok());
  check_refusal(refused.error(), "message 'reply' to case " + std::to_string(second),
                "max_variables_bytes");
  CHECK(b.events(first) == before);
  CHECK(b.get(first).active == std::vector<std::string>{"reply"});
  auto deep = b.engine.signal("anything", Value::Object{{"tree", nested(4)}});
  REQUIRE_FALSE(deep.ok());
  check_refusal(deep.error(), "signal 'anything'", "max_value_depth");
  auto reached = b.engine.correlate("reply", "K", Value::Object{{"answer", "ok"}});
  REQUIRE(reached.ok());
  CHECK(reached->size() == 2);
}

TEST_CASE("bounds: a handler's result too large raises an incident and is not written",
          "[runtime][bounds]") {
  Bounded b{small_variables()};
  b.deploy(R"yaml(
process: lookup
steps:
  - {id: fetch, type: service, handler: fetch, retries: 0}
  - {id: done, type: end}
)yaml");
  std::string answer(300, 'z');
  b.engine.handlers().add("fetch", [&](const JobContext&) {
    return HandlerResult::ok(Value::Object{{"document", answer}});
  });
  const CaseId id = b.start("lookup");
  REQUIRE(b.engine.run_due(b.clock.now()).ok());
  Case c = b.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK(c.incidents[0].step_id == "fetch");
  CHECK_THAT(c.incidents[0].message,
             Catch::Contains("step 'fetch'") && Catch::Contains("max_variables_bytes"));
  CHECK(c.variables.find("document") == nullptr);
  // A retry runs the handler again; a smaller answer goes through.
  answer = "short";
  REQUIRE(b.engine.retry(id, "fetch").ok());
  REQUIRE(b.engine.run_due(b.clock.now()).ok());
  CHECK(b.get(id).status == CaseStatus::completed);
  CHECK(b.get(id).variables["document"] == Value{"short"});
}

TEST_CASE("bounds: a retry whose variables are too large is refused", "[runtime][bounds]") {
  Bounded b{small_variables()};
  b.deploy("process: r\nsteps:\n  - {id: call, type: service, handler: none, retries: 0}\n");
  const CaseId id = b.start("r");
  REQUIRE(b.engine.run_due(b.clock.now()).ok());
  REQUIRE(b.get(id).status == CaseStatus::incident);
  const std::size_t before = b.events(id);
  auto refused = b.engine.retry(id, "call", Value::Object{{"x", std::string(300, 'x')}});
  REQUIRE_FALSE(refused.ok());
  check_refusal(refused.error(), "retry of step 'call'", "max_variables_bytes");
  CHECK(b.events(id) == before);
  CHECK(b.get(id).status == CaseStatus::incident);
}

TEST_CASE("bounds: a `set` step that grows the variables too far raises an incident",
          "[runtime][bounds]") {
  Bounded b{small_variables()};
  b.deploy(R"yaml(
process: grow
steps:
  - {id: grow, type: set, set: {text: "= text + text"}}
  - id: again
    type: exclusive
    next:
      - {to: grow, when: "length(text) < 100000"}
      - {to: done, default: true}
  - {id: done, type: end}
)yaml");
  const CaseId id = b.start("grow", Value::Object{{"text", "ab"}});
  Case c = b.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK(c.incidents[0].step_id == "grow");
  CHECK_THAT(c.incidents[0].message, Catch::Contains("max_variables_bytes"));
  // What the step would have written is not: the text is as the step found it.
  CHECK(c.variables["text"].as_string().size() == 128);
}

TEST_CASE("bounds: many writes that replace a value never count as growth", "[runtime][bounds]") {
  Bounded b{small_variables()};
  b.deploy(R"yaml(
process: rewrite
steps:
  - {id: write, type: set, set: {text: "= upper(text)", n: "= n + 1"}}
  - id: again
    type: exclusive
    next:
      - {to: write, when: "n < 500"}
      - {to: done, default: true}
  - {id: done, type: end}
)yaml");
  const CaseId id = b.start("rewrite", Value::Object{{"text", std::string(120, 'a')}, {"n", 0}});
  Case c = b.get(id);
  CHECK(c.incidents.empty());
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["n"] == Value{500});
}

TEST_CASE("bounds: expressions and templates are evaluated within the engine's limits",
          "[runtime][bounds]") {
  EngineLimits limits;
  limits.max_string_bytes = 16;
  limits.max_output_bytes = 10;
  Bounded b{limits};
  b.deploy(R"yaml(
process: texts
steps:
  - {id: join, type: set, set: {both: "= a + b"}}
  - {id: name, type: user, name: "Task for {{ a }}"}
)yaml");
  const CaseId long_strings =
      b.start("texts", Value::Object{{"a", std::string(10, 'a')}, {"b", std::string(10, 'b')}});
  Case c = b.get(long_strings);
  REQUIRE(c.incidents.size() == 1);
  CHECK(c.incidents[0].step_id == "join");
  CHECK_THAT(c.incidents[0].message, Catch::Contains("max_string_bytes"));

  const CaseId long_name = b.start("texts", Value::Object{{"a", "aaaa"}, {"b", "b"}});
  c = b.get(long_name);
  REQUIRE(c.incidents.size() == 1);
  CHECK(c.incidents[0].step_id == "name");
  CHECK_THAT(c.incidents[0].message, Catch::Contains("max_output_bytes"));
}

TEST_CASE("bounds: a loop that notifies on each pass stops at max_notifications_per_call",
          "[runtime][bounds]") {
  EngineLimits limits;
  limits.max_notifications_per_call = 5;
  Bounded b{limits};
  b.deploy(R"yaml(
process: chatty
steps:
  - {id: ping, type: send, notify: [{channel: sms, to: "+1", text: "ping {{ n }}"}]}
  - {id: count, type: set, set: {n: "= n + 1"}}
  - id: again
    type: exclusive
    next:
      - {to: ping, when: "n < 1000"}
      - {to: done, default: true}
  - {id: done, type: end}
)yaml");
  const CaseId id = b.start("chatty", Value::Object{{"n", 0}});
  Case c = b.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message,
             Catch::Contains("runaway") && Catch::Contains("max_notifications_per_call"));
  CHECK(b.store.outbox(id)->size() == 5);
  // A retry runs on, another call with a fresh count.
  REQUIRE(b.engine.retry(id, c.incidents[0].step_id).ok());
  CHECK(b.store.outbox(id)->size() == 10);
}

}  // namespace
}  // namespace crmflow::test
