#include "crmflow/json.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "time/iso8601.hpp"

namespace crmflow {
namespace {

Value parsed(std::string_view text, JsonStyle style = JsonStyle::plain) {
  Result<Value> v = parse_json(text, style);
  INFO(text);
  REQUIRE(v.ok());
  return *v;
}

std::string error_of(std::string_view text, JsonStyle style = JsonStyle::plain) {
  Result<Value> v = parse_json(text, style);
  INFO(text);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().code == ErrorCode::invalid_input);
  return v.error().message;
}

Value sample_dates() {
  return Value::Object{
      {"due", *time::parse_date("2026-02-02")},
      {"at", *time::parse_datetime("2026-01-03T09:00:00+03:30", nullptr)},
      {"wait", *time::parse_duration("P3DT4H")},
      {"list", Value::List{*time::parse_date("2025-03-20"), *time::parse_duration("-P1D")}}};
}

TEST_CASE("JSON reads every kind", "[json]") {
  const Value v = parsed(R"( {"n": null, "t": true, "f": false, "i": -12, "d": 1.5,
                              "s": "x", "l": [1, [2]], "o": {"k": {}}} )");
  CHECK(v["n"].is_null());
  CHECK(v["t"] == Value(true));
  CHECK(v["f"] == Value(false));
  CHECK(v["i"].is_integer());
  CHECK(v["i"].as_integer() == -12);
  CHECK(v["d"].is_double());
  CHECK(v["s"].as_string() == "x");
  CHECK(v["l"][1][0].as_integer() == 2);
  CHECK(v["o"]["k"].is_object());
  CHECK(parsed("7").as_integer() == 7);
  CHECK(parsed("\"top\"").as_string() == "top");
}

TEST_CASE("JSON integers stay integers while they fit 64 bits", "[json]") {
  CHECK(parsed("9223372036854775807").as_integer() == std::numeric_limits<std::int64_t>::max());
  CHECK(parsed("-9223372036854775808").as_integer() == std::numeric_limits<std::int64_t>::min());
  const Value past = parsed("9223372036854775808");
  CHECK(past.is_double());
  CHECK(past.as_double() == 9223372036854775808.0);
  const Value huge = parsed("123456789012345678901234567890");
  CHECK(huge.is_double());
  CHECK(huge.as_double() == 1.2345678901234568e29);
  CHECK(parsed("-99999999999999999999").is_double());
  CHECK(parsed("1.0").is_double());
  CHECK(parsed("1e3").is_double());
  CHECK(parsed("1e3").as_double() == 1000.0);
}

TEST_CASE("JSON writes compact, sorted and exact", "[json]") {
  const Value v = Value::Object{
      {"b", Value::List{1, 2.5, "x", nullptr, true}}, {"a", Value::Object{}}, {"c", Value::List{}}};
  CHECK(to_json(v) == R"({"a":{},"b":[1,2.5,"x",null,true],"c":[]})");
  CHECK(to_json(Value(1.0)) == "1.0");
  CHECK(to_json(Value(-0.0)) == "-0.0");
  CHECK(to_json(Value(0.1)) == "0.1");
  CHECK(to_json(Value(1e21)) == "1e+21");
  CHECK(to_json(Value(1.0 / 3)) == "0.3333333333333333");
  CHECK(to_json(Value(std::numeric_limits<std::int64_t>::min())) == "-9223372036854775808");
  CHECK(to_json(Value(std::numeric_limits<double>::quiet_NaN())) == "null");
  CHECK(to_json(Value(std::numeric_limits<double>::infinity())) == "null");
  CHECK(to_json(Value(-std::numeric_limits<double>::infinity())) == "null");
}

TEST_CASE("doubles round-trip to the same double and kind", "[json]") {
  for (double d : {0.1, 1.0 / 3, 5e-324, 1.7976931348623157e308, -2.5e-8, 123456.789, 1e22, 3.0}) {
    const Value back = parsed(to_json(Value(d)));
    INFO(d);
    CHECK(back.is_double());
    CHECK(back.as_double() == d);
  }
}

TEST_CASE("JSON text passes Persian UTF-8 through byte for byte", "[json]") {
  const std::string persian = "سلام رضا، گوشی A52 شما آماده است 😀";
  const std::string text = to_json(Value(persian));
  CHECK(text == "\"" + persian + "\"");
  CHECK(parsed(text).as_string() == persian);
  CHECK(parsed(R"("\u0633\u0644\u0627\u0645 \ud83d\ude00")").as_string() == "سلام 😀");
}

TEST_CASE("JSON escapes quotes, backslashes and control characters", "[json]") {
  const std::string raw = std::string("q\"b\\n\n r\r t\t b\b f\f nul") + '\0' + "\x1f end\x7f/";
  const std::string text = to_json(Value(raw));
  CHECK(text == "\"q\\\"b\\\\n\\n r\\r t\\t b\\b f\\f nul\\u0000\\u001f end\x7f/\"");
  CHECK(parsed(text).as_string() == raw);
  // Bytes that are not UTF-8 cannot be written as JSON text: they become U+FFFD.
  CHECK(to_json(Value(std::string("a\xff"
                                  "b\xc3"))) == R"("a\ufffdb\ufffd")");
  // Keys are escaped like strings.
  CHECK(to_json(Value{{"a\"b", 1}}) == R"({"a\"b":1})");
}

TEST_CASE("pretty JSON indents by two spaces", "[json]") {
  const Value v =
      Value::Object{{"a", Value::List{1, Value::Object{{"b", nullptr}}}}, {"e", Value::List{}}};
  CHECK(to_json(v, JsonStyle::pretty) ==
        "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"e\": []\n}");
  CHECK(parsed(to_json(v, JsonStyle::pretty)) == v);
}

