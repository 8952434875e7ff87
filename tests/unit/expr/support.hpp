// Helpers shared by the expression tests: compile-and-evaluate in one call, and Value printing.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "crmflow/value.hpp"
#include "expr/display.hpp"
#include "expr/expression.hpp"
#include "expr/scope.hpp"

namespace Catch {
template <>
struct StringMaker<crmflow::Value> {
  static std::string convert(const crmflow::Value& v) {
    return std::string{v.kind_name()} + " " + crmflow::expr::display_text(v);
  }
};
}  // namespace Catch

namespace crmflow::expr::testing {

// The value of `text` against the members of `vars`; fails the test on any error.
inline Value eval(std::string_view text, const Value& vars = Value::Object{},
                  const Context& ctx = {}) {
  auto compiled = Expression::compile(text);
  INFO("expression: " << text);
  if (!compiled)
    FAIL("compile error at " << compiled.error().column << ": " << compiled.error().message);
  ValueScope scope{vars};
  auto value = compiled->evaluate(scope, ctx);
  if (!value) FAIL("evaluation error: " << value.error().message);
  return *value;
}

// The evaluation error of `text`; fails the test when it compiles badly or evaluates fine.
inline Error eval_error(std::string_view text, const Value& vars = Value::Object{},
                        const Context& ctx = {}) {
  auto compiled = Expression::compile(text);
  INFO("expression: " << text);
  if (!compiled)
    FAIL("compile error at " << compiled.error().column << ": " << compiled.error().message);
  ValueScope scope{vars};
  auto value = compiled->evaluate(scope, ctx);
  if (value) FAIL("expected an error, got " << display_text(*value));
  return value.error();
}

// The compile error of `text`; fails the test when it compiles.
inline ParseError parse_error(std::string_view text, const ParseLimits& limits = {}) {
  auto compiled = Expression::compile(text, limits);
  INFO("expression: " << text);
  if (compiled) FAIL("expected a compile error");
  return compiled.error();
}

}  // namespace crmflow::expr::testing
