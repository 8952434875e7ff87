// crmflow::expr internal: the meaning of the operators (docs/expressions.md, "Operators").
#pragma once

#include <compare>
#include <optional>

#include "crmflow/value.hpp"
#include "expr/eval_state.hpp"
#include "expr/program.hpp"

namespace crmflow::expr {

// `-v` and `not v`. REQUIRES: op is negate or logical_not.
Value apply_unary(Op op, const Value& v, EvalState& state);

// Arithmetic, comparison and `in`. REQUIRES: op is one of add..in.
Value apply_binary(Op op, const Value& a, const Value& b, EvalState& state);

// Equality as `=` sees it: null equals only null, numbers compare by value across integer and
// double, durations by FEEL's equivalence (P1D = PT24H), lists and objects deeply.
bool values_equal(const Value& a, const Value& b);

// Orders two non-null values of comparable kinds (numbers, texts, dates, datetimes, a date with a
// datetime through the date's first moment in the context zone, durations). Kinds that cannot be
// ordered: nullopt. Durations that cannot be ordered (P1M, P30D): unordered.
std::optional<std::partial_ordering> order_values(const Value& a, const Value& b,
                                                  const Context& ctx);

}  // namespace crmflow::expr
