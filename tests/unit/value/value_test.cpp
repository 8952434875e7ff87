#include "crmflow/value.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace crmflow {
namespace {

using std::chrono::sys_days;

Date date(int y, unsigned m, unsigned d) {
  return Date{sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}}};
}

TEST_CASE("each constructor makes its kind", "[value]") {
  CHECK(Value().is_null());
  CHECK(Value(nullptr).kind() == Value::Kind::null);
  CHECK(Value(true).is_bool());
  CHECK(Value(7).is_integer());
  CHECK(Value(std::uint16_t{7}).as_integer() == 7);
  CHECK(Value(7.5).is_double());
  CHECK(Value("text").is_string());
  CHECK(Value(std::string_view("text")).as_string() == "text");
  CHECK(Value(Value::List{1, 2}).is_list());
  CHECK(Value{{"a", 1}}.is_object());
  CHECK(Value(date(2026, 2, 2)).is_date());
  CHECK(Value(DateTime{}).is_datetime());
  CHECK(Value(Duration{.days = 3}).is_duration());
  CHECK(Value(7).is_number());
  CHECK(Value(7.0).is_number());
  CHECK_FALSE(Value("7").is_number());
}

TEST_CASE("kind names are the documented words", "[value]") {
  CHECK(Value().kind_name() == "null");
  CHECK(Value(false).kind_name() == "boolean");
  CHECK(Value(1).kind_name() == "integer");
  CHECK(Value(1.5).kind_name() == "number");
  CHECK(Value("").kind_name() == "string");
  CHECK(Value(Value::List{}).kind_name() == "list");
  CHECK(Value(Value::Object{}).kind_name() == "object");
  CHECK(Value(date(2026, 1, 1)).kind_name() == "date");
  CHECK(Value(DateTime{}).kind_name() == "datetime");
  CHECK(Value(Duration{}).kind_name() == "duration");
}

TEST_CASE("as_double accepts integers", "[value]") {
  CHECK(Value(3).as_double() == 3.0);
  CHECK(Value(2.5).as_double() == 2.5);
}

TEST_CASE("copy on write: changing a copy leaves the original alone", "[value]") {
  Value original = Value::Object{{"customer", Value::Object{{"name", "Reza"}}},
                                 {"items", Value::List{1, 2}},
                                 {"note", "first"}};
  Value copy = original;
  // The copy shares storage until it is changed.
  CHECK(&copy.as_object() == &original.as_object());

  copy.set("note", "second");
  CHECK(original["note"].as_string() == "first");
  CHECK(copy["note"].as_string() == "second");
  CHECK(&copy.as_object() != &original.as_object());

  Value items = original["items"];
  items.push_back(3);
  CHECK(original["items"].size() == 2);
  CHECK(items.size() == 3);

  Value text = original["note"];
  text.mutable_string() += "!";
  CHECK(original["note"].as_string() == "first");
  CHECK(text.as_string() == "first!");

  Value erased = original;
  CHECK(erased.erase("note"));
  CHECK_FALSE(erased.erase("note"));
  CHECK(original.find("note") != nullptr);
  CHECK(erased.find("note") == nullptr);
}

TEST_CASE("a sole owner changes in place", "[value]") {
  Value list = Value::List{1};
  const Value::List* before = &list.as_list();
  list.push_back(2);
  CHECK(&list.as_list() == before);
}

TEST_CASE("set and push_back turn null into an object or a list", "[value]") {
  Value vars;
  vars.set("a", 1);
  CHECK(vars.is_object());
  CHECK(vars["a"] == Value(1));
  Value list;
  list.push_back("x");
  CHECK(list.is_list());
  CHECK(list[0].as_string() == "x");
}

