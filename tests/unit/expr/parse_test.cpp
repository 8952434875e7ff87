// Syntax: literals, paths, precedence, compile errors with their columns, reads().
#include <string>
#include <vector>

#include "expr/builtins.hpp"
#include "support.hpp"

namespace crmflow::expr {
namespace {

using testing::eval;
using testing::parse_error;

TEST_CASE("literals evaluate to their values", "[expr][parse]") {
  CHECK(eval("12").as_integer() == 12);
  CHECK(eval("3.5").as_double() == 3.5);
  CHECK(eval("\"text\"").as_string() == "text");
  CHECK(eval("'text'").as_string() == "text");
  CHECK(eval("true").as_bool());
  CHECK_FALSE(eval("false").as_bool());
  CHECK(eval("null").is_null());
  CHECK(eval("[1, 2]") == Value{Value::List{1, 2}});
  CHECK(eval("[]") == Value{Value::List{}});
  CHECK(eval("{a: 1, \"b c\": 'x', if: true}") ==
        Value{Value::Object{{"a", 1}, {"b c", "x"}, {"if", true}}});
  CHECK(eval("{}") == Value{Value::Object{}});
  CHECK(eval("9223372036854775807").as_integer() == 9223372036854775807);
  CHECK(eval("9223372036854775808").is_double());  // beyond 64 bits: the nearest double
}

TEST_CASE("string literals decode their escapes", "[expr][parse]") {
  CHECK(eval(R"("a\"b")").as_string() == "a\"b");
  CHECK(eval(R"('it\'s')").as_string() == "it's");
  CHECK(eval(R"("it's")").as_string() == "it's");
  CHECK(eval(R"("\\ \n \t \r \/")").as_string() == "\\ \n \t \r /");
  CHECK(eval(R"("\u0631\u0636\u0627")").as_string() == "رضا");
  CHECK(eval(R"("\ud83d\ude00")").as_string() == "\xF0\x9F\x98\x80");
  CHECK(eval("\"سلام\"").as_string() == "سلام");
}

TEST_CASE("paths read variables, fields and indexes", "[expr][parse]") {
  Value vars = Value::Object{
      {"customer", Value::Object{{"phone", "+98912"}, {"name", "Reza"}}},
      {"items", Value::List{Value::Object{{"price", 10}}, Value::Object{{"price", 20}}}},
      {"case", Value::Object{{"key", "R-1001"}}},
      {"نام", "علی"},
      {"i", 1},
  };
  CHECK(eval("customer.phone", vars).as_string() == "+98912");
  CHECK(eval("items[0].price", vars).as_integer() == 10);
  CHECK(eval("items[i].price", vars).as_integer() == 20);
  CHECK(eval("items[-1].price", vars).as_integer() == 20);
  CHECK(eval("items[1.0].price", vars).as_integer() == 20);
  CHECK(eval("case.key", vars).as_string() == "R-1001");
  CHECK(eval("customer[\"name\"]", vars).as_string() == "Reza");
  CHECK(eval("نام", vars).as_string() == "علی");
  // Missing anything is null, never an error.
  for (const char* missing :
       {"nobody", "customer.email", "customer.phone.x", "items[5].price", "items[-3]", "items[0.5]",
        "items[\"x\"]", "customer[0]", "i.x", "[1, 2][9]", "({a: 1}).b"}) {
    INFO(missing);
    CHECK(eval(missing, vars).is_null());
  }
}

TEST_CASE("operators bind as documented", "[expr][parse]") {
  struct Row {
    const char* text;
    Value expected;
  };
  const std::vector<Row> rows = {
      {"1 + 2 * 3", 7},
      {"(1 + 2) * 3", 9},
      {"10 - 4 - 3", 3},
      {"2 * 3 % 4", 2},
      {"-2 * 3", -6},
      {"- - 2", 2},
      {"1 + 2 = 3", true},
      {"1 < 2 and 2 < 3", true},
      {"true or false and false", true},
      {"(true or false) and false", false},
      {"not 1 = 2", true},
      {"not true or true", true},
      {"not (true or true)", false},
      {"not(false) = true", true},  // the function form binds as a call
      {"2 in [1, 2] and true", true},
      {"1 + 1 in [2]", true},
      {"if 1 > 2 then 'a' else 'b' + 'c'", "bc"},
      {"1 + (if true then 1 else 2)", 2},
      {"[1, 2, 3][1] * 10", 20},
      {"{a: {b: 5}}.a.b + 1", 6},
      {"'x' == 'x'", true},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    CHECK(eval(row.text) == row.expected);
  }
}

TEST_CASE("function names ignore case, keywords do not", "[expr][parse]") {
  CHECK(eval("LOWER('AB')").as_string() == "ab");
  CHECK(eval("Starts_With('abc', 'a')").as_bool());
  CHECK(eval("NOT(true)").as_bool() == false);
  // Upper-case keywords are plain names (and so missing variables).
  CHECK(eval("TRUE").is_null());
  Value vars = Value::Object{{"count", 3}};
  CHECK(eval("count + 1", vars).as_integer() == 4);  // a variable may share a built-in's name
}

TEST_CASE("every built-in is found by its name in any ASCII case", "[expr][parse]") {
  for (int i = 0; i <= static_cast<int>(Builtin::logical_not); ++i) {
    const auto builtin = static_cast<Builtin>(i);
    std::string name{builtin_info(builtin).name};
    INFO(name);
    CHECK(find_builtin(name) == builtin);
    for (char& c : name) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    CHECK(find_builtin(name) == builtin);
  }
  CHECK_FALSE(find_builtin("lowerr").has_value());
  CHECK_FALSE(find_builtin("").has_value());
}

TEST_CASE("syntax errors give the character column and what was expected", "[expr][parse]") {
  struct Row {
    const char* text;
    std::size_t column;
    const char* message;
  };
  const std::vector<Row> rows = {
      {"a + * 2", 5, "expected a value after '+'"},
      {"", 1, "the expression is empty"},
      {"   ", 4, "the expression is empty"},
      {"(1 + 2", 7, "expected ')' to close '('"},
      {"a b", 3, "expected an operator or the end of the expression, found 'b'"},
      {"\"سلام\" + ", 10, "expected a value after '+'"},
      {"\"سلام\" @", 8, "unexpected character '@'"},
      {"'abc", 1, "unterminated text"},
      {"x = \"a\\qb\"", 7, "bad escape"},
      {"\"\\u12\"", 2, "four hexadecimal digits"},
      {"\"\\ud800\"", 2, "high surrogate"},
      {"1 < 2 < 3", 7, "comparisons do not chain"},
      {"a && b", 3, "write 'and'"},
      {"a || b", 3, "write 'or'"},
      {"!a", 1, "write 'not'"},
      {"[1, 2", 6, "expected ']' to close the list"},
      {"[1, ]", 5, "expected a value after ','"},
      {"{a 1}", 4, "expected ':' after the key"},
      {"{a: 1, a: 2}", 8, "duplicate key 'a'"},
      {"{1: 2}", 2, "expected a key"},
      {"if a then b", 12, "an 'if' needs an 'else'"},
      {"if a b else c", 6, "expected 'then'"},
      {"customer.", 10, "expected a field name after '.'"},
      {"items[]", 7, "expected an index"},
      {"12abc", 3, "a number cannot run into a name"},
      {"1 +", 4, "expected a value after '+'"},
      {"a = not b", 5, "expected a value after '='"},
      {"()", 2, "expected a value after '('"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    ParseError error = parse_error(row.text);
    CHECK(error.column == row.column);
    CHECK_THAT(error.message, Catch::Contains(row.message));
  }
}

TEST_CASE("unknown functions and wrong arity are compile errors", "[expr][parse]") {
  ParseError unknown = parse_error("1 + frobnicate(2)");
  CHECK(unknown.column == 5);
  CHECK_THAT(unknown.message, Catch::Contains("unknown function 'frobnicate'"));

  ParseError arity = parse_error("x + round(1, 2, 3)");
  CHECK(arity.column == 5);
  CHECK(arity.message == "'round' takes 1 to 2 arguments, got 3");

  CHECK(parse_error("now(1)").message == "'now' takes 0 arguments, got 1");
  CHECK(parse_error("lower()").message == "'lower' takes 1 argument, got 0");
  CHECK(parse_error("coalesce()").message == "'coalesce' takes at least 1 argument, got 0");
  CHECK_THAT(parse_error("is_defined(1 + a)").message, Catch::Contains("needs a variable path"));
  CHECK(parse_error("lower(1, )").column == 10);
}

TEST_CASE("a compiled expression lists the paths it reads", "[expr][parse]") {
  auto e = Expression::compile(
      "customer.phone != null and items[0].price > limit and items[i].x and customer.phone");
  REQUIRE(e.ok());
  std::vector<ReadPath> expected = {
      {"customer", "customer.phone", 1},
      {"items", "items[0].price", 28},
      {"limit", "limit", 45},
      {"items", "items", 55},
      {"i", "i", 61},
  };
  CHECK(e->reads() == expected);
  CHECK_FALSE(e->is_constant());
}

TEST_CASE("constant sub-expressions are folded at compile time", "[expr][parse]") {
  auto e = Expression::compile("upper('a' + 'b') + string(2 * 3)");
  REQUIRE(e.ok());
  CHECK(e->is_constant());
  CHECK(eval("upper('a' + 'b') + string(2 * 3)").as_string() == "AB6");
  // Clock-dependent calls are never folded.
  auto clock = Expression::compile("today()");
  REQUIRE(clock.ok());
  CHECK_FALSE(clock->is_constant());
  // A constant type error is kept, to fail when evaluated.
  auto bad = Expression::compile("'a' * 2");
  REQUIRE(bad.ok());
  CHECK_FALSE(bad->is_constant());
}

}  // namespace
}  // namespace crmflow::expr
