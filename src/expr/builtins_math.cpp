// count, sum, min, max, round, abs, floor, ceil.
#include <charconv>
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>
#include <string>

#include "expr/builtin_groups.hpp"
#include "expr/operators.hpp"

namespace crmflow::expr {
namespace {

constexpr double kIntegerLimit = 9223372036854775808.0;  // 2^63

// A whole double as an integer when it fits, else the double itself.
Value whole(double d) {
  if (d >= -kIntegerLimit && d < kIntegerLimit) return Value{static_cast<std::int64_t>(d)};
  return Value{d};
}

// The values sum/min/max work on: the elements of a single list argument, or the arguments.
Args operands(Args args) {
  if (args.size() == 1 && args[0].is_list()) return Args{args[0].as_list()};
  return args;
}

Value call_sum(Args args, EvalState& state) {
  if (args.size() == 1 && !args[0].is_list()) {
    if (args[0].is_null()) return Value{};
    if (!args[0].is_number())
      return argument_error(Builtin::sum, "a list of numbers", args[0], state);
  }
  Args values = operands(args);
  if (!state.charge_work(values.size())) return Value{};
  std::int64_t exact = 0;
  double total = 0;
  bool is_double = false;
  for (const Value& v : values) {
    if (v.is_null()) return Value{};
    if (!v.is_number()) return argument_error(Builtin::sum, "numbers", v, state);
    std::int64_t next = 0;
    if (!is_double && v.is_integer() && !__builtin_add_overflow(exact, v.as_integer(), &next)) {
      exact = next;
      continue;
    }
    if (!is_double) total = static_cast<double>(exact);
    is_double = true;
    total += v.as_double();
  }
  if (!is_double) return Value{exact};
  if (!std::isfinite(total)) return state.fail("'sum' gave a number too large to represent");
  return Value{total};
}

Value call_extreme(Builtin builtin, Args args, EvalState& state) {
  if (args.size() == 1 && args[0].is_null()) return Value{};
  Args values = operands(args);
  if (!state.charge_work(values.size())) return Value{};
  const Value* best = nullptr;
  for (const Value& v : values) {
    if (v.is_null()) return Value{};
    if (best == nullptr) {
      if (!order_values(v, v, state.context())) {
        return argument_error(builtin, "numbers, texts, dates, datetimes or durations", v, state);
      }
      best = &v;
      continue;
    }
    auto order = order_values(v, *best, state.context());
    if (!order || *order == std::partial_ordering::unordered) {
      return state.fail(std::string{"type error: '"} + std::string{builtin_info(builtin).name} +
                        "' cannot order " + std::string{v.kind_name()} + " against " +
                        std::string{best->kind_name()});
    }
    if (builtin == Builtin::min ? std::is_lt(*order) : std::is_gt(*order)) best = &v;
  }
  return best == nullptr ? Value{} : *best;
}

// x rounded to n decimals, half away from zero, on the shortest decimal text of x, so that
// 2.675 (stored as 2.67499999...) rounds to 2.68 as written.
double round_decimal(double x, int n) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, x, std::chars_format::scientific);
  std::string text(buffer, result.ptr);  // [-]d[.ddd]e[+-]xx
  const bool negative = text[0] == '-';
  if (negative) text.erase(0, 1);
  const std::size_t e = text.find('e');
  const int exponent = std::stoi(text.substr(e + 1));
  std::string digits = text.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // the '.'
  // value = 0.digits x 10^(exponent + 1)
  const long keep = static_cast<long>(exponent) + 1 + n;
  if (keep >= static_cast<long>(digits.size())) return x;
  if (keep < 0) return negative ? -0.0 : 0.0;
  std::string kept = digits.substr(0, static_cast<std::size_t>(keep));
  int shift = exponent + 1;
  if (digits[static_cast<std::size_t>(keep)] >= '5') {
    std::size_t i = kept.size();
    while (i > 0 && kept[i - 1] == '9') kept[--i] = '0';
    if (i == 0) {
      kept.insert(kept.begin(), '1');
      ++shift;
    } else {
      ++kept[i - 1];
    }
  }
  if (kept.empty()) return negative ? -0.0 : 0.0;
  const std::string back = (negative ? "-0." : "0.") + kept + "e" + std::to_string(shift);
  double rounded = 0;
  std::from_chars(back.data(), back.data() + back.size(), rounded);
  return rounded;
}

Value round_integer(std::int64_t x, int n) {
  if (n >= 0) return Value{x};
  if (n < -18) return Value{std::int64_t{0}};
  std::int64_t unit = 1;
  for (int i = 0; i < -n; ++i) unit *= 10;
  const std::int64_t rest = x % unit;  // same sign as x
  std::int64_t down = x - rest;
  const std::int64_t half_rest = rest < 0 ? -rest : rest;
  if (half_rest >= unit - half_rest) {
    std::int64_t away = 0;
    if (__builtin_add_overflow(down, rest < 0 ? -unit : unit, &away)) {
      return Value{static_cast<double>(down) + static_cast<double>(rest < 0 ? -unit : unit)};
    }
    down = away;
  }
  return Value{down};
}

Value call_round(Args args, EvalState& state) {
  const Value& x = args[0];
  std::int64_t places = 0;
  if (args.size() == 2) {
    const Value& n = args[1];
    if (n.is_null()) return Value{};
    if (n.is_integer()) {
      places = n.as_integer();
    } else if (n.is_double() && n.as_double() == std::floor(n.as_double()) &&
               std::fabs(n.as_double()) < 1e9) {
      places = static_cast<std::int64_t>(n.as_double());
    } else {
      return argument_error(Builtin::round, "a whole number of decimals", n, state);
    }
  }
  if (x.is_null()) return Value{};
  if (!x.is_number()) return argument_error(Builtin::round, "a number", x, state);
  const int n = static_cast<int>(std::clamp<std::int64_t>(places, -400, 400));
  if (x.is_integer()) return round_integer(x.as_integer(), n);
  const double rounded = round_decimal(x.as_double(), n);
  return n <= 0 ? whole(rounded) : Value{rounded};
}

Value call_unary_math(Builtin builtin, const Value& x, EvalState& state) {
  if (x.is_null()) return Value{};
  if (!x.is_number()) return argument_error(builtin, "a number", x, state);
  if (x.is_integer()) {
    if (builtin != Builtin::abs || x.as_integer() >= 0) return x;
    if (x.as_integer() == std::numeric_limits<std::int64_t>::min()) {
      return Value{-static_cast<double>(x.as_integer())};
    }
    return Value{-x.as_integer()};
  }
  const double d = x.as_double();
  switch (builtin) {
    case Builtin::abs:
      return Value{std::fabs(d)};
    case Builtin::floor:
      return whole(std::floor(d));
    default:
      return whole(std::ceil(d));
  }
}

}  // namespace

Value call_math(Builtin builtin, Args args, EvalState& state) {
  switch (builtin) {
    case Builtin::count:
      if (args[0].is_null()) return Value{};
      if (!args[0].is_list()) return argument_error(builtin, "a list", args[0], state);
      return Value{static_cast<std::int64_t>(args[0].as_list().size())};
    case Builtin::sum:
      return call_sum(args, state);
    case Builtin::min:
    case Builtin::max:
      return call_extreme(builtin, args, state);
    case Builtin::round:
      return call_round(args, state);
    default:
      return call_unary_math(builtin, args[0], state);
  }
}

}  // namespace crmflow::expr
