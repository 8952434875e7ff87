#include "notify/job_json.hpp"

#include <cstdint>

#include "crmflow/json.hpp"

namespace crmflow::notify {

Value job_value(const JobContext& job) {
  Value::Object object;
  object.emplace("case", Value{static_cast<std::int64_t>(job.case_id)});
  object.emplace("process", Value{job.process_id});
  object.emplace("step", Value{job.step_id});
  object.emplace("handler", Value{job.handler});
  object.emplace("key", Value{job.case_key});
  object.emplace("input", job.input);
  object.emplace("attempt", Value{static_cast<std::int64_t>(job.attempt)});
  object.emplace("idempotency_key", Value{job.idempotency_key});
  return Value{std::move(object)};
}

std::string job_json(const JobContext& job) { return to_json(job_value(job)); }

}  // namespace crmflow::notify
