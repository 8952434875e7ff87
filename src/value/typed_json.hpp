// crmflow: the reserved keys of JsonStyle::typed ({"$date": ...}, {"$datetime": ...},
// {"$duration": ...}) and their escaping, shared by the JSON reader and writer.
#pragma once

#include <cstddef>
#include <string_view>

#include "crmflow/value.hpp"

namespace crmflow::json {

// A key is reserved when it is one or more '$' followed by "date", "datetime" or "duration".
// A one-member object with a reserved key of one '$' is a typed value; with more, it is a plain
// object whose key was escaped by one extra '$'.
struct ReservedKey {
  std::size_t dollars = 0;               // 0: not a reserved key
  Value::Kind kind = Value::Kind::null;  // date, datetime or duration
};

inline ReservedKey classify_key(std::string_view key) noexcept {
  const std::size_t dollars = key.find_first_not_of('$');
  if (dollars == 0 || dollars == std::string_view::npos) return {};
  const std::string_view name = key.substr(dollars);
  if (name == "date") return {dollars, Value::Kind::date};
  if (name == "datetime") return {dollars, Value::Kind::datetime};
  if (name == "duration") return {dollars, Value::Kind::duration};
  return {};
}

}  // namespace crmflow::json
