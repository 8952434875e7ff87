// Operators: arithmetic, comparison, logic, membership, with their null rules and type errors.
#include <cstdint>
#include <limits>
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

void check_rows(const std::vector<Row>& rows, const Value& vars = Value::Object{}) {
  for (const auto& row : rows) {
    INFO(row.text);
    Value got = eval(row.text, vars);
    CHECK(got == row.expected);
    CHECK(got.kind() == row.expected.kind());
  }
}

TEST_CASE("arithmetic keeps integers exact and divides like FEEL", "[expr][operators]") {
  check_rows({
      {"1 + 2", 3},
      {"1 + 2.5", 3.5},
      {"5 - 7", -2},
      {"6 * 7", 42},
      {"7 / 2", 3.5},
      {"6 / 2", 3},  // exact division stays an integer
      {"-6 / 4", -1.5},
      {"6.0 / 2", 3.0},
      {"7 % 3", 1},
      {"-7 % 3", 2},  // the sign of the divisor (floored)
      {"7 % -3", -2},
      {"7.5 % 2", 1.5},
      {"1 / 0", nullptr},
      {"1.5 / 0", nullptr},
      {"1 % 0", nullptr},
      {"-(3)", -3},
      {"-2.5", -2.5},
      {"9007199254740993 + 0", 9007199254740993},  // exact beyond doubles' 53 bits
      {"'ab' + 'cd'", "abcd"},
      {"'سلام' + ' ' + 'دنیا'", "سلام دنیا"},
  });
}

TEST_CASE("integer overflow turns into a double", "[expr][operators]") {
  Value big = eval("9223372036854775807 + 1");
  REQUIRE(big.is_double());
  CHECK(big.as_double() == 9223372036854775808.0);
  CHECK(eval("-9223372036854775807 - 10").is_double());
  CHECK(eval("9223372036854775807 * 2").is_double());
  Value vars = Value::Object{{"min", std::numeric_limits<std::int64_t>::min()}};
  CHECK(eval("-min", vars).is_double());
  CHECK(eval("min / -1", vars).is_double());
  CHECK(eval("min % -1", vars).as_integer() == 0);
  auto huge = eval_error("big * 10", Value::Object{{"big", 1e308}});
  CHECK(huge.code == ErrorCode::invalid_input);
}

TEST_CASE("arithmetic and ordering with null give null", "[expr][operators]") {
  for (const char* text :
       {"null + 1", "1 - null", "null * null", "2 / null", "null % 2", "-null", "null < 1",
        "1 <= null", "null > null", "'a' >= null", "not null", "null + 'a'", "x + 1", "x.y * 2"}) {
    INFO(text);
    CHECK(eval(text).is_null());
  }
}

TEST_CASE("equality compares values deeply; null equals only null", "[expr][operators]") {
  check_rows({
      {"1 = 1.0", true},
      {"1 != 2", true},
      {"'a' = 'a'", true},
      {"'a' = 'A'", false},
      {"1 = '1'", false},
      {"null = null", true},
      {"x = null", true},
      {"1 = null", false},
      {"null != 0", true},
      {"[1, [2, 'x']] = [1, [2, 'x']]", true},
      {"[1, 2] = [2, 1]", false},
      {"{a: 1, b: [true]} = {b: [true], a: 1.0}", true},
      {"{a: 1} = {a: 1, b: null}", false},
      {"duration('P1D') = duration('PT24H')", true},
      {"[duration('P1D')] = [duration('PT24H')]", true},
      {"{d: duration('P1Y')} = {d: duration('P12M')}", true},
      {"date('2026-02-02') = date('2026-02-02')", true},
      {"datetime('2026-01-03T09:00:00+03:30') = datetime('2026-01-03T05:30:00Z')", true},
  });
}

TEST_CASE("ordering compares numbers, texts, dates, datetimes and durations", "[expr][operators]") {
  check_rows({
      {"1 < 2", true},
      {"2 <= 2", true},
      {"2.5 > 2", true},
      {"9223372036854775807 > 9223372036854775806.0", false},  // 2^63-1 vs the double 2^63
      {"9223372036854775807 < 9223372036854775807.0", true},
      {"3 >= 4", false},
      {"'apple' < 'banana'", true},
      {"'b' > 'abc'", true},
      {"date('2026-01-01') < date('2026-01-02')", true},
      {"datetime('2026-01-01T10:00:00Z') > datetime('2026-01-01T12:00:00+03:00')", true},
      {"duration('PT1H') < duration('PT2H')", true},
      {"duration('P2D') > duration('PT47H')", true},
      {"date('2026-01-02') > datetime('2026-01-01T23:00:00Z')", true},
  });
}

