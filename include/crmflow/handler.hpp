// crmflow: service handlers, the host's code that `service` steps call by name.
//
//   engine.handlers().add("charge-card", [](const crmflow::JobContext& job) {
//     if (job.input["amount"].as_integer() > 1000) return crmflow::HandlerResult::error("LIMIT");
//     return crmflow::HandlerResult::ok({{"receipt", "R-1"}});
//   });
//
// A handler runs outside any store transaction; it may be called more than once for one step
// (after a crash or a lost lease), so it should be idempotent, e.g. keyed by job.idempotency_key.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crmflow/ids.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow {

// What a handler is told about the job it runs.
struct JobContext {
  CaseId case_id = kNoId;
  std::string process_id{};
  std::string step_id{};
  std::string handler{};
  std::string case_key{};
  Value input{};              // `input` of the step evaluated, or all the case's variables
  std::uint32_t attempt = 1;  // 1 for the first try, 2 for the first retry, ...
  Instant now{};              // the moment the job fires (its due moment under run_due)
  std::string idempotency_key{};
};

// The outcome of a handler: exactly one of success (with result fields), a business error (a
// code a boundary `error` event may catch; never retried), or a technical failure (retried with
// backoff, then an incident).
class HandlerResult {
 public:
  enum class Kind : std::uint8_t { ok, business_error, failure };

  // Success. `result` is an object (or null for no fields).
  static HandlerResult ok(Value result = {}) { return {Kind::ok, std::move(result), {}, {}}; }
  // A business error with this code (e.g. "CARD_DECLINED") and an optional message.
  static HandlerResult error(std::string code, std::string message = {}) {
    return {Kind::business_error, {}, std::move(code), std::move(message)};
  }
  // A technical failure (timeout, unreachable service); the message is recorded.
  static HandlerResult failure(std::string message) {
    return {Kind::failure, {}, {}, std::move(message)};
  }

  Kind kind() const { return kind_; }
  const Value& result() const { return result_; }
  const std::string& error_code() const { return error_code_; }
  const std::string& message() const { return message_; }

 private:
  HandlerResult(Kind kind, Value result, std::string code, std::string message)
      : kind_(kind),
        result_(std::move(result)),
        error_code_(std::move(code)),
        message_(std::move(message)) {}
  Kind kind_;
  Value result_;
  std::string error_code_;
  std::string message_;
};

// A handler may not throw; an exception escaping it is caught and counted as a failure.
using Handler = std::function<HandlerResult(const JobContext&)>;

// Handlers by name. Register them before calling run_due; not thread-safe while adding.
class HandlerRegistry {
 public:
  // Adds or replaces the handler for `name`.
  void add(std::string name, Handler handler) { handlers_[std::move(name)] = std::move(handler); }
  // The handler for `name`, or nullptr.
  const Handler* find(std::string_view name) const {
    auto found = handlers_.find(name);
    return found == handlers_.end() ? nullptr : &found->second;
  }
  // Every name, sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(handlers_.size());
    for (const auto& [name, handler] : handlers_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, Handler, std::less<>> handlers_;
};

}  // namespace crmflow
