#include "expr/operators.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "time/arithmetic.hpp"
#include "time/zone.hpp"

namespace crmflow::expr {
namespace {

using Kind = Value::Kind;

std::string kinds(const Value& a, const Value& b) {
  return std::string{a.kind_name()} + " and " + std::string{b.kind_name()};
}

Value type_error(Op op, const Value& a, const Value& b, EvalState& state,
                 std::string_view hint = {}) {
  std::string message =
      std::string{"type error: '"} + op_symbol(op) + "' cannot take " + kinds(a, b);
  if (!hint.empty()) message += std::string{": "} + std::string{hint};
  return state.fail(std::move(message));
}

Value finite(double d, Op op, EvalState& state) {
  if (std::isfinite(d)) return Value{d};
  return state.fail(std::string{"'"} + op_symbol(op) + "' gave a number too large to represent");
}

template <class T>
Value from_time(Result<T> result, Op op, EvalState& state) {
  if (result) return Value{*result};
  return state.fail(std::string{"'"} + op_symbol(op) + "': " + result.error().message);
}

// Floored modulo: the result has the sign of the divisor (FEEL's modulo), -7 % 3 = 2.
std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  if (b == -1) return 0;  // avoids INT64_MIN % -1
  std::int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

Value arithmetic(Op op, const Value& a, const Value& b, EvalState& state) {
  if (a.is_integer() && b.is_integer()) {
    const std::int64_t x = a.as_integer();
    const std::int64_t y = b.as_integer();
    std::int64_t r = 0;
    const double dx = static_cast<double>(x);
    const double dy = static_cast<double>(y);
    switch (op) {
      case Op::add:
        return __builtin_add_overflow(x, y, &r) ? Value{dx + dy} : Value{r};
      case Op::subtract:
        return __builtin_sub_overflow(x, y, &r) ? Value{dx - dy} : Value{r};
      case Op::multiply:
        return __builtin_mul_overflow(x, y, &r) ? Value{dx * dy} : Value{r};
      case Op::divide:
        if (y == 0) return Value{};
        if (!(x == std::numeric_limits<std::int64_t>::min() && y == -1) && x % y == 0) {
          return Value{x / y};
        }
        return Value{static_cast<double>(static_cast<long double>(x) / y)};
      case Op::modulo:
        if (y == 0) return Value{};
        return Value{floor_mod(x, y)};
      default:
        break;
    }
  }
  const double x = a.as_double();
  const double y = b.as_double();
  switch (op) {
    case Op::add:
      return finite(x + y, op, state);
    case Op::subtract:
      return finite(x - y, op, state);
    case Op::multiply:
      return finite(x * y, op, state);
    case Op::divide:
      return y == 0 ? Value{} : finite(x / y, op, state);
    case Op::modulo:
      return y == 0 ? Value{} : finite(x - y * std::floor(x / y), op, state);
    default:
      return Value{};
  }
}

Value add(const Value& a, const Value& b, EvalState& state) {
  const Op op = Op::add;
  const auto* zone = state.context().zone;
  if (a.is_number() && b.is_number()) return arithmetic(op, a, b, state);
  if (a.is_string() && b.is_string()) {
    const std::size_t size = a.as_string().size() + b.as_string().size();
    if (!state.check_string(size) || !state.charge_work(size)) return Value{};
    std::string joined;
    joined.reserve(size);
    joined.append(a.as_string()).append(b.as_string());
    return Value{std::move(joined)};
  }
  if (a.is_date() && b.is_duration())
    return from_time(time::add(a.as_date(), b.as_duration()), op, state);
  if (a.is_duration() && b.is_date())
    return from_time(time::add(b.as_date(), a.as_duration()), op, state);
  if (a.is_datetime() && b.is_duration()) {
    return from_time(time::add(a.as_datetime(), b.as_duration(), zone), op, state);
  }
  if (a.is_duration() && b.is_datetime()) {
    return from_time(time::add(b.as_datetime(), a.as_duration(), zone), op, state);
  }
  if (a.is_duration() && b.is_duration()) {
    return from_time(time::add(a.as_duration(), b.as_duration()), op, state);
  }
  if ((a.is_string() && b.is_number()) || (a.is_number() && b.is_string())) {
    return type_error(op, a, b, state, "convert one side with string() or number()");
  }
  return type_error(op, a, b, state);
}

Value subtract(const Value& a, const Value& b, EvalState& state) {
  const Op op = Op::subtract;
  if (a.is_number() && b.is_number()) return arithmetic(op, a, b, state);
  if (a.is_date() && b.is_duration()) {
    return from_time(time::subtract(a.as_date(), b.as_duration()), op, state);
  }
  if (a.is_datetime() && b.is_duration()) {
    return from_time(time::subtract(a.as_datetime(), b.as_duration(), state.context().zone), op,
                     state);
  }
  if (a.is_date() && b.is_date()) return Value{time::subtract(a.as_date(), b.as_date())};
  if (a.is_datetime() && b.is_datetime()) {
    return Value{time::subtract(a.as_datetime(), b.as_datetime())};
  }
  if (a.is_duration() && b.is_duration()) {
    auto negated = time::negate(b.as_duration());
    if (!negated) return from_time(std::move(negated), op, state);
    return from_time(time::add(a.as_duration(), *negated), op, state);
  }
  return type_error(op, a, b, state);
}

Value multiply(const Value& a, const Value& b, EvalState& state) {
  const Op op = Op::multiply;
  if (a.is_number() && b.is_number()) return arithmetic(op, a, b, state);
  if (a.is_duration() && b.is_integer()) {
    return from_time(time::multiply(a.as_duration(), b.as_integer()), op, state);
  }
  if (a.is_integer() && b.is_duration()) {
    return from_time(time::multiply(b.as_duration(), a.as_integer()), op, state);
  }
  return type_error(op, a, b, state);
}

Value compare(Op op, const Value& a, const Value& b, EvalState& state) {
  auto order = order_values(a, b, state.context());
  if (!order)
    return type_error(op, a, b, state,
                      "only numbers, texts, dates, datetimes and "
                      "durations can be ordered, each with its kind");
  if (*order == std::partial_ordering::unordered) {
    return state.fail(std::string{"'"} + op_symbol(op) +
                      "' cannot order these durations: months and days have no fixed length "
                      "(compare P1M with P1M, P30D with P30D)");
  }
  switch (op) {
    case Op::less:
      return Value{std::is_lt(*order)};
    case Op::less_equal:
      return Value{std::is_lteq(*order)};
    case Op::greater:
      return Value{std::is_gt(*order)};
    case Op::greater_equal:
      return Value{std::is_gteq(*order)};
    default:
      return Value{};
  }
}

Value member_of(const Value& a, const Value& b, EvalState& state) {
  if (b.is_null()) return Value{};
  if (!b.is_list()) {
    return state.fail(std::string{"type error: 'in' needs a list on its right, got "} +
                      std::string{b.kind_name()});
  }
  const auto& list = b.as_list();
  if (!state.charge_work(list.size())) return Value{};
  for (const Value& element : list) {
    if (values_equal(a, element)) return Value{true};
  }
  return Value{false};
}

int compare_numbers(const Value& a, const Value& b) {
  if (a.is_integer() && b.is_integer()) {
    return a.as_integer() < b.as_integer() ? -1 : (a.as_integer() > b.as_integer() ? 1 : 0);
  }
  // long double holds every int64 exactly, so 2^63-1 and 9.223372036854775807e18 are told apart.
  const long double x = a.is_integer() ? static_cast<long double>(a.as_integer()) : a.as_double();
  const long double y = b.is_integer() ? static_cast<long double>(b.as_integer()) : b.as_double();
  return x < y ? -1 : (x > y ? 1 : 0);
}

Instant start_of(Date d, const Context& ctx) {
  return time::from_local(time::LocalTime{d.day.time_since_epoch()}, ctx.zone);
}

}  // namespace

const char* op_symbol(Op op) {
  switch (op) {
    case Op::negate:
      return "-";
    case Op::logical_not:
      return "not";
    case Op::add:
      return "+";
    case Op::subtract:
      return "-";
    case Op::multiply:
      return "*";
    case Op::divide:
      return "/";
    case Op::modulo:
      return "%";
    case Op::equal:
      return "=";
    case Op::not_equal:
      return "!=";
    case Op::less:
      return "<";
    case Op::less_equal:
      return "<=";
    case Op::greater:
      return ">";
    case Op::greater_equal:
      return ">=";
    case Op::in:
      return "in";
    case Op::and_jump:
    case Op::and_combine:
      return "and";
    case Op::or_jump:
    case Op::or_combine:
      return "or";
    case Op::jump_unless:
      return "if";
    default:
      return "?";
  }
}

bool values_equal(const Value& a, const Value& b) {
  if (a.is_duration() && b.is_duration()) {
    return time::compare(a.as_duration(), b.as_duration()) == std::partial_ordering::equivalent;
  }
  if (a.is_list() && b.is_list()) {
    const auto& x = a.as_list();
    const auto& y = b.as_list();
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), values_equal);
  }
  if (a.is_object() && b.is_object()) {
    const auto& x = a.as_object();
    const auto& y = b.as_object();
    return x.size() == y.size() &&
           std::equal(x.begin(), x.end(), y.begin(), [](const auto& p, const auto& q) {
             return p.first == q.first && values_equal(p.second, q.second);
           });
  }
  return a == b;
}

