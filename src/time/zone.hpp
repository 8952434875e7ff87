// crmflow time: IANA time zones (from the system tz database, Debian's tzdata) and the bridge
// between instants and wall-clock times.
//
//   auto tehran = crmflow::time::find_zone("Asia/Tehran");
//   crmflow::DateTime dt = crmflow::time::in_zone(clock.now(), *tehran);   // offset +210
//   crmflow::Date today = crmflow::time::local_date(clock.now(), *tehran);
//
// A `const date::time_zone*` of nullptr means UTC everywhere in src/time. Zones live for the
// whole program (the database is loaded once, on first use). All functions are thread-safe.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow::time {

// A wall-clock reading, to the millisecond, in no particular zone.
using LocalTime = date::local_time<std::chrono::milliseconds>;

// The zone named `name` exactly (case-sensitive IANA name such as `Europe/Berlin`, `Asia/Tehran`,
// `UTC`, or a link such as `Iran`). Unknown or empty name: invalid_input naming it.
Result<const date::time_zone*> find_zone(std::string_view name);

// The offset from UTC, in minutes, in force in `zone` at `at` (0 for nullptr). Offsets are whole
// minutes throughout crmflow (as a DateTime keeps them): the seconds of an early local mean time
// (Europe/Berlin's +00:53:28 before 1893) are dropped, here and in to_local and from_local alike,
// so that those two stay each other's inverse.
std::int32_t offset_minutes_at(Instant at, const date::time_zone* zone);

// `at` with the offset of `zone` at that moment (offset 0 for nullptr).
DateTime in_zone(Instant at, const date::time_zone* zone);

// The wall-clock reading of `at` in `zone` (UTC for nullptr).
LocalTime to_local(Instant at, const date::time_zone* zone);

// The calendar date of `at` in `zone` (UTC for nullptr): what `today()` means.
Date local_date(Instant at, const date::time_zone* zone);

// The instant a wall-clock reading names in `zone` (UTC for nullptr), by the DST rule of
// parse_datetime: in an overlap the earlier instant; in a gap the reading taken with the offset
// before the gap (so it lands after the gap, shifted by the gap's length).
Instant from_local(LocalTime local, const date::time_zone* zone);

// Like from_local, but a reading inside a gap maps to the first instant after the gap (the
// moment of the transition). Used by cron, where a skipped time fires as soon as it can.
Instant from_local_gap_to_transition(LocalTime local, const date::time_zone* zone);

}  // namespace crmflow::time
