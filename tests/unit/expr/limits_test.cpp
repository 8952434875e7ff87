// Bounds: text length and nesting at compile time; steps, string and list sizes when evaluating.
#include <random>
#include <string>
#include <vector>

#include "expr/template.hpp"
#include "support.hpp"
#include "value/utf8.hpp"

namespace crmflow::expr {
namespace {

using testing::eval;
using testing::eval_error;
using testing::parse_error;

TEST_CASE("texts longer than the limit are refused", "[expr][limits]") {
  ParseLimits limits{.max_text_bytes = 10};
  ParseError e = parse_error("1 + 2 + 3 + 4", limits);
  CHECK(e.column == 1);
  CHECK_THAT(e.message, Catch::Contains("limit max_expression_bytes = 10"));
  CHECK(Expression::compile("1 + 2", limits).ok());
}

TEST_CASE("deep nesting is refused without overflowing the stack", "[expr][limits]") {
  for (const char* open : {"(", "[", "-", "not ", "if true then "}) {
    INFO(open);
    std::string text;
    for (int i = 0; i < 100'000; ++i) text += open;
    text += "1";
    ParseError e = parse_error(text, ParseLimits{.max_text_bytes = 10'000'000});
    CHECK_THAT(e.message,
               Catch::Contains("nests deeper than 200 levels (limit max_expression_depth = 200)"));
  }
  std::string fine;
  for (int i = 0; i < 150; ++i) fine += "(";
  fine += "7";
  for (int i = 0; i < 150; ++i) fine += ")";
  CHECK(eval(fine).as_integer() == 7);
}

TEST_CASE("long flat chains compile and run without recursion", "[expr][limits]") {
  std::string text = "x";
  for (int i = 0; i < 15'000; ++i) text += " + x";  // 60,001 bytes, within max_text_bytes
  auto e = Expression::compile(text);
  REQUIRE(e.ok());
  Value vars = Value::Object{{"x", 1}};
  ValueScope scope{vars};
  auto v = e->evaluate(scope, Context{});
  REQUIRE(v.ok());
  CHECK(v->as_integer() == 15'001);
}

TEST_CASE("evaluation stops at the step limit", "[expr][limits]") {
  std::string text = "x";
  for (int i = 0; i < 1'000; ++i) text += " + x";
  Value vars = Value::Object{{"x", 1}};
  Context ctx;
  ctx.limits.max_steps = 500;
  Error e = eval_error(text, vars, ctx);
  CHECK(e.code == ErrorCode::invalid_input);
  CHECK_THAT(e.message, Catch::Contains("more than 500 steps (limit max_steps)"));
  // Built-ins pay for the work they do on large values.
  Value big = Value::Object{{"list", Value::List(100'000, Value{1})}};
  ctx.limits.max_steps = 1'000;
  CHECK_THAT(eval_error("sum(list)", big, ctx).message, Catch::Contains("limit max_steps"));
  ctx.limits.max_steps = 100'000;
  CHECK(eval("sum(list)", big, ctx).as_integer() == 100'000);
}

TEST_CASE("strings and lists cannot grow past their limits", "[expr][limits]") {
  Value vars = Value::Object{{"s", std::string(600 * 1024, 'x')}};
  Error e = eval_error("s + s", vars);
  CHECK(e.code == ErrorCode::invalid_input);
  CHECK_THAT(e.message, Catch::Contains("more than 1048576 (limit max_string_bytes)"));
  CHECK(eval("length(s + 'y')", vars).as_integer() == 600 * 1024 + 1);

  Context small;
  small.limits.max_string_bytes = 8;
  CHECK_THAT(eval_error("upper(s)", vars, small).message, Catch::Contains("max_string_bytes"));
  CHECK_THAT(eval_error("x + 'abcdefghi'", Value::Object{{"x", ""}}, small).message,
             Catch::Contains("max_string_bytes"));
  small.limits.max_list_size = 2;
  CHECK_THAT(eval_error("[x, x, x]", Value::Object{{"x", 1}}, small).message,
             Catch::Contains("max_list_size"));
}

// Random token soup: every text either fails to compile with a column inside it, or evaluates
// to a value or an invalid_input error; nothing crashes, hangs or reports an internal error.
TEST_CASE("random token soup never crashes the compiler or the evaluator", "[expr][limits]") {
  const std::vector<std::string> tokens = {"1",
                                           "0",
                                           "-",
                                           "2.5",
                                           "'a'",
                                           "\"سلام\"",
                                           "x",
                                           "y.z",
                                           "items[0]",
                                           "[",
                                           "]",
                                           "{",
                                           "}",
                                           "(",
                                           ")",
                                           ",",
                                           ":",
                                           "+",
                                           "*",
                                           "/",
                                           "%",
                                           "=",
                                           "!=",
                                           "<",
                                           ">=",
                                           "and",
                                           "or",
                                           "not",
                                           "in",
                                           "if",
                                           "then",
                                           "else",
                                           "null",
                                           "true",
                                           "false",
                                           "lower(",
                                           "sum(",
                                           "is_defined(",
                                           "coalesce(",
                                           "round(",
                                           "string(",
                                           "length(",
                                           "date('2026-01-01')",
                                           "duration('P1D')",
                                           "now()",
                                           ".",
                                           "k:",
                                           "not(",
                                           "contains(",
                                           "max(",
                                           "format_date(",
                                           "'jalali'",
                                           "today()",
                                           "number("};
  Value vars = Value::Object{
      {"x", 3}, {"y", Value::Object{{"z", "w"}}}, {"items", Value::List{1, "b", nullptr}}};
  ValueScope scope{vars};
  std::mt19937 random{20260202};
  std::size_t compiled = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string text;
    const int count = 1 + static_cast<int>(random() % 14);
    for (int t = 0; t < count; ++t) {
      text += tokens[random() % tokens.size()];
      text += ' ';
    }
    INFO(text);
    auto e = Expression::compile(text);
    if (!e) {
      CHECK(e.error().column >= 1);
      CHECK(e.error().column <= crmflow::text::count_chars(text) + 1);
      CHECK_FALSE(e.error().message.empty());
      continue;
    }
    ++compiled;
    auto v = e->evaluate(scope, Context{});
    if (!v) {
      CHECK(v.error().code == ErrorCode::invalid_input);
      CHECK_THAT(v.error().message, !Catch::Contains("internal"));
    }
  }
  CHECK(compiled > 300);  // the soup must reach the evaluator often enough to test it
}

TEST_CASE("a template's text is bound by max_output_bytes", "[expr][limits][template]") {
  const Value vars = Value::Object{{"name", Value{std::string(100, 'x')}}};
  ValueScope scope{vars};
  auto t = Template::compile("Dear {{ name }}, {{ name }}");
  REQUIRE(t.ok());
  Context ctx;
  ctx.limits.max_output_bytes = 207;  // "Dear " + 100 + ", " + 100 is 207 bytes
  REQUIRE(t->render(scope, ctx).ok());
  CHECK(t->render(scope, ctx)->text.size() == 207);
  ctx.limits.max_output_bytes = 206;
  auto refused = t->render(scope, ctx);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::invalid_input);
  CHECK(refused.error().message ==
        "the template's text grew beyond 206 bytes (limit max_output_bytes = 206)");
  // The smaller of the two bounds counts, named as it is.
  ctx.limits.max_output_bytes = 1000;
  ctx.limits.max_string_bytes = 50;
  auto strings = t->render(scope, ctx);
  REQUIRE_FALSE(strings.ok());
  CHECK_THAT(strings.error().message, Catch::Contains("(limit max_string_bytes = 50)"));
  // The default is 1 MiB.
  CHECK(EvalLimits{}.max_output_bytes == 1024 * 1024);
}

}  // namespace
}  // namespace crmflow::expr