TEST_CASE("plain JSON writes dates as ISO 8601 strings", "[json]") {
  CHECK(to_json(sample_dates()) == R"({"at":"2026-01-03T09:00:00+03:30","due":"2026-02-02",)"
                                   R"("list":["2025-03-20","-P1D"],"wait":"P3DT4H"})");
  // Read back plainly, they are strings.
  CHECK(parsed(to_json(sample_dates()))["due"].as_string() == "2026-02-02");
}

TEST_CASE("typed JSON round-trips dates, datetimes and durations exactly", "[json]") {
  const Value v = sample_dates();
  const std::string text = to_json(v, JsonStyle::typed);
  CHECK(text == R"({"at":{"$datetime":"2026-01-03T09:00:00+03:30"},"due":{"$date":"2026-02-02"},)"
                R"("list":[{"$date":"2025-03-20"},{"$duration":"-P1D"}],)"
                R"("wait":{"$duration":"P3DT4H"}})");
  const Value back = parsed(text, JsonStyle::typed);
  CHECK(back == v);
  CHECK(back["at"].is_datetime());
  CHECK(back["at"].as_datetime().offset_minutes ==
        210);  // the offset survives, not just the instant
  CHECK(back["wait"].as_duration() == Duration{.days = 3, .millis = 4 * 3'600'000});
  CHECK(parsed(to_json(v, JsonStyle::typed | JsonStyle::pretty), JsonStyle::typed) == v);
  // Without the typed flag the same text stays objects.
  CHECK(parsed(text)["due"].is_object());
}

TEST_CASE("typed JSON escapes objects that look like typed forms", "[json]") {
  const Value tricky = Value::Object{
      {"a", Value::Object{{"$date", "not a date"}}},
      {"b", Value::Object{{"$$duration", 5}}},
      {"c", Value::Object{{"$date", "x"}, {"other", 1}}},  // two members: never a typed form
      {"d", Value::Object{{"$time", "x"}}}};
  const std::string text = to_json(tricky, JsonStyle::typed);
  CHECK(text == R"({"a":{"$$date":"not a date"},"b":{"$$$duration":5},)"
                R"("c":{"$date":"x","other":1},"d":{"$time":"x"}})");
  CHECK(parsed(text, JsonStyle::typed) == tricky);
  // Plain JSON needs no escaping.
  CHECK(to_json(tricky).find("$$date") == std::string::npos);
}

TEST_CASE("typed JSON refuses bad typed forms", "[json]") {
  CHECK_THAT(error_of(R"({"due": {"$date": "2026-02-30"}})", JsonStyle::typed),
             Catch::Contains("invalid JSON at 1:10:") && Catch::Contains("\"$date\""));
  CHECK_THAT(error_of(R"({"$duration": 5})", JsonStyle::typed),
             Catch::Contains("\"$duration\" must hold a string, not integer"));
  CHECK_THAT(error_of(R"({"$datetime": "yesterday"})", JsonStyle::typed),
             Catch::Contains("\"$datetime\""));
}

TEST_CASE("JSON errors give the line and character column", "[json]") {
  CHECK_THAT(error_of("{\"a\": 1,\n \"b\" 2}"), Catch::StartsWith("invalid JSON at 2:6:"));
  // Persian text before the problem counts in characters, not bytes.
  CHECK_THAT(error_of("{\"نام\": \"رضا\" x}"), Catch::StartsWith("invalid JSON at 1:15:"));
  CHECK_THAT(error_of("[1, 2"), Catch::Contains("ends before the JSON value is complete"));
  CHECK_THAT(error_of(""), Catch::Contains("ends before"));
  CHECK_THAT(error_of("[1] [2]"), Catch::Contains("1:5: unexpected text after the JSON value"));
  CHECK_THAT(error_of("[1,]"), Catch::StartsWith("invalid JSON at 1:4:"));
  CHECK_THAT(error_of("{'a': 1}"), Catch::Contains("1:2: syntax error at '''"));
  CHECK_THAT(error_of("[\"a\xff\"]"), Catch::Contains("1:4: invalid UTF-8"));
  CHECK_THAT(error_of("[\"a\nb\"]"), Catch::Contains("control character"));
  CHECK_THAT(error_of("// c\n1"), Catch::StartsWith("invalid JSON at 1:1:"));
  CHECK_THAT(error_of("[0,\n 1e400]"), Catch::Contains("at 2:2: number too large for a double"));
  CHECK_THAT(error_of(R"(["\ud800"])"), Catch::Contains("surrogate"));
}

TEST_CASE("JSON refuses duplicate keys at the second key", "[json]") {
  CHECK_THAT(error_of("{\"a\": 1,\n  \"a\": 2}"),
             Catch::StartsWith("invalid JSON at 2:3: duplicate key \"a\""));
  CHECK_THAT(error_of(R"({"x": {"k\"": 1, "k\"": 2}})"),
             Catch::StartsWith(R"(invalid JSON at 1:18: duplicate key "k\"")"));
  // The same key in different objects is fine.
  CHECK(parsed(R"({"a": {"a": 1}, "b": {"a": 2}})")["b"]["a"].as_integer() == 2);
}

TEST_CASE("JSON nesting is limited to 256 levels", "[json]") {
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  CHECK(parsed(nested(kJsonMaxDepth)).is_list());
  CHECK_THAT(error_of(nested(kJsonMaxDepth + 1)),
             Catch::Contains("invalid JSON at 1:257: arrays and objects nest deeper than 256"));
}

TEST_CASE("append_json appends", "[json]") {
  std::string out = "vars=";
  append_json(out, Value{{"a", 1}});
  CHECK(out == R"(vars={"a":1})");
}

}  // namespace
}  // namespace crmflow
