// Fuzz target: the expression language, compiled and evaluated (docs/expressions.md).
//
// The input is the text of one expression. A text that compiles is evaluated as a value and as
// a condition against fuzz_values.hpp's variables; every outcome must be a value or an error,
// within EvalLimits, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "expr/expression.hpp"
#include "fuzz_values.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crmflow;
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  static const expr::Context ctx = fuzz::context();
  static const expr::ValueScope scope{fuzz::variables()};

  expr::ParseResult<expr::Expression> compiled = expr::Expression::compile(text);
  if (!compiled) {
    // The column points into the text (1-based, in characters; one past the end at most).
    if (compiled.error().column == 0 || compiled.error().column > size + 1) __builtin_trap();
    return 0;
  }
  (void)compiled->reads();
  (void)compiled->is_constant();
  Result<Value> value = compiled->evaluate(scope, ctx);
  if (value) (void)value->kind();
  Result<bool> condition = compiled->evaluate_condition(scope, ctx);
  (void)condition.ok();
  return 0;
}
