// `service` steps: handlers called through run_due, input/output mapping, retries with doubling
// backoff, incidents after the retries, business errors, retry.
#include "time/iso8601.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kCharge = R"yaml(
process: charge
steps:
  - id: pay
    type: service
    handler: charge-card
    input: {amount: "= price * 2", customer: "{{ name }}"}
    output: {receipt: "= result.receipt", paid: true}
    retries: 2
    retry_backoff: PT10S
    progress: 50
  - {id: done, type: end}
)yaml";

TEST_CASE("a service step calls its handler with the input and maps the output",
          "[runtime][service]") {
  World w;
  w.deploy(kCharge);
  std::vector<JobContext> calls;
  w.engine.handlers().add("charge-card", [&](const JobContext& job) {
    calls.push_back(job);
    return HandlerResult::ok(Value::Object{{"receipt", "R-1"}, {"ignored", 1}});
  });
  const CaseId id = w.start("charge", Value::Object{{"price", 21}, {"name", "Reza"}});
  CHECK(w.active(id) == Steps{"pay"});
  CHECK(calls.empty());  // handlers run only from run_due, never inside start
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].input == Value{Value::Object{{"amount", 42}, {"customer", "{{ name }}"}}});
  CHECK(calls[0].step_id == "pay");
  CHECK(calls[0].attempt == 1);
  CHECK(calls[0].case_key == "K-1");
  CHECK_FALSE(calls[0].idempotency_key.empty());
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["receipt"] == Value{"R-1"});
  CHECK(c.variables["paid"] == Value{true});
  CHECK(c.variables["ignored"].is_null());
  CHECK(c.path == Steps{"pay", "done"});
}

TEST_CASE("without input the handler gets every variable; without output the result merges",
          "[runtime][service]") {
  World w;
  w.deploy("process: plain\nsteps:\n  - {id: call, type: service, handler: echo}\n");
  w.engine.handlers().add("echo", [](const JobContext& job) {
    return HandlerResult::ok(Value::Object{{"echo", job.input["x"]}});
  });
  const CaseId id = w.start("plain", Value::Object{{"x", 7}});
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  CHECK(w.get(id).variables["echo"] == Value{7});
}

TEST_CASE("failures are retried with doubling backoff, then become an incident",
          "[runtime][service][retry]") {
  World w;
  w.deploy(kCharge);
  std::vector<std::string> tried_at;
  bool healthy = false;
  w.engine.handlers().add("charge-card", [&](const JobContext& job) {
    tried_at.push_back(time::format_instant(job.now));
    return healthy ? HandlerResult::ok(Value::Object{{"receipt", "R-2"}})
                   : HandlerResult::failure("TIMEOUT");
  });
  const CaseId id = w.start("charge", Value::Object{{"price", 1}});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  CHECK(w.status(id) == CaseStatus::active);
  // Retries wait for their backoff: 10 s, then 20 s.
  REQUIRE(*w.engine.run_due(w.clock.now() + std::chrono::seconds{9}) == 0);
  w.clock.advance(std::chrono::minutes{1});
  REQUIRE(*w.engine.run_due(w.clock.now()) == 2);
  CHECK(tried_at == Steps{"2026-01-01T00:00:00Z", "2026-01-01T00:00:10Z", "2026-01-01T00:00:30Z"});
  Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  CHECK(c.active == Steps{"pay"});
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("handler 'charge-card' failed after 3 "
                                                     "tries: TIMEOUT"));
  CHECK_FALSE(w.engine.next_due()->has_value());
  const Steps events = w.events(id);
  CHECK(std::count(events.begin(), events.end(), "job_failed:pay") == 3);

  // retry runs the step again with a fresh counter.
  healthy = true;
  REQUIRE(w.engine.retry(id, "pay").ok());
  CHECK(w.status(id) == CaseStatus::active);
  REQUIRE(*w.engine.run_due(w.clock.now()) == 1);
  c = w.get(id);
  CHECK(c.status == CaseStatus::completed);
  CHECK(c.variables["receipt"] == Value{"R-2"});
}

TEST_CASE("a business error is an incident at once, never retried", "[runtime][service]") {
  World w;
  w.deploy(kCharge);
  int calls = 0;
  w.engine.handlers().add("charge-card", [&](const JobContext&) {
    ++calls;
    return HandlerResult::error("CARD_DECLINED", "insufficient funds");
  });
  const CaseId id = w.start("charge");
  REQUIRE(*w.engine.run_due(w.clock.now() + std::chrono::hours{1}) == 1);
  CHECK(calls == 1);
  const Case c = w.get(id);
  CHECK(c.status == CaseStatus::incident);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("business error 'CARD_DECLINED'"));
}

TEST_CASE("a missing handler and a throwing handler count as failures", "[runtime][service]") {
  World w;
  w.deploy(R"yaml(
process: fragile
steps:
  - {id: a, type: service, handler: missing, retries: 0}
  - {id: b, type: service, handler: thrower, retries: 0}
)yaml");
  w.engine.handlers().add(
      "thrower", [](const JobContext&) -> HandlerResult { throw std::runtime_error("boom"); });
  const CaseId id = w.start("fragile");
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  Case c = w.get(id);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("no handler is registered under 'missing'"));
  w.engine.handlers().add("missing", [](const JobContext&) { return HandlerResult::ok(); });
  REQUIRE(w.engine.retry(id, "a").ok());
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  c = w.get(id);
  REQUIRE(c.incidents.size() == 1);
  CHECK(c.incidents[0].step_id == "b");
  CHECK_THAT(c.incidents[0].message, Catch::Contains("threw: boom"));
}

TEST_CASE("an input that fails to evaluate is an incident without calling the handler",
          "[runtime][service]") {
  World w;
  w.deploy(kCharge);
  int calls = 0;
  w.engine.handlers().add("charge-card", [&](const JobContext&) {
    ++calls;
    return HandlerResult::ok();
  });
  const CaseId id = w.start("charge", Value::Object{{"price", "ten"}});
  REQUIRE(w.engine.run_due(w.clock.now()).ok());
  CHECK(calls == 0);
  const Case c = w.get(id);
  REQUIRE(c.incidents.size() == 1);
  CHECK_THAT(c.incidents[0].message, Catch::Contains("input 'amount' failed"));
}

}  // namespace
}  // namespace crmflow::test
