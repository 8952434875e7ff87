// crmflow: Values as JSON text, the form variables take in stores, payloads and the C API.
//
// Reading is strict RFC 8259 (no comments, no trailing commas, valid UTF-8, unique keys);
// writing is deterministic (object keys in byte order), compact by default, and exact
// (doubles in their shortest round-trip form, text byte for byte).
//
//   auto v = crmflow::parse_json(R"({"device": "A52", "cost": 1500000})");
//   crmflow::to_json(*v);                              // {"cost":1500000,"device":"A52"}
//   crmflow::Value due = crmflow::Date{...};
//   crmflow::to_json(due);                             // "2026-02-02"
//   crmflow::to_json(due, crmflow::JsonStyle::typed);  // {"$date":"2026-02-02"}
//
// Thread safety: all functions are pure and may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/value.hpp"

namespace crmflow {

// How dates, datetimes and durations are written, and whether the text is indented. Flags
// combine with `|`: `JsonStyle::typed | JsonStyle::pretty`.
enum class JsonStyle : std::uint8_t {
  // Dates, datetimes and durations as ISO 8601 strings ("2026-02-02", "P3D"): what other
  // programs expect. Reading plain JSON never makes dates: they stay strings.
  plain = 0,
  // Dates, datetimes and durations as one-member objects {"$date": "2026-02-02"},
  // {"$datetime": "2026-01-03T09:00:00+03:30"}, {"$duration": "P3D"}, so that reading the text
  // with JsonStyle::typed gives back exactly the same Value (kinds and offsets included).
  // A real one-member object whose key is one of those names preceded by one or more '$' gets
  // one more '$' when written and loses one when read, so every Value survives the round trip.
  typed = 1,
  // Newlines and two-space indentation (writing only); compact when absent.
  pretty = 2,
};

constexpr JsonStyle operator|(JsonStyle a, JsonStyle b) noexcept {
  return static_cast<JsonStyle>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
// Whether `style` includes every flag of `flag`.
constexpr bool has_flag(JsonStyle style, JsonStyle flag) noexcept {
  return (static_cast<std::uint8_t>(style) & static_cast<std::uint8_t>(flag)) ==
         static_cast<std::uint8_t>(flag);
}

// Arrays and objects may nest this deep; deeper text is refused (it would only come from a
// mistake or an attack, and deep recursion elsewhere would be a risk).
inline constexpr std::size_t kJsonMaxDepth = 256;

// Parses one JSON text (surrounding whitespace allowed). Integers that fit in 64 bits become
// integers, every other number a double (1.0 and 1e3 are doubles). With JsonStyle::typed the
// {"$date": ...} forms above become dates, datetimes and durations.
// Errors (invalid_input) start with "invalid JSON at LINE:COL:" (1-based, columns in characters)
// and say what is wrong: a syntax error, invalid UTF-8, a duplicate key, nesting deeper than
// kJsonMaxDepth, a number too large for a double, or a typed form with a bad ISO 8601 text.
Result<Value> parse_json(std::string_view text, JsonStyle style = JsonStyle::plain);

// The JSON text of `value`. Object keys come out in byte order; strings byte for byte, with
// `"`, `\` and control characters escaped (bytes that are not valid UTF-8 become U+FFFD);
// integers exactly; doubles in the shortest form that reads back to the same double, always
// with a '.' or an exponent so that they read back as doubles (1.0, 1e+21); NaN and the
// infinities as null. REQUIRES: dates lie in years 0000-9999.
std::string to_json(const Value& value, JsonStyle style = JsonStyle::plain);

// As to_json, appending to `out` (saves a copy when building larger texts).
void append_json(std::string& out, const Value& value, JsonStyle style = JsonStyle::plain);

}  // namespace crmflow
