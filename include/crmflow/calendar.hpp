// crmflow: business calendars (spec/process-language.md, "Calendars"): when work happens, and
// due dates counted in working time.
//
//   auto loaded = crmflow::Calendars::load_file("examples/settings/calendars.yaml");
//   if (!loaded.ok()) {
//     for (const auto& d : loaded.diagnostics) std::cerr << d.format() << '\n';
//     return 1;
//   }
//   const crmflow::Calendars& calendars = loaded.calendars;
//   // A task created on Wednesday at 15:00 in Tehran, due in four working hours:
//   crmflow::Result<crmflow::Instant> due = calendars.add("office", created, "PT4H");
//
// A calendars file is `calendars: {NAME: {timezone, week, hours, holidays}}` (the bare map
// `{NAME: {...}}` is accepted too). The rules of business time (hours count working time only,
// days count working days at the same time of day, a start outside working hours first moves to
// the next working moment, a deadline at the end of working hours stays there) are in
// docs/time.md, "Business calendars".
//
// Calendars is a cheap handle to an immutable set: copies share it. Thread safety: every member
// function is const and may be called from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/diagnostic.hpp"
#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow {

namespace model {
struct CalendarSet;
}

struct CalendarsOutcome;

class Calendars {
 public:
  // A set with no calendars.
  Calendars();
  // Copies share the set. There is no move: a moved-from handle would have no set at all.
  Calendars(const Calendars&) = default;
  Calendars& operator=(const Calendars&) = default;

  // Reads calendars from YAML text; `file_name` is used in diagnostics only. Every problem is
  // reported at once, each with its line and column.
  static CalendarsOutcome load(std::string_view yaml_text, std::string_view file_name);
  // Reads a calendars file. An unreadable file is one diagnostic without a place.
  static CalendarsOutcome load_file(const std::string& path);

  // Whether a calendar is called `name` (names are case-sensitive).
  bool has(std::string_view name) const;
  // Every calendar's name, sorted: what LoadOptions::calendars takes.
  std::vector<std::string> names() const;

  // `start` + `duration` in the business time of calendar `name`. `duration` is ISO 8601
  // (`PT4H`, `P2D`, `P1DT4H`); a negative one counts backwards.
  // Errors: not_found for an unknown calendar; invalid_input for a duration that does not parse,
  // a calendar without working time for 10 years around the walk, or a result outside
  // 0000-01-01..9999-12-31.
  Result<Instant> add(std::string_view name, Instant start, std::string_view duration) const;
  Result<Instant> add(std::string_view name, Instant start, const Duration& duration) const;
  // `due` − `duration` in business time (an alarm `before_due`). Errors as add().
  Result<Instant> subtract(std::string_view name, Instant due, std::string_view duration) const;
  Result<Instant> subtract(std::string_view name, Instant due, const Duration& duration) const;

  // Whether `at` lies in the working hours of a working day of calendar `name` (a period's start
  // included, its end excluded). Errors: not_found for an unknown calendar.
  Result<bool> is_working_moment(std::string_view name, Instant at) const;
  // `at` when it is a working moment, else the start of the next working period.
  // Errors: not_found for an unknown calendar; invalid_input as add().
  Result<Instant> next_working_moment(std::string_view name, Instant at) const;

  // The calendars themselves, for the engine (src/model/calendars.hpp).
  const model::CalendarSet& set() const { return *set_; }
  // Wraps calendars the library read itself (a scenario file's `calendars:`).
  static Calendars from(model::CalendarSet set);

 private:
  explicit Calendars(std::shared_ptr<const model::CalendarSet> set);

  std::shared_ptr<const model::CalendarSet> set_;
};

// What loading calendars gives: the calendars when there is no problem, and every problem found.
struct CalendarsOutcome {
  Calendars calendars;                  // empty when diagnostics is not empty
  std::vector<Diagnostic> diagnostics;  // in file order

  bool ok() const { return diagnostics.empty(); }
};

}  // namespace crmflow
