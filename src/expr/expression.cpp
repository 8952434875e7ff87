#include "expr/expression.hpp"

#include <string>
#include <utility>

#include "expr/compiler.hpp"
#include "expr/evaluator.hpp"
#include "expr/program.hpp"

namespace crmflow::expr {

ParseResult<Expression> Expression::compile(std::string_view text, const ParseLimits& limits) {
  return compile_at(text, 0, limits);
}

ParseResult<Expression> Expression::compile_at(std::string_view text, std::size_t column_offset,
                                               const ParseLimits& limits) {
  auto program = compile_program(text, limits, column_offset);
  if (!program) return program.error();
  return Expression{std::move(program).value()};
}

Result<Value> Expression::evaluate(const Scope& scope, const Context& ctx) const {
  return run_program(*program_, scope, ctx);
}

Result<bool> Expression::evaluate_condition(const Scope& scope, const Context& ctx) const {
  Result<Value> value = run_program(*program_, scope, ctx);
  if (!value) return std::move(value).error();
  if (value->is_bool()) return value->as_bool();
  if (value->is_null()) return false;
  return invalid_input("type error: a condition must give true or false, got " +
                       std::string{value->kind_name()});
}

const std::string& Expression::text() const { return program_->text; }
const std::vector<ReadPath>& Expression::reads() const { return program_->reads; }
bool Expression::is_constant() const {
  return program_->code.size() == 1 && program_->code[0].op == Op::push_const;
}

}  // namespace crmflow::expr
