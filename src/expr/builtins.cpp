#include "expr/builtins.hpp"

#include <array>
#include <string>

#include "crmflow/json.hpp"
#include "expr/builtin_groups.hpp"
#include "expr/display.hpp"
#include "expr/operators.hpp"
#include "expr/text_functions.hpp"
#include "value/utf8.hpp"

namespace crmflow::expr {
namespace {

constexpr std::uint8_t kAny = kVariadic;

// In the order of enum Builtin.
constexpr std::array<BuiltinInfo, 29> kBuiltins{{
    {"now", 0, 0, false},         {"today", 0, 0, false},         {"date", 1, 1, false},
    {"datetime", 1, 1, false},    {"duration", 1, 1, false},      {"days_between", 2, 2, false},
    {"lower", 1, 1, true},        {"upper", 1, 1, true},          {"trim", 1, 1, true},
    {"contains", 2, 2, true},     {"starts_with", 2, 2, true},    {"ends_with", 2, 2, true},
    {"length", 1, 1, true},       {"count", 1, 1, true},          {"sum", 1, kAny, true},
    {"min", 1, kAny, false},  // may compare a date with a datetime in the context zone
    {"max", 1, kAny, false},      {"round", 1, 2, true},          {"abs", 1, 1, true},
    {"floor", 1, 1, true},        {"ceil", 1, 1, true},           {"string", 1, 1, true},
    {"number", 1, 1, true},       {"is_defined", 1, 1, false},    {"coalesce", 1, kAny, true},
    {"format_date", 2, 3, false}, {"persian_digits", 1, 1, true}, {"not", 1, 1, true},
    {"json", 1, 1, true},
}};

static_assert(kBuiltins.size() == static_cast<std::size_t>(Builtin::json) + 1,
              "one BuiltinInfo per Builtin, in order");

bool same_ignoring_ascii_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

// The text argument of a text function; null when the call should give null.
const std::string* text_argument(Builtin builtin, const Value& v, EvalState& state) {
  if (v.is_string()) return &v.as_string();
  if (!v.is_null()) argument_error(builtin, "a text", v, state);
  return nullptr;
}

Value text_result(std::string text, EvalState& state) {
  if (!state.check_string(text.size())) return Value{};
  return Value{std::move(text)};
}

Value call_text(Builtin builtin, Args args, EvalState& state) {
  if (builtin == Builtin::contains && args[0].is_list()) {
    if (!state.charge_work(args[0].as_list().size())) return Value{};
    for (const Value& element : args[0].as_list()) {
      if (values_equal(element, args[1])) return Value{true};
    }
    return Value{false};
  }
  const std::string* a = text_argument(builtin, args[0], state);
  if (a == nullptr) return Value{};
  if (!state.charge_work(a->size())) return Value{};
  switch (builtin) {
    case Builtin::lower:
      return text_result(to_lower(*a), state);
    case Builtin::upper:
      return text_result(to_upper(*a), state);
    case Builtin::trim:
      return Value{std::string{trim_space(*a)}};
    default:
      break;
  }
  const std::string* b = text_argument(builtin, args[1], state);
  if (b == nullptr) return Value{};
  const std::string_view haystack = *a;
  switch (builtin) {
    case Builtin::contains:
      return Value{contains_text(haystack, *b)};
    case Builtin::starts_with:
      return Value{haystack.starts_with(*b)};
    case Builtin::ends_with:
      return Value{haystack.ends_with(*b)};
    default:
      return Value{};
  }
}

Value call_length(Args args, EvalState& state) {
  const Value& v = args[0];
  if (v.is_null()) return Value{};
  if (v.is_string()) {
    if (!state.charge_work(v.as_string().size())) return Value{};
    return Value{static_cast<std::int64_t>(text::count_chars(v.as_string()))};
  }
  if (v.is_list() || v.is_object()) return Value{static_cast<std::int64_t>(v.size())};
  return argument_error(Builtin::length, "a text, a list or an object", v, state);
}

Value call_string(Args args, EvalState& state) {
  const Value& v = args[0];
  if (v.is_null()) return Value{};
  if (v.is_string()) return v;
  if (v.is_list() || v.is_object()) {
    if (!state.charge_work(v.size())) return Value{};
  }
  return text_result(display_text(v), state);
}

Value call_number(Args args, EvalState& state) {
  const Value& v = args[0];
  if (v.is_null() || v.is_number()) return v;
  if (!v.is_string()) return argument_error(Builtin::number, "a text or a number", v, state);
  if (!state.charge_work(v.as_string().size())) return Value{};
  auto number = parse_number_text(v.as_string());
  return number ? *number : Value{};
}

Value call_persian_digits(Args args, EvalState& state) {
  const Value& v = args[0];
  if (v.is_null()) return Value{};
  if (v.is_number()) return Value{to_persian_digits(format_number(v))};
  if (!v.is_string())
    return argument_error(Builtin::persian_digits, "a text or a number", v, state);
  if (!state.charge_work(v.as_string().size())) return Value{};
  return text_result(to_persian_digits(v.as_string()), state);
}

}  // namespace

std::optional<Builtin> find_builtin(std::string_view name) {
  for (std::size_t i = 0; i < kBuiltins.size(); ++i) {
    if (same_ignoring_ascii_case(name, kBuiltins[i].name)) return static_cast<Builtin>(i);
  }
  return std::nullopt;
}

const BuiltinInfo& builtin_info(Builtin builtin) {
  return kBuiltins[static_cast<std::size_t>(builtin)];
}

Value argument_error(Builtin builtin, std::string_view wanted, const Value& got, EvalState& state) {
  return state.fail(std::string{"type error: '"} + std::string{builtin_info(builtin).name} +
                    "' needs " + std::string{wanted} + ", got " + std::string{got.kind_name()});
}

Value call_builtin(Builtin builtin, std::span<const Value> args, EvalState& state) {
  switch (builtin) {
    case Builtin::lower:
    case Builtin::upper:
    case Builtin::trim:
    case Builtin::contains:
    case Builtin::starts_with:
    case Builtin::ends_with:
      return call_text(builtin, args, state);
    case Builtin::length:
      return call_length(args, state);
    case Builtin::string:
      return call_string(args, state);
    case Builtin::number:
      return call_number(args, state);
    case Builtin::persian_digits:
      return call_persian_digits(args, state);
    case Builtin::coalesce:
      for (const Value& v : args) {
        if (!v.is_null()) return v;
      }
      return Value{};
    case Builtin::logical_not:
      return apply_unary(Op::logical_not, args[0], state);
    case Builtin::json: {
      // JSON text of any value (plain style: dates as ISO 8601 strings), for templates that
      // build a JSON body: `{"message": {{ json(text) }}}` quotes and escapes the text.
      std::string text = to_json(args[0]);
      if (!state.check_string(text.size())) return Value{};
      return Value{std::move(text)};
    }
    case Builtin::count:
    case Builtin::sum:
    case Builtin::min:
    case Builtin::max:
    case Builtin::round:
    case Builtin::abs:
    case Builtin::floor:
    case Builtin::ceil:
      return call_math(builtin, args, state);
    case Builtin::now:
    case Builtin::today:
    case Builtin::date:
    case Builtin::datetime:
    case Builtin::duration:
    case Builtin::days_between:
    case Builtin::format_date:
      return call_time(builtin, args, state);
    case Builtin::is_defined:
      break;  // compiled to Op::is_defined
  }
  return state.fail("internal: built-in has no implementation");
}

}  // namespace crmflow::expr
