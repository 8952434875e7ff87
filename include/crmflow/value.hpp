// crmflow: Value, the type of every case variable, form field, expression result and message
// payload. It is JSON's data model (null, boolean, number, string, list, object) with 64-bit
// integers kept apart from doubles, plus dates, datetimes and durations as first-class values.
//
// Copies are cheap: strings, lists and objects are shared, immutable, and copied only when a
// shared one is changed (copy on write), so the runtime can pass variables around freely.
//
//   crmflow::Value customer = crmflow::Value::Object{{"name", "Reza"}, {"phone", "+98912..."}};
//   crmflow::Value vars = crmflow::Value::Object{};
//   vars.set("customer", customer);
//   vars["customer"]["name"].as_string();   // "Reza"
//   vars["nobody"]["name"].is_null();       // true: missing paths read as null
//
// Thread safety: a Value may be read from several threads at once; changing one Value while
// another thread reads it (or a copy sharing its storage is changed) needs outside locking.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "crmflow/time.hpp"

namespace crmflow {

class Value {
 public:
  enum class Kind : std::uint8_t {
    null,
    boolean,
    integer,   // std::int64_t
    number,    // double
    string,    // UTF-8 text
    list,
    object,    // keys kept in sorted (byte) order, so output is deterministic
    date,
    datetime,
    duration,
  };

  using List = std::vector<Value>;
  using Object = std::map<std::string, Value, std::less<>>;

  Value() = default;                                   // null
  Value(std::nullptr_t) {}                             // NOLINT(google-explicit-constructor)
  Value(bool b) : data_(b) {}                          // NOLINT
  template <std::integral I>
    requires(!std::same_as<I, bool> && !std::same_as<I, char>)
  Value(I i) : data_(static_cast<std::int64_t>(i)) {}  // NOLINT
  Value(double d) : data_(d) {}                        // NOLINT
  Value(std::string s);                                // NOLINT
  Value(std::string_view s) : Value(std::string{s}) {} // NOLINT
  Value(const char* s) : Value(std::string{s}) {}      // NOLINT
  Value(List list);                                    // NOLINT
  Value(Object object);                                // NOLINT
  Value(std::initializer_list<std::pair<const std::string, Value>> object)  // NOLINT
      : Value(Object(object)) {}
  Value(Date d) : data_(d) {}                          // NOLINT
  Value(DateTime dt) : data_(dt) {}                    // NOLINT
  Value(Duration d) : data_(d) {}                      // NOLINT

  Kind kind() const noexcept { return static_cast<Kind>(data_.index()); }
  bool is_null() const noexcept { return kind() == Kind::null; }
  bool is_bool() const noexcept { return kind() == Kind::boolean; }
  bool is_integer() const noexcept { return kind() == Kind::integer; }
  bool is_double() const noexcept { return kind() == Kind::number; }
  bool is_number() const noexcept { return is_integer() || is_double(); }  // either kind
  bool is_string() const noexcept { return kind() == Kind::string; }
  bool is_list() const noexcept { return kind() == Kind::list; }
  bool is_object() const noexcept { return kind() == Kind::object; }
  bool is_date() const noexcept { return kind() == Kind::date; }
  bool is_datetime() const noexcept { return kind() == Kind::datetime; }
  bool is_duration() const noexcept { return kind() == Kind::duration; }

  // Typed access. REQUIRES: the value is of that kind (as_double also accepts an integer).
  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_integer() const { return std::get<std::int64_t>(data_); }
  double as_double() const;
  const std::string& as_string() const { return *std::get<StringPtr>(data_); }
  const List& as_list() const { return *std::get<ListPtr>(data_); }
  const Object& as_object() const { return *std::get<ObjectPtr>(data_); }
  Date as_date() const { return std::get<Date>(data_); }
  DateTime as_datetime() const { return std::get<DateTime>(data_); }
  Duration as_duration() const { return std::get<Duration>(data_); }

  // Mutable access with copy on write. REQUIRES: the value is of that kind.
  std::string& mutable_string();
  List& mutable_list();
  Object& mutable_object();

  // Path reading that never fails: a missing key, an index out of range, or a lookup on
  // something that is not an object/list gives a shared null.
  const Value& operator[](std::string_view key) const;
  const Value& operator[](std::size_t index) const;
  // The member named key, or nullptr when absent or when this is not an object.
  const Value* find(std::string_view key) const;

  // Sets a member; a null Value first becomes an empty object. REQUIRES: is_object() || is_null().
  void set(std::string key, Value value);
  // Removes a member if present. Returns whether it was there.
  bool erase(std::string_view key);
  // Appends; a null Value first becomes an empty list. REQUIRES: is_list() || is_null().
  void push_back(Value value);

  // Elements of a list or members of an object; 0 for anything else (strings included).
  std::size_t size() const noexcept;

  // Deep equality. Numbers compare by value across integer and double (2 == 2.0); datetimes
  // compare as instants; everything else compares by kind and content.
  friend bool operator==(const Value& a, const Value& b);

  // "null", "boolean", "integer", "number", "string", "list", "object", "date", "datetime",
  // "duration".
  static std::string_view kind_name(Kind kind) noexcept;
  std::string_view kind_name() const noexcept { return kind_name(kind()); }

  // A shared null, for returning references to "nothing".
  static const Value& null_value() noexcept;

  // A hash consistent with ==: values that compare equal hash equal (2 and 2.0, one instant in
  // two offsets). Stable within one build of the library, not across versions: never persist it.
  std::size_t hash() const noexcept;

 private:
  using StringPtr = std::shared_ptr<const std::string>;
  using ListPtr = std::shared_ptr<const List>;
  using ObjectPtr = std::shared_ptr<const Object>;

  std::variant<std::monostate, bool, std::int64_t, double, StringPtr, ListPtr, ObjectPtr, Date,
               DateTime, Duration>
      data_;
};

}  // namespace crmflow

template <>
struct std::hash<crmflow::Value> {
  std::size_t operator()(const crmflow::Value& value) const noexcept { return value.hash(); }
};
