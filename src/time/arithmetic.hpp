// crmflow time: calendar arithmetic on dates, datetimes and durations.
//
//   add(Date{2026y/1/31}, P1M)                       -> 2026-02-28  (end of month clamps)
//   add(2026-03-28T10:00+01:00, P1D, Europe/Berlin)  -> 2026-03-29T10:00+02:00 (wall clock kept)
//   add(2026-03-28T10:00+01:00, PT24H, Europe/Berlin)-> 2026-03-29T11:00+02:00 (exact time)
//
// How a duration is added: first its months (years are 12 months) to the calendar date, with the
// day clamped to the end of a shorter month (Jan 31 + P1M = Feb 28, or 29 in a leap year); then
// its days to the calendar date, keeping the wall-clock time of day in the zone; then the clock
// part as exact elapsed time. Subtracting adds the negated duration, so Mar 31 − P1M = Feb 28.
// A wall-clock time that the calendar step lands in a DST gap or overlap is resolved as
// from_local does (overlap: the earlier instant; gap: shifted forward by the gap's length).
// Results outside 0000-01-01..9999-12-31 and integer overflow are invalid_input.
// Everything here is pure and thread-safe. A `zone` of nullptr means: keep the DateTime's own
// fixed offset (for an Instant: UTC).
#pragma once

#include <date/tz.h>

#include <compare>
#include <cstdint>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow::time {

// date + duration. The duration must have no clock part (a Date has no time of day): `PT4H`
// is refused with invalid_input ("add it to a datetime instead").
Result<Date> add(Date date, const Duration& duration);
// date − duration, the same rules.
Result<Date> subtract(Date date, const Duration& duration);

// datetime + duration. Months and days move the wall-clock date in `zone` (or in the DateTime's
// own offset when zone is nullptr); the result carries the offset in force at the result
// (zone given) or the original offset (zone nullptr).
Result<DateTime> add(const DateTime& datetime, const Duration& duration,
                     const date::time_zone* zone);
Result<DateTime> subtract(const DateTime& datetime, const Duration& duration,
                          const date::time_zone* zone);

// instant + duration with months and days counted on the wall clock of `zone` (UTC for nullptr).
// The engine's due dates: `created + P3D` in the process calendar's zone.
Result<Instant> add(Instant at, const Duration& duration, const date::time_zone* zone);

// a − b as a duration with a clock part only (`PT50H`, negative when a is earlier). Never fails:
// every in-range difference fits in 64-bit milliseconds.
Duration subtract(const DateTime& a, const DateTime& b);
Duration subtract(Instant a, Instant b);

// a − b as a duration of whole days only (`P3D`, `-P3D`).
Duration subtract(Date a, Date b);

// The number of calendar days from a to b: positive when b is later, 0 on the same date.
std::int64_t days_between(Date a, Date b);
// The same for two moments, counted between their calendar dates in `zone` (UTC for nullptr), so
// 23:59 to 00:01 the next day is 1 day.
std::int64_t days_between(Instant a, Instant b, const date::time_zone* zone);

// Orders two durations as FEEL does, by two lengths: the months (a year is 12) and the day-time
// length (a day counts 24 hours). When both lengths agree in direction the durations are
// ordered that way: PT1H < PT2H, P1D is equivalent to PT24H, P2D > PT47H, P1Y is equivalent to
// P12M, P1M < P1MT1H, zero < P1M. When they disagree the answer would depend on the calendar,
// and the result is unordered: P1M vs P30D, P1M vs PT1H.
std::partial_ordering compare(const Duration& a, const Duration& b);

// −d, part by part. Fails only when a part is the most negative integer.
Result<Duration> negate(const Duration& duration);
// d × factor, part by part, overflow checked.
Result<Duration> multiply(const Duration& duration, std::int64_t factor);
// a + b, part by part, overflow checked. The parts may then have different signs (P1M + -P1D);
// such a duration is still added to dates part by part, in the order above.
Result<Duration> add(const Duration& a, const Duration& b);

}  // namespace crmflow::time
