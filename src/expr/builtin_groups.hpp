// crmflow::expr internal: the built-ins, grouped by what they work on. Each takes the arguments
// (arity already checked at compile time) and returns the result, or records an error in
// `state` and returns null.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "crmflow/value.hpp"
#include "expr/builtins.hpp"
#include "expr/eval_state.hpp"

namespace crmflow::expr {

using Args = std::span<const Value>;

// count, sum, min, max, round, abs, floor, ceil.
Value call_math(Builtin builtin, Args args, EvalState& state);
// now, today, date, datetime, duration, days_between, format_date.
Value call_time(Builtin builtin, Args args, EvalState& state);

// "type error: 'NAME' needs WANTED, got KIND": records it and returns null.
Value argument_error(Builtin builtin, std::string_view wanted, const Value& got, EvalState& state);

}  // namespace crmflow::expr