std::optional<std::partial_ordering> order_values(const Value& a, const Value& b,
                                                  const Context& ctx) {
  if (a.is_number() && b.is_number()) return compare_numbers(a, b) <=> 0;
  if (a.kind() != b.kind()) {
    if (a.is_date() && b.is_datetime()) return start_of(a.as_date(), ctx) <=> b.as_datetime().at;
    if (a.is_datetime() && b.is_date()) return a.as_datetime().at <=> start_of(b.as_date(), ctx);
    return std::nullopt;
  }
  switch (a.kind()) {
    case Kind::string:
      return a.as_string().compare(b.as_string()) <=> 0;
    case Kind::date:
      return a.as_date() <=> b.as_date();
    case Kind::datetime:
      return a.as_datetime().at <=> b.as_datetime().at;
    case Kind::duration:
      return time::compare(a.as_duration(), b.as_duration());
    default:
      return std::nullopt;
  }
}

Value apply_unary(Op op, const Value& v, EvalState& state) {
  if (v.is_null()) return Value{};
  if (op == Op::logical_not) {
    if (v.is_bool()) return Value{!v.as_bool()};
    return state.fail(std::string{"type error: 'not' needs true or false, got "} +
                      std::string{v.kind_name()});
  }
  if (v.is_integer()) {
    if (v.as_integer() == std::numeric_limits<std::int64_t>::min()) {
      return Value{-static_cast<double>(v.as_integer())};
    }
    return Value{-v.as_integer()};
  }
  if (v.is_double()) return Value{-v.as_double()};
  if (v.is_duration()) return from_time(time::negate(v.as_duration()), op, state);
  return state.fail(std::string{"type error: '-' cannot negate "} + std::string{v.kind_name()});
}

Value apply_binary(Op op, const Value& a, const Value& b, EvalState& state) {
  switch (op) {
    case Op::equal:
      return Value{values_equal(a, b)};
    case Op::not_equal:
      return Value{!values_equal(a, b)};
    case Op::in:
      return member_of(a, b, state);
    default:
      break;
  }
  if (a.is_null() || b.is_null()) return Value{};
  switch (op) {
    case Op::add:
      return add(a, b, state);
    case Op::subtract:
      return subtract(a, b, state);
    case Op::multiply:
      return multiply(a, b, state);
    case Op::divide:
    case Op::modulo:
      if (a.is_number() && b.is_number()) return arithmetic(op, a, b, state);
      return type_error(op, a, b, state);
    case Op::less:
    case Op::less_equal:
    case Op::greater:
    case Op::greater_equal:
      return compare(op, a, b, state);
    default:
      return state.fail("internal: not a binary operator");
  }
}

}  // namespace crmflow::expr
