// crmflow model: business calendars read from YAML (spec/process-language.md, "Calendars"):
// a calendars file (`crmflow --calendars FILE`) or a scenario's `calendars:`.
//
//   calendars:
//     office:
//       timezone: Asia/Tehran                 # required: an IANA zone
//       week: [sat, sun, mon, tue, wed]       # required: the working days
//       hours: "08:00-16:00"                  # required: one range, or "08:00-12:00, 13:00-17:00"
//       holidays: [2026-03-20, 2026-03-21]    # optional: dates that are not working days
//
//   CalendarsLoad loaded = load_calendars(text, "calendars.yaml");
//   if (!loaded.calendars) for (const Diagnostic& d : loaded.diagnostics) print(d.format());
//   const time::BusinessCalendar* office = loaded.calendars->find("office");
//
// Every problem of a file is reported, each at its place (FILE:LINE:COL), with a message that
// names the calendar and the field: unknown fields, an unknown time zone or day name (with
// "did you mean"), working hours that parse_working_hours refuses, a day named twice in `week`,
// holidays that are not dates. A holiday listed twice is fine.
// Thread safety: the functions are pure; a CalendarSet is immutable once read.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/diagnostic.hpp"
#include "time/business_calendar.hpp"
#include "yaml/fields.hpp"
#include "yaml/node.hpp"

namespace crmflow::model {

// Business calendars by name. Each calendar's `name` is its key.
struct CalendarSet {
  std::map<std::string, time::BusinessCalendar, std::less<>> calendars;

  // The calendar called `name`, or nullptr.
  const time::BusinessCalendar* find(std::string_view name) const;
  // Every name, in sorted order (for LoadOptions::calendars and messages).
  std::vector<std::string> names() const;
};

// Reads a map NAME -> {timezone, week, hours, holidays}: the value of `calendars:`. Problems go
// to `fields`; the result is nullopt when any was reported (a partly read set is never
// returned).
std::optional<CalendarSet> read_calendars(const yaml::Node& map, yaml::FieldReader& fields);

// Reads a whole calendars document: `calendars: {NAME: {...}}` (the file form, whose root may
// hold nothing else) or the bare map `{NAME: {...}}`. A root with a `calendars` key is always the
// file form, so no calendar may be called "calendars" in a bare map.
std::optional<CalendarSet> read_calendars_document(const yaml::Node& root,
                                                   yaml::FieldReader& fields);

struct CalendarsLoad {
  std::optional<CalendarSet> calendars;  // nullopt when diagnostics is not empty
  std::vector<Diagnostic> diagnostics;   // sorted by line, then column
};

// Parses `text` (named `file_name` in diagnostics) and reads it with read_calendars_document.
// YAML syntax errors are diagnostics too.
CalendarsLoad load_calendars(std::string_view text, std::string_view file_name);

}  // namespace crmflow::model
