// crmflow: Values as YAML text, read by the YAML 1.2 core schema like every crmflow file.
//
// Only true/false (True, TRUE, ...) are booleans; yes, no, on, off and unquoted dates such as
// 2026-01-01 are text; quoted scalars are always text; duplicate keys are errors; aliases are
// expanded within a bound. docs/values.md has the full table.
//
//   auto v = crmflow::parse_yaml("device: A52\ncost: 1500000\nwarranty: no\n");
//   (*v)["warranty"].as_string();    // "no"
//   crmflow::to_yaml(*v);            // "cost: 1500000\ndevice: A52\nwarranty: \"no\"\n"
//
// Thread safety: all functions are pure and may be called from any thread.
#pragma once

#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/value.hpp"

namespace crmflow {

// Parses one YAML document into a Value (an empty text is null). Mapping keys become object
// keys by their text. Errors are invalid_input with a message
// "FILE:LINE:COL: error: WHAT" (`file_name` names the text in it; lines and columns are
// 1-based, columns counted in characters): a YAML syntax error, a duplicate key, a key that is
// not a scalar, a second document, text that is not UTF-8, aliases expanding past 10,000 nodes,
// nesting deeper than 256 levels, an unknown or unfitting tag, a number too large for a double.
Result<Value> parse_yaml(std::string_view text, std::string_view file_name = "<text>");

// Block-style YAML text (ending in a newline) that parse_yaml reads back to an equal Value:
// object keys in byte order; a string is written plain when it would read back as the same
// string, else double-quoted with JSON-style escapes ("no", "12", "true", "", " padded",
// "a: b", text with line breaks); doubles as shortest round-trip numbers with a '.' or an
// exponent (1.0), .inf, -.inf, .nan; dates, datetimes and durations as their ISO 8601 text,
// which reads back as a string. REQUIRES: dates lie in years 0000-9999.
std::string to_yaml(const Value& value);

}  // namespace crmflow