TEST_CASE("paths never fail", "[value]") {
  const Value vars = Value::Object{{"customer", Value::Object{{"phones", Value::List{"+98912"}}}}};
  CHECK(vars["customer"]["phones"][0].as_string() == "+98912");
  CHECK(vars["customer"]["phones"][1].is_null());
  CHECK(vars["nobody"]["name"].is_null());
  CHECK(vars["customer"][0].is_null());              // index on an object
  CHECK(vars["customer"]["phones"]["x"].is_null());  // key on a list
  CHECK(Value("text")["x"].is_null());
  CHECK(Value(5)[std::size_t{0}].is_null());
  CHECK(vars.find("customer") != nullptr);
  CHECK(vars.find("nobody") == nullptr);
  CHECK(Value(1).find("x") == nullptr);
  CHECK(&vars["nobody"] == &Value::null_value());
}

TEST_CASE("size counts elements of lists and objects only", "[value]") {
  CHECK(Value(Value::List{1, 2, 3}).size() == 3);
  CHECK(Value{{"a", 1}, {"b", 2}}.size() == 2);
  CHECK(Value("abc").size() == 0);
  CHECK(Value().size() == 0);
}

TEST_CASE("objects keep their keys in byte order", "[value]") {
  Value v;
  v.set("b", 1);
  v.set("a", 2);
  v.set("B", 3);
  std::string order;
  for (const auto& [key, member] : v.as_object()) order += key;
  CHECK(order == "Bab");
}

TEST_CASE("equality is deep and numbers compare by value", "[value]") {
  CHECK(Value(2) == Value(2.0));
  CHECK(Value(2.0) == Value(2));
  CHECK(Value(2) != Value(2.5));
  CHECK(Value(-0.0) == Value(0));
  // 2^53 + 1 is not representable as a double: no false equality through rounding.
  CHECK(Value(std::int64_t{9007199254740993}) != Value(9007199254740992.0));
  CHECK(Value(std::numeric_limits<std::int64_t>::max()) != Value(9223372036854775808.0));
  CHECK(Value(std::numeric_limits<std::int64_t>::min()) == Value(-9223372036854775808.0));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(Value(nan) != Value(nan));  // IEEE: NaN equals nothing
  CHECK(Value(1) != Value(true));
  CHECK(Value("1") != Value(1));
  CHECK(Value() == Value(nullptr));
  CHECK(Value() != Value(false));
  CHECK(Value(Value::List{1, "a"}) == Value(Value::List{1.0, "a"}));
  CHECK(Value(Value::List{1, "a"}) != Value(Value::List{"a", 1}));
  CHECK(Value{{"a", Value::List{1}}} == Value{{"a", Value::List{1}}});
  CHECK(Value{{"a", 1}} != Value{{"a", 1}, {"b", 2}});
  CHECK(Value(date(2026, 2, 2)) == Value(date(2026, 2, 2)));
  CHECK(Value(date(2026, 2, 2)) != Value(date(2026, 2, 3)));
  CHECK(Value(Duration{.days = 1}) != Value(Duration{.millis = 86'400'000}));
  CHECK(Value(Duration{.days = 1}) == Value(Duration{.days = 1}));
}

TEST_CASE("datetimes compare as instants whatever their offsets", "[value]") {
  const Instant noon{std::chrono::hours{12}};
  const DateTime utc{.at = noon, .offset_minutes = 0};
  const DateTime tehran{.at = noon, .offset_minutes = 210};
  CHECK(Value(utc) == Value(tehran));
  CHECK(Value(utc).as_datetime().offset_minutes == 0);
  CHECK(Value(tehran).as_datetime().offset_minutes == 210);
  CHECK(Value(utc) != Value(DateTime{.at = noon + std::chrono::milliseconds{1}}));
}

TEST_CASE("equal values hash equal", "[value]") {
  CHECK(Value(2).hash() == Value(2.0).hash());
  CHECK(Value(0).hash() == Value(-0.0).hash());
  const Instant noon{std::chrono::hours{12}};
  CHECK(Value(DateTime{noon, 0}).hash() == Value(DateTime{noon, 210}).hash());
  CHECK(Value{{"a", Value::List{1, 2.0}}}.hash() == Value{{"a", Value::List{1.0, 2}}}.hash());
  CHECK(Value("a").hash() != Value("b").hash());
  std::unordered_set<Value> set{Value(1), Value("1"), Value(1.0), Value(true)};
  CHECK(set.size() == 3);
}

}  // namespace
}  // namespace crmflow
