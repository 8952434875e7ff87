// Built-in functions on texts, numbers and lists, each with its null cases and type errors.
#include <string>
#include <vector>

#include "support.hpp"

namespace crmflow::expr {
namespace {

using testing::eval;
using testing::eval_error;

struct Row {
  const char* text;
  Value expected;
};

const Value& vars() {
  static const Value v = Value::Object{
      {"name", "  Reza Ahmadi  "},
      {"prices", Value::List{100, 250, 50}},
      {"mixed", Value::List{1, 2.5}},
      {"with_null", Value::List{1, nullptr, 3}},
      {"empty", Value::List{}},
      {"nothing", nullptr},
      {"customer", Value::Object{{"phone", "+98912"}, {"fax", nullptr}}},
  };
  return v;
}

void check_rows(const std::vector<Row>& rows) {
  for (const auto& row : rows) {
    INFO(row.text);
    Value got = eval(row.text, vars());
    CHECK(got == row.expected);
    CHECK(got.kind() == row.expected.kind());
  }
}

void check_errors(const std::vector<std::pair<const char*, const char*>>& rows) {
  for (const auto& [text, message] : rows) {
    INFO(text);
    Error e = eval_error(text, vars());
    CHECK(e.code == ErrorCode::invalid_input);
    CHECK_THAT(e.message, Catch::Contains(message));
  }
}

TEST_CASE("text built-ins", "[expr][builtins]") {
  check_rows({
      {"lower('HeLLo ÀÉ ΣΩ ДЖ')", "hello àé σω дж"},
      {"upper('straße ñ я')", "STRAßE Ñ Я"},
      {"upper('سلام abc')", "سلام ABC"},
      {"lower(null)", nullptr},
      {"upper(nothing)", nullptr},
      {"trim(name)", "Reza Ahmadi"},
      {"trim('\u00a0\t x y \n\u3000')", "x y"},
      {"trim('\u200cنیم\u200c')", "\u200cنیم\u200c"},  // ZWNJ is not white space
      {"trim(null)", nullptr},
      {"contains('phone repair', 'rep')", true},
      {"contains('phone', 'x')", false},
      {"contains('تعمیر گوشی', 'گوشی')", true},
      {"contains('abc', '')", true},
      {"contains(prices, 250)", true},
      {"contains(prices, 7)", false},
      {"contains(null, 'a')", nullptr},
      {"contains('a', null)", nullptr},
      {"starts_with('R-1001', 'R-')", true},
      {"starts_with('R-1001', '1')", false},
      {"starts_with(null, 'a')", nullptr},
      {"ends_with('R-1001', '01')", true},
      {"ends_with('R-1001', 'R')", false},
      {"ends_with('x', null)", nullptr},
      {"length('abc')", 3},
      {"length('سلام')", 4},  // characters, not bytes (8 bytes)
      {"length('')", 0},
      {"length(prices)", 3},
      {"length({a: 1, b: 2})", 2},
      {"length(null)", nullptr},
      {"persian_digits('R-1001 ۵')", "R-۱۰۰۱ ۵"},
      {"persian_digits(2500000)", "۲۵۰۰۰۰۰"},
      {"persian_digits(3.5)", "۳.۵"},
      {"persian_digits(null)", nullptr},
      {"json('«آماده» \"A52\"')", "\"«آماده» \\\"A52\\\"\""},
      {"json(2500000)", "2500000"},
      {"json(null)", "null"},
      {"json({b: [1, true], a: 'x'})", "{\"a\":\"x\",\"b\":[1,true]}"},
      {"json(date('2026-02-02'))", "\"2026-02-02\""},
  });
  check_errors({
      {"lower(5)", "type error: 'lower' needs a text, got integer"},
      {"upper(true)", "'upper' needs a text, got boolean"},
      {"trim([1])", "'trim' needs a text, got list"},
      {"contains(5, 'a')", "'contains' needs a text, got integer"},
      {"starts_with('a', 1)", "'starts_with' needs a text, got integer"},
      {"length(5)", "'length' needs a text, a list or an object, got integer"},
      {"persian_digits(true)", "'persian_digits' needs a text or a number, got boolean"},
  });
}

TEST_CASE("contains stays linear on adversarial text", "[expr][builtins]") {
  Value big =
      Value::Object{{"hay", std::string(200'000, 'a')}, {"needle", std::string(50'000, 'a') + "b"}};
  CHECK(eval("contains(hay, needle)", big).as_bool() == false);
  CHECK(eval("contains(hay + 'b', needle)", big).as_bool() == true);
}

TEST_CASE("number and list built-ins", "[expr][builtins]") {
  check_rows({
      {"count(prices)", 3},
      {"count([])", 0},
      {"count(null)", nullptr},
      {"sum(prices)", 400},
      {"sum(mixed)", 3.5},
      {"sum(1, 2, 3)", 6},
      {"sum(empty)", 0},
      {"sum(with_null)", nullptr},
      {"sum(null)", nullptr},
      {"sum(9223372036854775807, 1)", 9223372036854775808.0},
      {"min(prices)", 50},
      {"max(prices)", 250},
      {"min(3, 1.5, 2)", 1.5},
      {"max('apple', 'pear')", "pear"},
      {"min(empty)", nullptr},
      {"max(with_null)", nullptr},
      {"min(null)", nullptr},
      {"max(date('2026-01-01'), date('2026-03-01'))",
       Value{Date{std::chrono::sys_days{std::chrono::year{2026} / 3 / 1}}}},
      {"round(2.5)", 3},
      {"round(-2.5)", -3},  // half away from zero
      {"round(2.4)", 2},
      {"round(2.675, 2)", 2.68},  // as written, not as stored in binary
      {"round(1.005, 2)", 1.01},
      {"round(-1.005, 2)", -1.01},
      {"round(0.125, 2)", 0.13},
      {"round(9.995, 2)", 10.0},
      {"round(1234.5678, -2)", 1200},
      {"round(1250, -2)", 1300},
      {"round(-1250, -2)", -1300},
      {"round(1249, -2)", 1200},
      {"round(7, 2)", 7},
      {"round(0.5)", 1},
      {"round(null)", nullptr},
      {"round(1.5, null)", nullptr},
      {"abs(-3)", 3},
      {"abs(-2.5)", 2.5},
      {"abs(4)", 4},
      {"abs(null)", nullptr},
      {"floor(2.7)", 2},
      {"floor(-2.1)", -3},
      {"floor(5)", 5},
      {"floor(null)", nullptr},
      {"ceil(2.1)", 3},
      {"ceil(-2.7)", -2},
      {"ceil(null)", nullptr},
  });
  check_errors({
      {"count('abc')", "'count' needs a list, got string"},
      {"sum(['a'])", "'sum' needs numbers, got string"},
      {"sum('a')", "'sum' needs a list of numbers, got string"},
      {"min([1, 'a'])", "'min' cannot order string against integer"},
      {"max([true])", "'max' needs numbers, texts, dates, datetimes or durations, got boolean"},
      {"round('1')", "'round' needs a number, got string"},
      {"round(1.5, 0.5)", "'round' needs a whole number of decimals, got number"},
      {"abs('x')", "'abs' needs a number, got string"},
      {"floor(true)", "'floor' needs a number, got boolean"},
      {"ceil([])", "'ceil' needs a number, got list"},
  });
}

TEST_CASE("conversions: string, number, coalesce, is_defined, not", "[expr][builtins]") {
  check_rows({
      {"string(12)", "12"},
      {"string(3.0)", "3"},
      {"string(3.5)", "3.5"},
      {"string(0.1 + 0.2)", "0.30000000000000004"},
      {"string(2000000 * 1.5)", "3000000"},
      {"string(-0.0)", "0"},
      {"string(true)", "true"},
      {"string('x')", "x"},
      {"string([1, 'a', null, [true]])", "[1, \"a\", null, [true]]"},
      {"string({b: 1, a: 'x'})", "{\"a\": \"x\", \"b\": 1}"},
      {"string(null)", nullptr},
      {"number('12')", 12},
      {"number(' 3.5 ')", 3.5},
      {"number('-7')", -7},
      {"number('+7')", 7},
      {"number('1e3')", 1000.0},
      {"number('۱۲۳')", 123},
      {"number('٣٫٥')", 3.5},
      {"number('12abc')", nullptr},
      {"number('')", nullptr},
      {"number('inf')", nullptr},
      {"number('1,000')", nullptr},
      {"number(42)", 42},
      {"number(null)", nullptr},
      {"coalesce(null, nothing, 3, 4)", 3},
      {"coalesce(customer.email, 'none')", "none"},
      {"coalesce(null)", nullptr},
      {"is_defined(customer.phone)", true},
      {"is_defined(customer.fax)", true},  // exists, with a null value
      {"is_defined(customer.email)", false},
      {"is_defined(nothing)", true},
      {"is_defined(nobody)", false},
      {"is_defined(nobody.x)", false},
      {"is_defined(prices[2])", true},
      {"is_defined(prices[3])", false},
      {"not(true)", false},
      {"not(null)", nullptr},
  });
  check_errors({
      {"number(true)", "'number' needs a text or a number, got boolean"},
      {"not('x')", "'not' needs true or false, got string"},
  });
}

}  // namespace
}  // namespace crmflow::expr
