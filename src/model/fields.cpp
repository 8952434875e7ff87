// The field tables, kept in one place so that the loader, its messages and docs/loading.md agree.
#include "model/fields.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <vector>

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
  std::string out =
      std::string_view{"aei"}.find(types.front().front()) != std::string_view::npos ? "an " : "a ";
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += i + 1 == types.size() ? " or " : ", ";
    out += types[i];
  }
  return out + " step";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Damerau (adjacent transposition) Levenshtein on two rows plus the one before.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::optional<std::string_view> closest(std::string_view word,
                                        std::span<const std::string_view> candidates) {
  const std::size_t limit = word.size() <= 4 ? 1 : 2;
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance && d < word.size()) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, std::span<const std::string_view> candidates) {
  const auto best = closest(word, candidates);
  if (!best) return {};
  return " (did you mean '" + std::string{*best} + "'?)";
}

}  // namespace crmflow::model
