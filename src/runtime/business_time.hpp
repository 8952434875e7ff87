// How the engine counts the durations of a case: in the business time of a calendar, or in plain
// time (spec/process-language.md, "Calendars"; docs/time.md, "Business time in the engine").
//
//   auto basis = time_basis(env.calendars, definition.calendar, /*plain_zone=*/nullptr);
//   if (!basis) raise an incident: the process names a calendar the engine does not have
//   Result<Instant> due = basis->add(created, *user.due.after);        // PT4H: 4 working hours
//   Result<Instant> alarm = basis->subtract(due, alarm.offset);        // before_due
//
// Which durations count business time: a task's `due`, every alarm duration (`after`,
// `before_due`, and the `every` of a repeating alarm) when the process names a `calendar`; the
// timer of a `wait` step or boundary event only when the step names `calendar:` itself. Every
// other duration (timers without their own calendar, retry backoff) is plain time, whose days
// and months move the wall clock of the process calendar's zone (UTC without a calendar).
#pragma once

#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "crmflow/calendar.hpp"
#include "crmflow/error.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"
#include "model/definition.hpp"
#include "time/business_calendar.hpp"
#include "time/cycle.hpp"

namespace crmflow::runtime {

// The clock durations are counted on: a business calendar, or plain time on the wall clock of a
// zone. A cheap value; the calendar and zone it points to outlive it (the engine's calendars,
// the tz database).
struct TimeBasis {
  // Business time of this calendar; nullptr: plain time.
  const time::BusinessCalendar* calendar = nullptr;
  // Plain time: the zone whose wall clock days and months move on (UTC for nullptr). Ignored
  // when `calendar` is set (business time reads the calendar's own zone).
  const date::time_zone* plain_zone = nullptr;

  // `start` + `duration`: add_business_time with a calendar, else time::add in plain_zone.
  // Errors: invalid_input naming the calendar or the duration (no working time for 10 years,
  // a result outside 0000-01-01..9999-12-31, overflow).
  Result<Instant> add(Instant start, const Duration& duration) const;
  // `from` − `duration`, the mirror of add (subtract_business_time with a calendar).
  Result<Instant> subtract(Instant from, const Duration& duration) const;
  // Occurrence `k` (0-based) of a repeating interval, nullopt when there is none (past its count
  // or 9999-12-31). In plain time: Cycle::occurrence. In business time the period counts
  // business time: START + k×PERIOD (occurrence 0 is START itself, as written), or for the form
  // without START, anchor + (k+1)×PERIOD. Errors: add's.
  Result<std::optional<Instant>> occurrence(const time::Cycle& cycle, std::int64_t k,
                                            Instant anchor) const;
};

// The basis for durations in calendar `name` among `calendars`: plain time in `plain_zone` when
// `name` is empty. Errors: not_found when `calendars` is nullptr or has no calendar `name`; the
// message names the calendar and says how to give it to the engine.
Result<TimeBasis> time_basis(const Calendars* calendars, std::string_view name,
                             const date::time_zone* plain_zone);

// The zone of calendar `name` among `calendars` (dates without a zone are read in it, and
// format_date writes in it); nullptr (UTC) when `name` is empty or the calendar is unknown.
const date::time_zone* calendar_zone(const Calendars* calendars, std::string_view name);

// The moment a `due` expression or a timer `date` gave: a datetime; a date, meaning its first
// moment in `zone`; or ISO 8601 text of either, a datetime without an offset read in `zone` (the
// process calendar's; nullptr: UTC). No calendar moves it: a moment is a moment.
// Errors: invalid_input "`what` must give a datetime, not KIND".
Result<Instant> moment_of(const Value& value, const date::time_zone* zone, std::string_view what);

// Ok when every calendar `definition` names (the process `calendar`, and the `calendar:` of wait
// steps and of steps with boundary timers) is among `calendars`. With `calendars` nullptr (an
// engine given no calendars) every definition passes: its cases raise an incident where they
// need a calendar. Errors: invalid_input naming the process, the step and the calendar.
Status check_calendars(const model::Definition& definition, const Calendars* calendars);

}  // namespace crmflow::runtime
