// Durations of a case in business or plain time, and the check that a definition's calendars
// exist.
#include "runtime/business_time.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "model/calendars.hpp"
#include "time/arithmetic.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"
#include "yaml/fields.hpp"

namespace crmflow::runtime {
namespace {

// Why calendar `name` cannot be used, and what to do.
std::string unknown_calendar(const Calendars* calendars, std::string_view name) {
  static constexpr std::string_view kHow =
      "give the engine a calendars file that defines it (EngineOptions::calendars, "
      "`crmflow --calendars FILE`, a scenario's `calendars:`)";
  const std::vector<std::string> names =
      calendars != nullptr ? calendars->names() : std::vector<std::string>{};
  if (names.empty()) {
    return fmt::format("calendar '{}' is unknown: the engine has no calendars; {}", name, kHow);
  }
  const std::vector<std::string_view> words(names.begin(), names.end());
  return fmt::format(
      "calendar '{}' is not one of the engine's calendars{}: {}; correct the name "
      "or {}",
      name, yaml::did_you_mean(name, words), fmt::join(names, ", "), kHow);
}

}  // namespace

Result<Instant> TimeBasis::add(Instant start, const Duration& duration) const {
  if (calendar != nullptr) return time::add_business_time(*calendar, start, duration);
  return time::add(start, duration, plain_zone);
}

Result<Instant> TimeBasis::subtract(Instant from, const Duration& duration) const {
  if (calendar != nullptr) return time::subtract_business_time(*calendar, from, duration);
  auto negated = time::negate(duration);
  if (!negated) return std::move(negated).error();
  return time::add(from, *negated, plain_zone);
}

Result<std::optional<Instant>> TimeBasis::occurrence(const time::Cycle& cycle, std::int64_t k,
                                                     Instant anchor) const {
  if (calendar == nullptr) return cycle.occurrence(k, anchor);
  if (k < 0 || (cycle.count() && k >= *cycle.count())) return std::optional<Instant>{};
  const std::optional<DateTime> start = cycle.start();
  if (start && k == 0) return std::optional<Instant>{start->at};
  // k×PERIOD at once from the first moment (not PERIOD added k times), as Cycle does.
  auto periods = time::multiply(cycle.period(), start ? k : k + 1);
  if (!periods) return std::move(periods).error();
  auto at = add(start ? start->at : anchor, *periods);
  if (!at) return std::move(at).error();
  return std::optional<Instant>{*at};
}

Result<TimeBasis> time_basis(const Calendars* calendars, std::string_view name,
                             const date::time_zone* plain_zone) {
  if (name.empty()) return TimeBasis{nullptr, plain_zone};
  const time::BusinessCalendar* found =
      calendars != nullptr ? calendars->set().find(name) : nullptr;
  if (found == nullptr) return not_found(unknown_calendar(calendars, name));
  return TimeBasis{found, plain_zone};
}

const date::time_zone* calendar_zone(const Calendars* calendars, std::string_view name) {
  if (name.empty() || calendars == nullptr) return nullptr;
  const time::BusinessCalendar* found = calendars->set().find(name);
  return found != nullptr ? found->zone : nullptr;
}

Result<Instant> moment_of(const Value& value, const date::time_zone* zone, std::string_view what) {
  auto day_start = [zone](Date day) {
    return time::from_local(time::LocalTime{day.day.time_since_epoch()}, zone);
  };
  if (value.is_datetime()) return value.as_datetime().at;
  if (value.is_date()) return day_start(value.as_date());
  if (value.is_string()) {
    if (auto dt = time::parse_datetime(value.as_string(), zone)) return dt->at;
    if (auto d = time::parse_date(value.as_string())) return day_start(*d);
  }
  return invalid_input(fmt::format("{} must give a datetime, not {}", what, value.kind_name()));
}

Status check_calendars(const model::Definition& definition, const Calendars* calendars) {
  if (calendars == nullptr) return {};
  auto refuse = [&](std::string_view where, std::string_view name) -> Status {
    return invalid_input(fmt::format("process '{}'{}: {}", definition.process_id, where,
                                     unknown_calendar(calendars, name)));
  };
  if (!definition.calendar.empty() && !calendars->has(definition.calendar)) {
    return refuse("", definition.calendar);
  }
  for (const model::Step& step : definition.steps) {
    std::vector<const model::Timer*> timers;
    if (const auto* wait = std::get_if<model::WaitStep>(&step.detail)) {
      timers.push_back(&wait->timer);
    }
    for (const model::Boundary& boundary : step.boundary) timers.push_back(&boundary.timer);
    for (const model::Timer* timer : timers) {
      if (!timer->calendar.empty() && !calendars->has(timer->calendar)) {
        return refuse(fmt::format(", step '{}'", step.id), timer->calendar);
      }
    }
  }
  return {};
}

}  // namespace crmflow::runtime
