// crmflow::notify internal: a service job as the JSON object the runner's `command` and `http`
// handlers send (a program's stdin, the default HTTP body). One shape everywhere
// (docs/command-and-file-channels.md):
//   {"attempt", "case", "handler", "idempotency_key", "input", "key", "process", "step"}
// Keys in byte order (as every Value object prints); "key" is the case's business key, "" for a
// case started without one (as `crmflow start --json` shows it); "input" is the step's input,
// dates and durations in it as ISO 8601 strings (JsonStyle::plain); "attempt" is 1 for the
// first try.
#pragma once

#include <string>

#include "crmflow/handler.hpp"
#include "crmflow/value.hpp"

namespace crmflow::notify {

// The job as a Value object (for templates: `{{ input.amount }}`, `{{ idempotency_key }}` ...).
Value job_value(const JobContext& job);

// The same object as compact JSON text.
std::string job_json(const JobContext& job);

}  // namespace crmflow::notify
