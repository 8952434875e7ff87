#include "yaml/schema.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "crmflow/yaml.hpp"
#include "yaml/reader.hpp"

namespace crmflow::yaml {
namespace {

// The value of `text` written as the value of a key, plain.
Value typed(const std::string& text) {
  Result<Value> v = parse_yaml("v: " + text + "\n");
  INFO(text);
  if (!v) FAIL(v.error().message);
  return (*v)["v"];
}

std::string error_of(std::string_view text) {
  Result<Value> v = parse_yaml(text, "s.yaml");
  INFO(text);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().code == ErrorCode::invalid_input);
  return v.error().message;
}

TEST_CASE("core schema: null", "[yaml][schema]") {
  for (const char* text : {"~", "null", "Null", "NULL", ""}) {
    INFO(text);
    CHECK(typed(text).is_null());
    CHECK(plain_type(text) == PlainType::null);
  }
  for (const char* text : {"nULL", "none", "None", "nil"}) CHECK(typed(text).is_string());
}

TEST_CASE("core schema: only true and false are booleans", "[yaml][schema]") {
  for (const char* text : {"true", "True", "TRUE"}) CHECK(typed(text) == Value(true));
  for (const char* text : {"false", "False", "FALSE"}) CHECK(typed(text) == Value(false));
  for (const char* text : {"yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n", "tRUE"}) {
    INFO(text);
    CHECK(typed(text) == Value(text));
  }
}

TEST_CASE("core schema: integers", "[yaml][schema]") {
  const std::pair<const char*, std::int64_t> table[] = {
      {"0", 0},
      {"12", 12},
      {"-3", -3},
      {"+7", 7},
      {"007", 7},
      {"0o17", 15},
      {"0x1F", 31},
      {"0xff", 255},
      {"-0x10", -16},
      {"+0o7", 7},
      {"9223372036854775807", std::numeric_limits<std::int64_t>::max()},
      {"-9223372036854775808", std::numeric_limits<std::int64_t>::min()},
  };
  for (const auto& [text, expected] : table) {
    INFO(text);
    const Value v = typed(text);
    CHECK(v.is_integer());
    CHECK(v.as_integer() == expected);
  }
  // A phone number written plain is a number: quote it.
  CHECK(typed("+989121234567") == Value(989121234567));
  // Past 64 bits: a double.
  CHECK(typed("9223372036854775808").is_double());
  CHECK(typed("0x10000000000000000").as_double() == 18446744073709551616.0);
  // Not integers in the core schema: strings.
  for (const char* text : {"1_000", "0b101", "0o", "0x", "0o8", "0xG", "1,000", "--1", "0777o"}) {
    INFO(text);
    CHECK(typed(text) == Value(text));
  }
}

TEST_CASE("core schema: floats", "[yaml][schema]") {
  const std::pair<const char*, double> table[] = {
      {"1.5", 1.5},          {"-2.", -2.0}, {".5", 0.5},    {"+.5", 0.5},       {"1e3", 1000.0},
      {"6.02E+23", 6.02e23}, {"1.0", 1.0},  {"-0.0", -0.0}, {"2.5e-3", 0.0025}, {"1e-400", 0.0},
  };
  for (const auto& [text, expected] : table) {
    INFO(text);
    const Value v = typed(text);
    CHECK(v.is_double());
    CHECK(v.as_double() == expected);
  }
  CHECK(typed(".inf").as_double() == std::numeric_limits<double>::infinity());
  CHECK(typed("-.Inf").as_double() == -std::numeric_limits<double>::infinity());
  CHECK(typed("+.INF").as_double() == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(typed(".nan").as_double()));
  CHECK(std::isnan(typed(".NaN").as_double()));
  for (const char* text : {"-.nan", ".", "1e", "e3", "1.5.2", ".infinity", "1e3.5", "1. 5"}) {
    INFO(text);
    CHECK(typed(text) == Value(text));
  }
  CHECK_THAT(error_of("v: 1e400\n"),
             Catch::StartsWith("s.yaml:1:4: error: the number 1e400 is too large for a double"));
}

TEST_CASE("core schema: dates and everything else are strings", "[yaml][schema]") {
  for (const char* text : {"2026-01-01", "2026-01-03T09:00:00+03:30", "P3D", "12:30", "1.2.3",
                           "+98-912", "A52", "سلام", "a b c", "true story"}) {
    INFO(text);
    CHECK(typed(text) == Value(text));
  }
}

TEST_CASE("quoted and block scalars are always strings", "[yaml][schema]") {
  CHECK(typed("\"12\"") == Value("12"));
  CHECK(typed("'true'") == Value("true"));
  CHECK(typed("\"\"") == Value(""));
  CHECK(typed("'~'") == Value("~"));
  CHECK(typed("\"yes\"") == Value("yes"));
  Result<Value> block = parse_yaml("v: |\n  12\n");
  REQUIRE(block.ok());
  CHECK((*block)["v"] == Value("12\n"));
}

TEST_CASE("explicit tags are honoured", "[yaml][schema]") {
  CHECK(typed("!!str 12") == Value("12"));
  CHECK(typed("!!str true") == Value("true"));
  CHECK(typed("!!str") == Value(""));
  CHECK(typed("!!int \"12\"") == Value(12));
  CHECK(typed("!!int 0x1F").as_integer() == 31);
  CHECK(typed("!!float 3").is_double());
  CHECK(typed("!!float '2.5'").as_double() == 2.5);
  CHECK(typed("!!bool \"false\"") == Value(false));
  CHECK(typed("!!null ''").is_null());
  CHECK(typed("! 12") == Value("12"));
  CHECK(typed("!!seq [1]") == Value(Value::List{1}));
  CHECK(typed("!!map {a: 1}") == Value{{"a", 1}});
  CHECK_THAT(error_of("v: !!int abc\n"),
             Catch::StartsWith("s.yaml:1:4: error: !!int needs an integer, not 'abc'"));
  CHECK_THAT(error_of("v: !!bool yes\n"), Catch::Contains("!!bool needs true or false, not 'yes'"));
  CHECK_THAT(error_of("v: !!float x\n"), Catch::Contains("!!float needs a number"));
  CHECK_THAT(error_of("v: !money 5\n"),
             Catch::StartsWith("s.yaml:1:4: error: unknown tag '!money'"));
  CHECK_THAT(error_of("v: !!timestamp 2026-01-01\n"), Catch::Contains("unknown tag '!!timestamp'"));
  CHECK_THAT(error_of("v: !!map [1]\n"), Catch::Contains("'!!map' does not fit a sequence"));
  CHECK_THAT(error_of("v: !!seq x\n"), Catch::Contains("!!seq does not fit a scalar"));
}

TEST_CASE("to_value converts the whole tree; keys are their text", "[yaml][schema]") {
  Result<Document> doc = parse(
      "process: repair\n1: one\ntrue: yes\nsteps:\n  - {id: a, due: PT30M, n: 2}\n", "p.yaml");
  REQUIRE(doc.ok());
  Result<Value> v = to_value(*doc);
  REQUIRE(v.ok());
  CHECK((*v)["1"] == Value("one"));
  CHECK((*v)["true"] == Value("yes"));
  CHECK((*v)["steps"][0]["due"] == Value("PT30M"));
  CHECK((*v)["steps"][0]["n"] == Value(2));
  // A subtree converts on its own.
  Result<Value> step = to_value(doc->root().find("steps")->items()[0]);
  REQUIRE(step.ok());
  CHECK((*step)["id"] == Value("a"));
  // Merged and aliased parts come out expanded.
  Result<Value> merged = parse_yaml("d: &d {a: 1}\ne: {<<: *d, b: 2}\nf: *d\n");
  REQUIRE(merged.ok());
  CHECK((*merged)["e"] == Value{{"a", 1}, {"b", 2}});
  CHECK((*merged)["f"] == Value{{"a", 1}});
}

}  // namespace
}  // namespace crmflow::yaml
