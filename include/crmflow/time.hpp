// crmflow: values of time: an instant, a calendar date, a datetime with its offset, and an
// ISO 8601 duration. Parsing, formatting, arithmetic, cycles, cron and calendars live in
// src/time; these are the plain types the public API and Value carry.
//
//   crmflow::Instant t = crmflow::Instant{std::chrono::milliseconds{0}};   // 1970-01-01T00:00:00Z
//   crmflow::Duration d{.days = 2, .millis = 3'600'000};                   // P2DT1H
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>

namespace crmflow {

// A moment on the UTC time line, to the millisecond. Every clock, due time and history
// timestamp is an Instant.
using Instant = std::chrono::sys_time<std::chrono::milliseconds>;

// A calendar date with no time of day and no zone (ISO 8601 `2026-02-02`, proleptic Gregorian).
struct Date {
  std::chrono::sys_days day{};

  friend bool operator==(const Date&, const Date&) = default;
  friend auto operator<=>(const Date&, const Date&) = default;
};

// A moment together with the UTC offset it was written in (`2026-01-03T09:00:00+03:30` keeps
// +210 minutes so that it prints back the way it was written). Two DateTimes are equal when they
// name the same instant, whatever their offsets.
struct DateTime {
  Instant at{};
  std::int32_t offset_minutes = 0;

  friend bool operator==(const DateTime& a, const DateTime& b) { return a.at == b.at; }
  friend auto operator<=>(const DateTime& a, const DateTime& b) { return a.at <=> b.at; }
};

// An ISO 8601 duration: `P1Y2M10DT2H30M`, `PT4H`, `P3W`, `-P1D`. Months (years count 12) and days
// stay apart from the clock part because their length depends on the calendar: P1M from
// January 31 and P1D across a DST change are resolved only when added to a date or datetime.
// All fields carry the same sign for a duration that was parsed; weeks are stored as 7 days.
struct Duration {
  std::int32_t months = 0;
  std::int32_t days = 0;
  std::int64_t millis = 0;  // hours, minutes, seconds and fractions

  friend bool operator==(const Duration&, const Duration&) = default;
  bool is_zero() const { return months == 0 && days == 0 && millis == 0; }
};

}  // namespace crmflow
