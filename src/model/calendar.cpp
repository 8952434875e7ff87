// The public face of business calendars: crmflow::Calendars.
#include "crmflow/calendar.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <exception>
#include <utility>

#include "model/calendars.hpp"
#include "model/source_file.hpp"
#include "time/business_calendar.hpp"
#include "time/iso8601.hpp"
#include "yaml/fields.hpp"

namespace crmflow {
namespace {

const std::shared_ptr<const model::CalendarSet>& empty_set() {
  static const auto set = std::make_shared<const model::CalendarSet>();
  return set;
}

// The calendar called `name` in `set`, or not_found naming the ones there are.
Result<const time::BusinessCalendar*> lookup(const model::CalendarSet& set, std::string_view name) {
  if (const time::BusinessCalendar* found = set.find(name)) return found;
  const std::vector<std::string> names = set.names();
  if (names.empty()) {
    return not_found(fmt::format("no calendar '{}': no calendars are loaded", name));
  }
  const std::vector<std::string_view> words(names.begin(), names.end());
  return not_found(fmt::format("no calendar '{}'{}; the calendars are: {}", name,
                               yaml::did_you_mean(name, words), fmt::join(names, ", ")));
}

}  // namespace

Calendars::Calendars() : set_(empty_set()) {}

Calendars::Calendars(std::shared_ptr<const model::CalendarSet> set) : set_(std::move(set)) {}

Calendars Calendars::from(model::CalendarSet set) {
  return Calendars{std::make_shared<const model::CalendarSet>(std::move(set))};
}

CalendarsOutcome Calendars::load(std::string_view yaml_text, std::string_view file_name) {
  CalendarsOutcome outcome;
  try {
    model::CalendarsLoad loaded = model::load_calendars(yaml_text, file_name);
    outcome.diagnostics = std::move(loaded.diagnostics);
    if (loaded.calendars && outcome.diagnostics.empty()) {
      outcome.calendars =
          Calendars{std::make_shared<const model::CalendarSet>(*std::move(loaded.calendars))};
    }
  } catch (const std::exception& e) {
    // Nothing below should throw; if it does (memory, a library bug), say so rather than crash.
    outcome.calendars = Calendars{};
    outcome.diagnostics.push_back(Diagnostic{
        std::string{file_name}, 0, 0,
        std::string{"internal error while loading calendars (please report it): "} + e.what()});
  }
  return outcome;
}

CalendarsOutcome Calendars::load_file(const std::string& path) {
  CalendarsOutcome outcome;
  std::optional<std::string> text = model::read_source_file(path, outcome.diagnostics);
  if (!text) return outcome;
  return load(*text, path);
}

bool Calendars::has(std::string_view name) const { return set_->find(name) != nullptr; }

std::vector<std::string> Calendars::names() const { return set_->names(); }

Result<Instant> Calendars::add(std::string_view name, Instant start,
                               std::string_view duration) const {
  Result<Duration> parsed = time::parse_duration(duration);
  if (!parsed) return std::move(parsed).error();
  return add(name, start, *parsed);
}

Result<Instant> Calendars::add(std::string_view name, Instant start,
                               const Duration& duration) const {
  Result<const time::BusinessCalendar*> calendar = lookup(*set_, name);
  if (!calendar) return std::move(calendar).error();
  return time::add_business_time(**calendar, start, duration);
}

Result<Instant> Calendars::subtract(std::string_view name, Instant due,
                                    std::string_view duration) const {
  Result<Duration> parsed = time::parse_duration(duration);
  if (!parsed) return std::move(parsed).error();
  return subtract(name, due, *parsed);
}

Result<Instant> Calendars::subtract(std::string_view name, Instant due,
                                    const Duration& duration) const {
  Result<const time::BusinessCalendar*> calendar = lookup(*set_, name);
  if (!calendar) return std::move(calendar).error();
  return time::subtract_business_time(**calendar, due, duration);
}

Result<bool> Calendars::is_working_moment(std::string_view name, Instant at) const {
  Result<const time::BusinessCalendar*> calendar = lookup(*set_, name);
  if (!calendar) return std::move(calendar).error();
  return time::is_working_moment(**calendar, at);
}

Result<Instant> Calendars::next_working_moment(std::string_view name, Instant at) const {
  Result<const time::BusinessCalendar*> calendar = lookup(*set_, name);
  if (!calendar) return std::move(calendar).error();
  return time::next_working_moment(**calendar, at);
}

}  // namespace crmflow
