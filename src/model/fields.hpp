// The field tables of the process language (spec/process-language.md): which fields a process,
// each step type and each nested map may have. (The "did you mean" suggestions for the rest are
// yaml::did_you_mean, yaml/fields.hpp.)
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/definition.hpp"

namespace crmflow::model {

// The step type named `name` (`user`, `service`, ...), nullopt for any other text.
std::optional<StepType> parse_step_type(std::string_view name);
// The name of a step type as written in YAML.
std::string_view step_type_name(StepType type);
// Every type name, for "did you mean" and messages.
std::span<const std::string_view> step_type_names();

// The value types of variables and form fields (`string`, `integer`, ...).
std::optional<ValueType> parse_value_type(std::string_view name);
std::span<const std::string_view> value_type_names();

// Fields a process document may have.
std::span<const std::string_view> process_fields();
// Fields every step may have (id, type, name, description, next, notify, progress).
std::span<const std::string_view> common_step_fields();
// The fields that belong to one step type beyond the common ones (user: assignee, candidates...).
std::span<const std::string_view> type_fields(StepType type);
// The multi-instance fields: for_each and its companions as, parallel, complete_when, collect.
std::span<const std::string_view> for_each_fields();

// Whether a step of this type may have `boundary` events. A `wait` step may have them only when
// it waits for a timer; the caller checks that part.
bool allows_boundary(StepType type);
// Whether a step of this type may run as multi-instance (`for_each`).
bool allows_for_each(StepType type);
// Whether a step of this type may name a `calendar` for its timers.
bool allows_calendar(StepType type);
// Whether `next` may be a plain list of ids (parallel, inclusive, event).
bool allows_id_list(StepType type);

// Whether `field` is allowed on a step of this type (common, type, boundary, for_each and
// calendar fields together).
bool step_allows(StepType type, std::string_view field);
// The step types on which `field` is allowed, as "a user or service step", empty when none.
std::string step_types_allowing(std::string_view field);

}  // namespace crmflow::model
