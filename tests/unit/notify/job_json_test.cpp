#include "notify/job_json.hpp"

#include <catch2/catch.hpp>
#include <chrono>

#include "crmflow/json.hpp"

namespace {

crmflow::JobContext charge_job() {
  crmflow::JobContext job;
  job.case_id = 42;
  job.process_id = "phone-repair";
  job.step_id = "charge";
  job.handler = "charge-card";
  job.case_key = "R-1001";
  job.input = crmflow::Value::Object{
      {"amount", 1'500'000},
      {"customer", "رضا"},
      {"due", crmflow::Date{std::chrono::sys_days{std::chrono::year{2026} / 2 / 2}}}};
  job.attempt = 2;
  job.now = crmflow::Instant{std::chrono::milliseconds{1'767'418'200'000}};
  job.idempotency_key = "42/7/charge";
  return job;
}

}  // namespace

TEST_CASE("a job's JSON carries what a handler program needs, in key order") {
  CHECK(crmflow::notify::job_json(charge_job()) ==
        "{\"attempt\":2,\"case\":42,\"handler\":\"charge-card\","
        "\"idempotency_key\":\"42/7/charge\","
        "\"input\":{\"amount\":1500000,\"customer\":\"رضا\",\"due\":\"2026-02-02\"},"
        "\"key\":\"R-1001\",\"process\":\"phone-repair\",\"step\":\"charge\"}");
}

TEST_CASE("a case without a business key has an empty key; empty input stays null") {
  crmflow::JobContext job = charge_job();
  job.case_key.clear();
  job.input = crmflow::Value{};
  const crmflow::Value v = crmflow::notify::job_value(job);
  CHECK(v["key"] == crmflow::Value{""});
  CHECK(v["input"].is_null());
  CHECK(v.size() == 8);
  // The text reads back as the same object.
  auto parsed = crmflow::parse_json(crmflow::notify::job_json(job));
  REQUIRE(parsed.ok());
  CHECK(*parsed == v);
}
