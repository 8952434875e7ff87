#include "crmflow/value.hpp"

#include <cmath>
#include <functional>

namespace crmflow {
namespace {

// The open range of doubles that convert to int64 without overflow: [-2^63, 2^63).
constexpr double kInt64Low = -9223372036854775808.0;
constexpr double kInt64High = 9223372036854775808.0;

// True when d is a whole number that fits int64 (false for NaN and the infinities).
bool is_int64_valued(double d) noexcept {
  return d >= kInt64Low && d < kInt64High && std::trunc(d) == d;
}

bool integer_equals_double(std::int64_t i, double d) noexcept {
  return is_int64_valued(d) && static_cast<std::int64_t>(d) == i;
}

// Shared storage is created non-const and only exposed as const; a sole owner may therefore
// write through it (copy on write: the copy is made only while someone else shares it).
template <class T>
T& unshare(std::shared_ptr<const T>& ptr) {
  if (ptr.use_count() != 1) ptr = std::make_shared<T>(*ptr);
  return const_cast<T&>(*ptr);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
}

std::size_t mix(std::size_t seed, std::size_t h) noexcept {
  // The boost::hash_combine recipe, widened to 64 bits.
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 12) + (seed >> 4));
}

}  // namespace

Value::Value(std::string s) : data_(std::make_shared<std::string>(std::move(s))) {}
Value::Value(List list) : data_(std::make_shared<List>(std::move(list))) {}
Value::Value(Object object) : data_(std::make_shared<Object>(std::move(object))) {}

double Value::as_double() const {
  if (is_integer()) return static_cast<double>(as_integer());
  return std::get<double>(data_);
}

std::string& Value::mutable_string() { return unshare(std::get<StringPtr>(data_)); }
Value::List& Value::mutable_list() { return unshare(std::get<ListPtr>(data_)); }
Value::Object& Value::mutable_object() { return unshare(std::get<ObjectPtr>(data_)); }

const Value& Value::operator[](std::string_view key) const {
  const Value* found = find(key);
  return found != nullptr ? *found : null_value();
}

const Value& Value::operator[](std::size_t index) const {
  if (!is_list()) return null_value();
  const List& list = as_list();
  return index < list.size() ? list[index] : null_value();
}

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  const Object& object = as_object();
  auto it = object.find(key);
  return it != object.end() ? &it->second : nullptr;
}

void Value::set(std::string key, Value value) {
  if (is_null()) *this = Value{Object{}};
  mutable_object().insert_or_assign(std::move(key), std::move(value));
}

bool Value::erase(std::string_view key) {
  if (!is_object()) return false;
  const Object& object = as_object();
  auto it = object.find(key);
  if (it == object.end()) return false;
  // Look up again in the unshared copy: the iterator above may belong to shared storage.
  Object& own = mutable_object();
  own.erase(own.find(key));
  return true;
}

void Value::push_back(Value value) {
  if (is_null()) *this = Value{List{}};
  mutable_list().push_back(std::move(value));
}

std::size_t Value::size() const noexcept {
  if (is_list()) return as_list().size();
  if (is_object()) return as_object().size();
  return 0;
}

bool operator==(const Value& a, const Value& b) {
  using Kind = Value::Kind;
  if (a.is_number() && b.is_number()) {
    if (a.is_integer() && b.is_integer()) return a.as_integer() == b.as_integer();
    if (a.is_double() && b.is_double()) return a.as_double() == b.as_double();
    return a.is_integer() ? integer_equals_double(a.as_integer(), b.as_double())
                          : integer_equals_double(b.as_integer(), a.as_double());
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::null:
      return true;
    case Kind::boolean:
      return a.as_bool() == b.as_bool();
    case Kind::string:
      return a.data_ == b.data_ || a.as_string() == b.as_string();
    case Kind::list:
      return a.data_ == b.data_ || a.as_list() == b.as_list();
    case Kind::object:
      return a.data_ == b.data_ || a.as_object() == b.as_object();
    case Kind::date:
      return a.as_date() == b.as_date();
    case Kind::datetime:
      return a.as_datetime() == b.as_datetime();
    case Kind::duration:
      return a.as_duration() == b.as_duration();
    case Kind::integer:
    case Kind::number:
      break;  // handled above
  }
  return false;
}

std::size_t Value::hash() const noexcept {
  const auto tag = static_cast<std::size_t>(is_number() ? Kind::integer : kind());
  std::size_t h = 0;
  switch (kind()) {
    case Kind::null:
      break;
    case Kind::boolean:
      h = as_bool() ? 1 : 0;
      break;
    case Kind::integer:
      h = std::hash<std::int64_t>{}(as_integer());
      break;
    case Kind::number: {
      // Whole doubles hash like the integer they equal; -0.0 lands on 0 as well.
      const double d = std::get<double>(data_);
      h = is_int64_valued(d) ? std::hash<std::int64_t>{}(static_cast<std::int64_t>(d))
                             : std::hash<double>{}(d);
      break;
    }
    case Kind::string:
      h = std::hash<std::string_view>{}(as_string());
      break;
    case Kind::list:
      for (const Value& item : as_list()) h = mix(h, item.hash());
      break;
    case Kind::object:
      for (const auto& [key, member] : as_object()) {
        h = mix(mix(h, std::hash<std::string_view>{}(key)), member.hash());
      }
      break;
    case Kind::date:
      h = std::hash<std::int64_t>{}(as_date().day.time_since_epoch().count());
      break;
    case Kind::datetime:
      h = std::hash<std::int64_t>{}(as_datetime().at.time_since_epoch().count());
      break;
    case Kind::duration: {
      const Duration d = as_duration();
      h = mix(mix(std::hash<std::int32_t>{}(d.months), std::hash<std::int32_t>{}(d.days)),
              std::hash<std::int64_t>{}(d.millis));
      break;
    }
  }
  return mix(tag, h);
}

std::string_view Value::kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::null:
      return "null";
    case Kind::boolean:
      return "boolean";
    case Kind::integer:
      return "integer";
    case Kind::number:
      return "number";
    case Kind::string:
      return "string";
    case Kind::list:
      return "list";
    case Kind::object:
      return "object";
    case Kind::date:
      return "date";
    case Kind::datetime:
      return "datetime";
    case Kind::duration:
      return "duration";
  }
  return "unknown";
}

const Value& Value::null_value() noexcept {
  static const Value kNull;
  return kNull;
}

}  // namespace crmflow
