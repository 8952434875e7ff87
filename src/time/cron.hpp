// crmflow time: five-field cron schedules evaluated in a time zone, the `cron` trigger.
//
//   auto c = crmflow::time::CronSchedule::parse("0 9 * * MON-FRI", *find_zone("Asia/Tehran"));
//   std::optional<Instant> t = c->next_after(clock.now());
//
// Fields: minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-7 or
// SUN-SAT (0 and 7 are Sunday). Each field is `*` or a comma list of items; an item is a value,
// a range `a-b` (a <= b), or either of those or `*` followed by a step `/n` (`*/15`, `10-50/20`,
// `5/15` meaning 5-max/15). Names are case-insensitive and may be used in ranges (MON-FRI).
// Also accepted: @yearly (@annually), @monthly, @weekly, @daily (@midnight), @hourly.
// Day rule (Vixie cron): when both day of month and day of week are restricted (neither field
// starts with `*`), a day matches if EITHER matches; otherwise both must match.
// DST rule, in the schedule's zone: a wall-clock time skipped by spring-forward fires at the
// first moment after the gap (once, however many skipped times the schedule names); a wall-clock
// time that happens twice in an autumn overlap fires once, at its first occurrence.
// A CronSchedule is an immutable value; const methods are thread-safe.
#pragma once

#include <date/tz.h>

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow::time {

class CronSchedule {
 public:
  // Parses `text` for `zone` (UTC for nullptr). invalid_input names the field and the bad token,
  // e.g. "cron '0 25 * * *': hour field: '25' is out of range 0-23".
  static Result<CronSchedule> parse(std::string_view text, const date::time_zone* zone);

  // The first firing strictly after `after`, or nullopt when the schedule never fires again
  // (`0 0 30 2 *`, known at parse time) or not before 9999-12-31. Bounded: looks at most one
  // 400-year Gregorian cycle of days ahead, which holds every date-and-weekday combination;
  // months that are not chosen are skipped whole.
  std::optional<Instant> next_after(Instant after) const;

  // The text as given (trimmed).
  const std::string& text() const { return text_; }

 private:
  CronSchedule() = default;
  bool day_matches(date::year_month_day ymd) const;

  std::string text_;
  const date::time_zone* zone_ = nullptr;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // bit 0 unused
  std::bitset<13> months_;         // bit 0 unused
  std::bitset<7> days_of_week_;    // 0 = Sunday
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
  bool satisfiable_ = true;
};

}  // namespace crmflow::time
