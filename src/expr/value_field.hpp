// crmflow::expr: "value fields" of the process language (`set`, `input`, `output`,
// `collect.value`, `variables.default`, submitted values): a YAML value is taken literally
// unless it is a string that begins with `=`; then the rest of the string is an expression.
//
//   auto total = crmflow::expr::ValueField::compile(Value{"= price * qty"});  // an expression
//   auto status = crmflow::expr::ValueField::compile(Value{"approved"});      // literal text
//   crmflow::Result<Value> v = total->evaluate(scope, ctx);
//
// A literal text that begins with `=` is written as an expression: `= "=5"`.
// Thread safety: immutable once compiled.
#pragma once

#include <optional>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/value.hpp"
#include "expr/expression.hpp"

namespace crmflow::expr {

// Whether `text` is an expression field (its first character is `=`).
inline bool is_expression_field(std::string_view text) {
  return !text.empty() && text.front() == '=';
}

class ValueField {
 public:
  // Compiles `value`. Errors only for an expression field that does not compile; the column
  // counts from the `=` (column 1), so `"= a +"` reports column 5.
  static ParseResult<ValueField> compile(const Value& value, const ParseLimits& limits = {});

  // The literal value, or the expression's value (errors as Expression::evaluate).
  Result<Value> evaluate(const Scope& scope, const Context& ctx) const;

  // The expression, or nullptr for a literal.
  const Expression* expression() const { return expression_ ? &*expression_ : nullptr; }
  // The literal value. REQUIRES: expression() == nullptr.
  const Value& literal() const { return literal_; }

 private:
  Value literal_;
  std::optional<Expression> expression_;
};

}  // namespace crmflow::expr
