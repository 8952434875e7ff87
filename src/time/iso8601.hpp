// crmflow time: ISO 8601 / RFC 3339 text for durations, dates, datetimes and instants.
//
//   auto d = crmflow::time::parse_duration("P1DT2H");      // {days 1, millis 7'200'000}
//   crmflow::time::format_duration(*d);                     // "P1DT2H"
//   auto t = crmflow::time::parse_datetime("2026-01-03T09:00:00+03:30", nullptr);
//   crmflow::time::format_datetime(*t);                     // "2026-01-03T09:00:00+03:30"
//
// Every value handled here lies between 0000-01-01 and 9999-12-31 (for a datetime: its wall-clock
// reading in its own offset). Errors are invalid_input and quote the text and what is wrong.
// All functions are pure and thread-safe.
#pragma once

#include <date/tz.h>

#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow::time {

// The supported range of calendar dates, both ends included.
inline constexpr std::chrono::sys_days kMinDay{std::chrono::days{-719528}};  // 0000-01-01
inline constexpr std::chrono::sys_days kMaxDay{std::chrono::days{2932896}};  // 9999-12-31

// ISO 8601 duration: `P1Y2M10DT2H30M`, `PT4H`, `P3W`, `PT1.5S`, `-P1D` (a leading `-` negates
// every part; `+` is allowed too). Years count 12 months, weeks 7 days. The smallest time part
// (H, M or S) may have a fraction (`.` or `,`) that must come out to whole milliseconds
// (`PT0.5H`, `PT1.25S`; `PT0.0001S` is refused). Designators must come in order Y M W D T H M S,
// each at most once; `P`, `PT`, `P1DT`, lower case, spaces, signs inside, fractions on Y/M/W/D and
// values that do not fit (months and days in 32 bits, milliseconds in 64) are refused.
Result<Duration> parse_duration(std::string_view text);

// Canonical text: years and months (`P1Y2M`), days (`P10D`; never weeks), then the clock part as
// hours, minutes and seconds with up to three fraction digits (`PT2H30M`, `PT1.5S`); `PT0S` for
// zero; `-P1DT2H` when every part is negative. Hours are never folded into days. A duration whose
// parts have different signs (only arithmetic can make one) is written with a sign on each
// part, e.g. `P1M-2D`; parse_duration refuses that form.
std::string format_duration(const Duration& duration);

// `YYYY-MM-DD` exactly (extended format, four-digit year 0000-9999), a real calendar date:
// 2026-02-30 and 2025-02-29 are refused.
Result<Date> parse_date(std::string_view text);

// `YYYY-MM-DD`. REQUIRES: the date is in [kMinDay, kMaxDay].
std::string format_date(Date date);

// RFC 3339 / ISO 8601 extended datetime: `2026-01-03T09:00:00+03:30`, `...Z`, `...+0330`,
// `2026-01-03T09:00Z` (seconds optional), fractional seconds `09:00:00.123` (digits past the
// millisecond are truncated); `T`, `t` or one space between date and time; hour 00-23, no leap
// second. An offset is Z/z or ±HH:MM / ±HHMM / ±HH up to ±23:59.
// Text without an offset is a wall-clock time in `local_zone` (UTC when nullptr), and the result
// carries that zone's offset at that moment. DST rule for such local times (the same as
// java.time and JavaScript Temporal's "compatible"): a time that happens twice (autumn overlap)
// is the earlier one; a time skipped by spring-forward is read with the offset in force before
// the gap, so it lands as far after the gap as it was into it (02:30 in Berlin on 2026-03-29
// is 03:30+02:00).
Result<DateTime> parse_datetime(std::string_view text, const date::time_zone* local_zone);

// `2026-01-03T09:00:00+03:30`: the wall-clock time in the DateTime's own offset, `Z` for offset
// 0, `.mmm` only when the milliseconds are not zero.
std::string format_datetime(const DateTime& datetime);

// RFC 3339 in UTC: `2026-01-03T05:30:00Z` (`.mmm` only when not zero).
std::string format_instant(Instant at);

}  // namespace crmflow::time
