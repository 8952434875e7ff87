// crmflow::expr internal: what operators and built-ins need while a program runs: the context,
// the step budget, and the first error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "crmflow/error.hpp"
#include "crmflow/value.hpp"
#include "expr/expression.hpp"

namespace crmflow::expr {

class EvalState {
 public:
  explicit EvalState(const Context& ctx) : ctx_(ctx) {}

  const Context& context() const { return ctx_; }
  bool failed() const { return error_.has_value(); }
  // REQUIRES: failed()
  Error take_error() { return std::move(*error_); }

  // Records `message` as an invalid_input error (the first one wins) and returns null, so that
  // `return state.fail(...)` ends an operation.
  Value fail(std::string message) {
    if (!error_) error_ = invalid_input(std::move(message));
    return Value{};
  }

  // Spends `steps` of the budget; false (and an error) once it is exhausted.
  bool charge(std::uint64_t steps) {
    steps_ += steps;
    if (steps_ <= ctx_.limits.max_steps) return true;
    fail("the expression took more than " + std::to_string(ctx_.limits.max_steps) +
         " steps (limit max_steps): simplify it or work on smaller values");
    return false;
  }
  // Charges the work of walking `units` bytes or elements, one step per 64.
  bool charge_work(std::size_t units) { return charge(1 + units / 64); }

  // Whether a string of `bytes` may be built; false (and an error) when it is too large.
  bool check_string(std::size_t bytes) {
    if (bytes <= ctx_.limits.max_string_bytes) return true;
    fail("the expression built a text of " + std::to_string(bytes) + " bytes, more than " +
         std::to_string(ctx_.limits.max_string_bytes) + " (limit max_string_bytes)");
    return false;
  }
  bool check_list(std::size_t elements) {
    if (elements <= ctx_.limits.max_list_size) return true;
    fail("the expression built a list of " + std::to_string(elements) + " elements, more than " +
         std::to_string(ctx_.limits.max_list_size) + " (limit max_list_size)");
    return false;
  }

 private:
  const Context& ctx_;
  std::uint64_t steps_ = 0;
  std::optional<Error> error_;
};

}  // namespace crmflow::expr