TEST_CASE("and/or are three-valued and short-circuit", "[expr][operators]") {
  check_rows({
      {"true and true", true},
      {"true and false", false},
      {"false and null", false},
      {"null and false", false},
      {"true and null", nullptr},
      {"null and true", nullptr},
      {"null and null", nullptr},
      {"true or null", true},
      {"null or true", true},
      {"false or null", nullptr},
      {"null or false", nullptr},
      {"false or false", false},
      {"not false", true},
      {"false and 'not checked'", false},  // the right side is never evaluated
      {"true or 1 / 'x'", true},
  });
}

TEST_CASE("in tests membership in a list", "[expr][operators]") {
  Value vars = Value::Object{{"statuses", Value::List{"open", "pending"}}};
  check_rows(
      {
          {"2 in [1, 2, 3]", true},
          {"4 in [1, 2, 3]", false},
          {"2.0 in [1, 2]", true},
          {"'open' in statuses", true},
          {"'closed' in statuses", false},
          {"[1] in [[1], [2]]", true},
          {"null in [1, null]", true},
          {"null in [1]", false},
          {"1 in nothing", nullptr},
      },
      vars);
  Error e = eval_error("1 in 'abc'");
  CHECK(e.code == ErrorCode::invalid_input);
  CHECK_THAT(e.message, Catch::Contains("'in' needs a list on its right, got string"));
}

TEST_CASE("if/then/else picks a branch; a null condition takes else", "[expr][operators]") {
  check_rows({
      {"if true then 1 else 2", 1},
      {"if false then 1 else 2", 2},
      {"if null then 1 else 2", 2},
      {"if missing > 3 then 'big' else 'small'", "small"},
      {"if 1 < 2 then if 2 < 1 then 'a' else 'b' else 'c'", "b"},
      {"if true then 1 else 1 / 'x'", 1},  // the other branch is never evaluated
  });
}

TEST_CASE("type errors name the operator and the kinds", "[expr][operators]") {
  struct ErrorRow {
    const char* text;
    const char* message;
  };
  const std::vector<ErrorRow> rows = {
      {"'a' * 2", "type error: '*' cannot take string and integer"},
      {"'a' + 1", "'+' cannot take string and integer: convert one side with string() or number()"},
      {"1 + 'a'", "'+' cannot take integer and string"},
      {"true + 1", "'+' cannot take boolean and integer"},
      {"[1] + [2]", "'+' cannot take list and list"},
      {"'a' - 'b'", "'-' cannot take string and string"},
      {"'a' / 2", "'/' cannot take string and integer"},
      {"2 % 'a'", "'%' cannot take integer and string"},
      {"-'a'", "'-' cannot negate string"},
      {"not 1", "'not' needs true or false, got integer"},
      {"1 < 'a'", "'<' cannot take integer and string"},
      {"true > false", "'>' cannot take boolean and boolean"},
      {"[1] <= [2]", "'<=' cannot take list and list"},
      {"1 and true", "'and' needs true or false, got integer"},
      {"true and 'x'", "'and' needs true or false, got string"},
      {"false or 2", "'or' needs true or false, got integer"},
      {"if 'yes' then 1 else 2", "the condition of 'if' must be true or false, got string"},
      {"[1, 2][true]", "an index must be a whole number or a text, got boolean"},
      {"duration('P1M') < duration('P30D')", "cannot order these durations"},
      {"date('2026-01-01') + duration('PT4H')", "'+':"},
  };
  for (const auto& row : rows) {
    INFO(row.text);
    Error e = eval_error(row.text);
    CHECK(e.code == ErrorCode::invalid_input);
    CHECK_THAT(e.message, Catch::Contains(row.message));
  }
  CHECK_THAT(eval_error("x + 'a' * 2", Value::Object{{"x", 1}}).message,
             Catch::EndsWith("(at column 9)"));
}

TEST_CASE("conditions map null to false and refuse other kinds", "[expr][operators]") {
  Value vars = Value::Object{{"cost", 2500000}};
  ValueScope scope{vars};
  auto check = [&](const char* text) {
    auto e = Expression::compile(text);
    REQUIRE(e.ok());
    return e->evaluate_condition(scope, Context{});
  };
  CHECK(*check("cost > 2000000") == true);
  CHECK(*check("cost < 2000000") == false);
  CHECK(*check("reply = 'yes' and true") == false);
  CHECK(*check("missing > 1") == false);  // null counts as false
  auto bad = check("cost");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::invalid_input);
  CHECK_THAT(bad.error().message,
             Catch::Contains("a condition must give true or false, got integer"));
}

}  // namespace
}  // namespace crmflow::expr
