// Checking and assigning case variables: declared `variables:` at start, `form` fields on
// complete, dotted names in `set`/`output`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"
#include "crmflow/value.hpp"
#include "expr/expression.hpp"
#include "model/definition.hpp"

namespace date {
class time_zone;
}  // namespace date

namespace crmflow::runtime {

// "string", "number", ... as written in a definition.
std::string_view type_name(model::ValueType type);

// `value` as a value of `type`, or invalid_input "<what> must be <type>, not <kind>". Text in
// ISO 8601 form is accepted for date, datetime and duration (form submissions and YAML
// scenarios carry them as text) and converted; a whole double is accepted as an integer.
// REQUIRES: !value.is_null().
// `zone`: where a datetime text without an offset is read (the process calendar's zone); nullptr
// reads it as UTC.
Result<Value> coerce(const Value& value, model::ValueType type, std::string_view what,
                     const date::time_zone* zone = nullptr);

// Sets `value` at the dotted `name` in the object `root` (`customer.phone` sets the member
// `phone` of `customer`, creating objects on the way; a non-object on the way is replaced).
void assign_path(Value& root, std::string_view name, Value value);

// Checks the submitted `vars` (an object) against a form: required fields present and not null,
// types, options. Returns vars with coerced values, or invalid_input naming `owner` and the field.
Result<Value> check_form(const std::vector<model::FormField>& form, const Value& vars,
                         std::string_view owner, const date::time_zone* zone = nullptr);

// The start variables of a case of `d` checked against its `variables:`: required ones present,
// types right (ISO text converted), defaults filled in (a default expression reads the variables
// given). Errors: invalid_input naming the process and the variable.
// Dates without a zone (texts, default expressions) are read in `zone` (the process calendar's;
// nullptr: UTC).
// `limits` bound the default expressions (EngineLimits, as every expression of a run).
Result<Value> check_start_variables(const model::Definition& d, const Value& given, Instant now,
                                    const date::time_zone* zone = nullptr,
                                    const expr::EvalLimits& limits = {});

}  // namespace crmflow::runtime
