#include "runtime/variables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "expr/expression.hpp"
#include "expr/scope.hpp"
#include "time/iso8601.hpp"

namespace crmflow::runtime {

using model::ValueType;

std::string_view type_name(ValueType type) {
  switch (type) {
    case ValueType::string:
      return "string";
    case ValueType::text:
      return "text";
    case ValueType::number:
      return "number";
    case ValueType::integer:
      return "integer";
    case ValueType::boolean:
      return "boolean";
    case ValueType::date:
      return "date";
    case ValueType::datetime:
      return "datetime";
    case ValueType::duration:
      return "duration";
    case ValueType::list:
      return "list";
    case ValueType::object:
      return "object";
    case ValueType::any:
      return "any";
  }
  return "any";
}

namespace {

Error wrong_type(const Value& value, ValueType type, std::string_view what) {
  return invalid_input(fmt::format("{} must be {} {}, not {}", what,
                                   type == ValueType::integer ? "an" : "a", type_name(type),
                                   value.kind_name()));
}

}  // namespace

Result<Value> coerce(const Value& value, ValueType type, std::string_view what,
                     const date::time_zone* zone) {
  switch (type) {
    case ValueType::any:
      return value;
    case ValueType::string:
    case ValueType::text:
      if (value.is_string()) return value;
      break;
    case ValueType::number:
      if (value.is_number()) return value;
      break;
    case ValueType::integer:
      if (value.is_integer()) return value;
      if (value.is_double()) {
        const double d = value.as_double();
        if (std::trunc(d) == d && std::abs(d) < 9.0e15) return Value{static_cast<std::int64_t>(d)};
      }
      break;
    case ValueType::boolean:
      if (value.is_bool()) return value;
      break;
    case ValueType::list:
      if (value.is_list()) return value;
      break;
    case ValueType::object:
      if (value.is_object()) return value;
      break;
    case ValueType::date:
      if (value.is_date()) return value;
      if (value.is_string()) {
        auto parsed = time::parse_date(value.as_string());
        if (!parsed) return invalid_input(fmt::format("{}: {}", what, parsed.error().message));
        return Value{*parsed};
      }
      break;
    case ValueType::datetime:
      if (value.is_datetime()) return value;
      if (value.is_string()) {
        auto parsed = time::parse_datetime(value.as_string(), zone);
        if (!parsed) return invalid_input(fmt::format("{}: {}", what, parsed.error().message));
        return Value{*parsed};
      }
      break;
    case ValueType::duration:
      if (value.is_duration()) return value;
      if (value.is_string()) {
        auto parsed = time::parse_duration(value.as_string());
        if (!parsed) return invalid_input(fmt::format("{}: {}", what, parsed.error().message));
        return Value{*parsed};
      }
      break;
  }
  return wrong_type(value, type, what);
}

void assign_path(Value& root, std::string_view name, Value value) {
  if (!root.is_object()) root = Value::Object{};
  const auto dot = name.find('.');
  if (dot == std::string_view::npos) {
    root.set(std::string{name}, std::move(value));
    return;
  }
  const std::string head{name.substr(0, dot)};
  Value child = root[head];
  assign_path(child, name.substr(dot + 1), std::move(value));
  root.set(head, std::move(child));
}

Result<Value> check_form(const std::vector<model::FormField>& form, const Value& vars,
                         std::string_view owner, const date::time_zone* zone) {
  Value out = vars.is_null() ? Value{Value::Object{}} : vars;
  for (const model::FormField& field : form) {
    const Value* given = vars.find(field.name);
    const std::string what = fmt::format("{}: form field '{}'", owner, field.name);
    if (given == nullptr || given->is_null()) {
      if (field.required) {
        return invalid_input(fmt::format("{} is required; submit it with the task", what));
      }
      continue;
    }
    auto value = coerce(*given, field.type, what, zone);
    if (!value) return std::move(value).error();
    if (!field.options.empty() &&
        std::find(field.options.begin(), field.options.end(), *value) == field.options.end()) {
      return invalid_input(fmt::format("{} must be one of its options", what));
    }
    out.set(field.name, std::move(*value));
  }
  return out;
}

// The start variables checked against `variables:`: required ones present, types right (ISO
// text converted), defaults filled in (a default expression reads the variables given).
Result<Value> check_start_variables(const model::Definition& d, const Value& given, Instant now,
                                    const date::time_zone* zone, const expr::EvalLimits& limits) {
  if (!given.is_null() && !given.is_object()) {
    return invalid_input(
        fmt::format("process '{}': the start variables must be an object of "
                    "name: value, not {}",
                    d.process_id, given.kind_name()));
  }
  Value vars = given.is_null() ? Value{Value::Object{}} : given;
  for (const model::VariableDeclaration& decl : d.variables) {
    const Value* value = given.find(decl.name);
    const std::string what = fmt::format("process '{}': variable '{}'", d.process_id, decl.name);
    if (value == nullptr || value->is_null()) {
      if (decl.default_value) {
        Value fallback = decl.default_value->literal;
        if (decl.default_value->expression) {
          const expr::ValueScope scope{given};
          auto computed = decl.default_value->expression->evaluate(
              scope, expr::Context{.now = now, .zone = zone, .limits = limits});
          if (!computed) {
            return invalid_input(
                fmt::format("{}: its default failed: {}", what, computed.error().message));
          }
          fallback = std::move(*computed);
        }
        vars.set(decl.name, std::move(fallback));
      } else if (decl.required) {
        return invalid_input(fmt::format("{} is required; pass it when starting the case", what));
      }
      continue;
    }
    auto checked = coerce(*value, decl.type, what, zone);
    if (!checked) return std::move(checked).error();
    vars.set(decl.name, std::move(*checked));
  }
  return vars;
}

}  // namespace crmflow::runtime
