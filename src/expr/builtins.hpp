// crmflow::expr internal: the built-in functions, resolved by name once at compile time.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "crmflow/value.hpp"
#include "expr/eval_state.hpp"

namespace crmflow::expr {

enum class Builtin : std::uint8_t {
  now,
  today,
  date,
  datetime,
  duration,
  days_between,
  lower,
  upper,
  trim,
  contains,
  starts_with,
  ends_with,
  length,
  count,
  sum,
  min,
  max,
  round,
  abs,
  floor,
  ceil,
  string,
  number,
  is_defined,
  coalesce,
  format_date,
  persian_digits,
  logical_not,
  json,
};

struct BuiltinInfo {
  std::string_view name;  // lower case, as documented
  std::uint8_t min_args;
  std::uint8_t max_args;  // kVariadic: any number from min_args on
  // Whether the result depends only on the arguments (no clock, no zone): calls with constant
  // arguments are then folded at compile time.
  bool foldable;
};
inline constexpr std::uint8_t kVariadic = 255;

// The built-in with that name, compared without regard to ASCII case; nullopt for any other.
std::optional<Builtin> find_builtin(std::string_view name);
const BuiltinInfo& builtin_info(Builtin builtin);

// Applies a built-in (other than is_defined, which the evaluator handles) to its arguments.
// REQUIRES: args.size() within the built-in's arity. On a type error or an exceeded limit,
// records it in `state` and returns null.
Value call_builtin(Builtin builtin, std::span<const Value> args, EvalState& state);

}  // namespace crmflow::expr
