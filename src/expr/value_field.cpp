#include "expr/value_field.hpp"

#include <utility>

namespace crmflow::expr {

ParseResult<ValueField> ValueField::compile(const Value& value, const ParseLimits& limits) {
  ValueField field;
  if (!value.is_string() || !is_expression_field(value.as_string())) {
    field.literal_ = value;
    return field;
  }
  auto expression =
      Expression::compile_at(std::string_view{value.as_string()}.substr(1), 1, limits);
  if (!expression) return expression.error();
  field.expression_ = std::move(expression).value();
  return field;
}

Result<Value> ValueField::evaluate(const Scope& scope, const Context& ctx) const {
  if (expression_) return expression_->evaluate(scope, ctx);
  return literal_;
}

}  // namespace crmflow::expr
