// The canonical form of a process definition: what "the same content" means on redeploy.
//
// The document is read into a Value (comments, formatting, key order, quoting styles and anchors
// are gone) and written as compact JSON with object keys in byte order. Two files that differ
// only in comments or formatting give the same text, and so the same hash.
#pragma once

#include <string>

#include "crmflow/value.hpp"

namespace crmflow::model {

struct CanonicalForm {
  std::string text;  // compact JSON, keys sorted
  std::string hash;  // "sha256:" followed by 64 lowercase hex digits of `text`
};

// Compact JSON of `document`: no spaces; keys in byte order; strings escape only `"`, `\` and
// control characters (other UTF-8 is kept as is); integers in decimal; finite doubles in the
// shortest form that reads back exactly, always with a `.` or an exponent so that 2.0 stays apart
// from 2; infinities and NaN (YAML's .inf, .nan) as the strings "+.inf", "-.inf", ".nan"; dates,
// datetimes and durations as tagged strings. Deterministic across runs and platforms.
std::string canonical_json(const Value& document);

// canonical_json and its SHA-256.
CanonicalForm canonical_form(const Value& document);

}  // namespace crmflow::model
