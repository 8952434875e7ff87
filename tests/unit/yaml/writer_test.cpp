#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "crmflow/yaml.hpp"
#include "time/iso8601.hpp"

namespace crmflow {
namespace {

Value round_trip(const Value& value) {
  const std::string text = to_yaml(value);
  Result<Value> back = parse_yaml(text);
  INFO(text);
  if (!back) FAIL(back.error().message);
  return *back;
}

TEST_CASE("to_yaml writes block style with sorted keys", "[yaml][writer]") {
  const Value v =
      Value::Object{{"process", "phone-repair"},
                    {"steps", Value::List{Value::Object{{"id", "reception"}, {"due", "PT30M"}},
                                          Value::List{1, 2}, Value::List{}, Value::Object{}}},
                    {"customer", Value::Object{{"name", "رضا"}, {"tags", Value::List{"vip"}}}},
                    {"none", nullptr}};
  CHECK(to_yaml(v) ==
        "customer:\n"
        "  name: رضا\n"
        "  tags:\n"
        "    - vip\n"
        "none: null\n"
        "process: phone-repair\n"
        "steps:\n"
        "  - due: PT30M\n"
        "    id: reception\n"
        "  - - 1\n"
        "    - 2\n"
        "  - []\n"
        "  - {}\n");
  CHECK(round_trip(v) == v);
}

TEST_CASE("to_yaml writes scalars at the top level and empty collections inline",
          "[yaml][writer]") {
  CHECK(to_yaml(Value()) == "null\n");
  CHECK(to_yaml(Value(12)) == "12\n");
  CHECK(to_yaml(Value("text")) == "text\n");
  CHECK(to_yaml(Value(Value::List{})) == "[]\n");
  CHECK(to_yaml(Value(Value::Object{})) == "{}\n");
  CHECK(to_yaml(Value(Value::List{"a", Value::List{"b"}})) == "- a\n- - b\n");
  CHECK(round_trip(Value(Value::List{})) == Value(Value::List{}));
  CHECK(round_trip(Value()).is_null());
}

TEST_CASE("strings that would read as something else are quoted", "[yaml][writer]") {
  const char* quoted[] = {
      "no",     "yes",    "true",  "False",       "null",      "~",       "",           "12",
      "1.5",    ".inf",   "0x1F",  "+98912",      " padded",   "trail ",  "a: b",       "x #y",
      "- item", "[list]", "{map}", "#tag",        "&anchor",   "*alias",  "!tag",       "|",
      ">",      "'q'",    "\"q\"", "%",           "@",         "`",       "<<",         "---",
      "...",    "key:",   "?",     "line\nbreak", "tab\there", "del\x7f", "nel\xc2\x85"};
  for (const char* text : quoted) {
    INFO(text);
    const std::string out = to_yaml(Value(text));
    CHECK(out.front() == '"');
    Result<Value> back = parse_yaml(out);
    REQUIRE(back.ok());
    CHECK(*back == Value(text));
    CHECK(back->is_string());
  }
  CHECK(to_yaml(Value("no")) == "\"no\"\n");
  CHECK(to_yaml(Value("line\nbreak")) == "\"line\\nbreak\"\n");
  CHECK(to_yaml(Value("del\x7f")) == "\"del\\u007f\"\n");
  const char* plain[] = {"A52", "phone-repair", "سلام رضا", "a:b", "50%",
                         "x-y", "2026-01-01",   "P3D",      "a,b", "C++"};
  for (const char* text : plain) {
    INFO(text);
    CHECK(to_yaml(Value(text)) == std::string(text) + "\n");
    CHECK(round_trip(Value(text)) == Value(text));
  }
}

TEST_CASE("keys are quoted by the same rules", "[yaml][writer]") {
  const Value v = Value::Object{{"1", "one"}, {"true", 1},   {"<<", "merge?"},
                                {"a: b", 2},  {"", "empty"}, {"نام", "x"}};
  const std::string text = to_yaml(v);
  CHECK(text.find("\"<<\": merge?\n") != std::string::npos);
  CHECK(text.find("\"1\": one\n") != std::string::npos);
  CHECK(text.find("نام: x\n") != std::string::npos);
  CHECK(round_trip(v) == v);
}

TEST_CASE("numbers keep their kind through YAML", "[yaml][writer]") {
  const Value v = Value::List{1,
                              -7,
                              1.0,
                              0.1,
                              1e21,
                              -0.0,
                              5e-324,
                              std::numeric_limits<std::int64_t>::min(),
                              std::numeric_limits<double>::infinity(),
                              -std::numeric_limits<double>::infinity(),
                              true,
                              false};
  CHECK(to_yaml(v) ==
        "- 1\n- -7\n- 1.0\n- 0.1\n- 1e+21\n- -0.0\n- 5e-324\n- -9223372036854775808\n"
        "- .inf\n- -.inf\n- true\n- false\n");
  const Value back = round_trip(v);
  CHECK(back == v);
  for (std::size_t i = 0; i < v.size(); ++i) CHECK(back[i].kind() == v[i].kind());
  const Value nan = round_trip(Value(std::numeric_limits<double>::quiet_NaN()));
  CHECK(std::isnan(nan.as_double()));
}

TEST_CASE("dates, datetimes and durations are written as ISO text", "[yaml][writer]") {
  const Value v = Value::Object{{"due", *time::parse_date("2026-02-02")},
                                {"at", *time::parse_datetime("2026-01-03T09:00:00+03:30", nullptr)},
                                {"wait", *time::parse_duration("PT4H")}};
  CHECK(to_yaml(v) == "at: 2026-01-03T09:00:00+03:30\ndue: 2026-02-02\nwait: PT4H\n");
  const Value back = round_trip(v);
  CHECK(back["due"] == Value("2026-02-02"));
  CHECK(back["at"] == Value("2026-01-03T09:00:00+03:30"));
}

TEST_CASE("parse_yaml reports errors as diagnostics", "[yaml][writer]") {
  Result<Value> v = parse_yaml("a: 1\na: 2\n");
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().code == ErrorCode::invalid_input);
  CHECK(v.error().message == "<text>:2:1: error: duplicate key 'a' (first defined at line 1)");
  Result<Value> named = parse_yaml("[", "vars.yaml");
  REQUIRE_FALSE(named.ok());
  CHECK_THAT(named.error().message, Catch::StartsWith("vars.yaml:"));
}

}  // namespace
}  // namespace crmflow
