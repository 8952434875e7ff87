// crmflow::expr internal: the text of a value, as string() and templates show it.
#pragma once

#include <string>

#include "crmflow/value.hpp"

namespace crmflow::expr {

// Texts as they are; numbers as format_number; true/false; dates, datetimes and durations in
// ISO 8601 (2026-02-02, 2026-02-02T10:00:00Z with the datetime's own offset, P3D); lists and
// objects as JSON ([1, "a", null], {"a": 1}) with dates inside quoted. Null: the empty text.
std::string display_text(const Value& value);

}  // namespace crmflow::expr
