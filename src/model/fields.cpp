// The field tables, kept in one place so that the loader, its messages and docs/loading.md agree.
#include "model/fields.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "yaml/fields.hpp"

namespace crmflow::model {
namespace {

using namespace std::string_view_literals;

constexpr std::array kStepTypeNames = {
    "start"sv,    "user"sv,      "service"sv, "send"sv,       "set"sv,  "wait"sv, "exclusive"sv,
    "parallel"sv, "inclusive"sv, "event"sv,   "subprocess"sv, "call"sv, "end"sv,
};

constexpr std::array kValueTypeNames = {
    "string"sv,   "text"sv,     "number"sv, "integer"sv, "boolean"sv, "date"sv,
    "datetime"sv, "duration"sv, "list"sv,   "object"sv,  "any"sv,
};

constexpr std::array kProcessFields = {
    "process"sv,   "name"sv,     "description"sv, "version"sv, "variables"sv,
    "templates"sv, "calendar"sv, "triggers"sv,    "steps"sv,
};

constexpr std::array kCommonFields = {
    "id"sv, "type"sv, "name"sv, "description"sv, "next"sv, "notify"sv, "progress"sv,
};

constexpr std::array kForEachFields = {
    "for_each"sv, "as"sv, "parallel"sv, "complete_when"sv, "collect"sv,
};

constexpr std::array kUserFields = {
    "assignee"sv, "candidates"sv, "form"sv, "due"sv, "priority"sv, "alarms"sv,
};
constexpr std::array kServiceFields = {
    "handler"sv, "input"sv, "output"sv, "retries"sv, "retry_backoff"sv, "due"sv,
};
constexpr std::array kSetFields = {"set"sv};
constexpr std::array kWaitFields = {"timer"sv, "message"sv, "signal"sv};
constexpr std::array kSubprocessFields = {"steps"sv};
constexpr std::array kCallFields = {"process"sv, "version"sv, "input"sv, "output"sv};
constexpr std::array kEndFields = {"terminate"sv, "error"sv};

// Every field some step type may have, to tell "not allowed here" from "unknown".
constexpr std::array kAllStepFields = {
    "id"sv,         "type"sv,          "name"sv,      "description"sv, "next"sv,
    "notify"sv,     "progress"sv,      "boundary"sv,  "for_each"sv,    "as"sv,
    "parallel"sv,   "complete_when"sv, "collect"sv,   "calendar"sv,    "assignee"sv,
    "candidates"sv, "form"sv,          "due"sv,       "priority"sv,    "alarms"sv,
    "handler"sv,    "input"sv,         "output"sv,    "retries"sv,     "retry_backoff"sv,
    "set"sv,        "timer"sv,         "message"sv,   "signal"sv,      "steps"sv,
    "process"sv,    "version"sv,       "terminate"sv, "error"sv,
};

bool contains(std::span<const std::string_view> list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

std::optional<StepType> parse_step_type(std::string_view name) {
  for (std::size_t i = 0; i < kStepTypeNames.size(); ++i) {
    if (kStepTypeNames[i] == name) return static_cast<StepType>(i);
  }
  return std::nullopt;
}

std::string_view step_type_name(StepType type) {
  return kStepTypeNames.at(static_cast<std::size_t>(type));
}

std::span<const std::string_view> step_type_names() { return kStepTypeNames; }

std::optional<ValueType> parse_value_type(std::string_view name) {
  for (std::size_t i = 0; i < kValueTypeNames.size(); ++i) {
    if (kValueTypeNames[i] == name) return static_cast<ValueType>(i);
  }
  return std::nullopt;
}

std::span<const std::string_view> value_type_names() { return kValueTypeNames; }
std::span<const std::string_view> process_fields() { return kProcessFields; }
std::span<const std::string_view> common_step_fields() { return kCommonFields; }
std::span<const std::string_view> for_each_fields() { return kForEachFields; }

std::span<const std::string_view> type_fields(StepType type) {
  switch (type) {
    case StepType::user:
      return kUserFields;
    case StepType::service:
      return kServiceFields;
    case StepType::set:
      return kSetFields;
    case StepType::wait:
      return kWaitFields;
    case StepType::subprocess:
      return kSubprocessFields;
    case StepType::call:
      return kCallFields;
    case StepType::end:
      return kEndFields;
    default:
      return {};
  }
}

bool allows_boundary(StepType type) {
  return type == StepType::user || type == StepType::service || type == StepType::wait ||
         type == StepType::subprocess || type == StepType::call;
}

bool allows_for_each(StepType type) {
  return type == StepType::user || type == StepType::service || type == StepType::subprocess ||
         type == StepType::call;
}

bool allows_calendar(StepType type) { return allows_boundary(type); }

bool allows_id_list(StepType type) {
  return type == StepType::parallel || type == StepType::inclusive || type == StepType::event;
}

bool step_allows(StepType type, std::string_view field) {
  if (contains(kCommonFields, field) || contains(type_fields(type), field)) return true;
  if (field == "boundary") return allows_boundary(type);
  if (field == "calendar") return allows_calendar(type);
  if (contains(kForEachFields, field)) return allows_for_each(type);
  return false;
}

std::string step_types_allowing(std::string_view field) {
  if (!contains(kAllStepFields, field)) return {};
  std::vector<std::string_view> types;
  for (std::size_t i = 0; i < kStepTypeNames.size(); ++i) {
    if (step_allows(static_cast<StepType>(i), field)) types.push_back(kStepTypeNames[i]);
  }
  if (types.empty() || types.size() == kStepTypeNames.size()) return {};
  const bool vowel = std::string_view{"aei"}.find(types.front().front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + yaml::word_list(types) + " step";
}

}  // namespace crmflow::model
