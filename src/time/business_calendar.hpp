// crmflow time: business calendars (spec/process-language.md, "Calendars"): when work happens,
// and due dates and alarms counted in working time.
//
//   BusinessCalendar office{.name = "office", .zone = *find_zone("Asia/Tehran"),
//                           .working_days = week_of({date::Saturday, ..., date::Wednesday}),
//                           .hours = *parse_working_hours("08:00-16:00")};
//   add_business_time(office, Wed 15:00, PT2H)   -> Sat 09:00 (Thu and Fri are off)
//   add_business_time(office, Tue 10:00, P2D)    -> Sat 10:00 (Wed, then Sat)
//   subtract_business_time(office, Sat 08:00, PT1H) -> Wed 15:00
//
// Working time is a set of half-open spans [begin, end) on the time line: for every date that
// is a working day of the week and not a holiday, one span per working period, its ends read on
// the calendar's wall clock. A wall-clock end that does not exist that day (a DST gap) is the
// first moment after the gap; one that happens twice (a DST overlap) is the first of the two:
// each end is the first moment the clock shows that time. Spans therefore have their real length
// (09:00-17:00 is always 8 hours, 00:00-24:00 is 23 hours on a spring-forward day).
//
// The rules of add_business_time, in order (subtract_business_time is their mirror image):
//  1. The start moves to the next working moment (a start inside working time stays; one exactly
//     at a period's end is outside it: Wed 16:00 + PT1H is Sat 09:00).
//  2. Months (years are 12) move the calendar date, the day clamped to the month's end, keeping
//     the time of day; a date that is not a working day moves on to the next working day, at the
//     same time of day.
//  3. Days (weeks are 7 days) count working days, keeping the time of day: Tue 10:00 + P2D is
//     10:00 on the second working day after Tuesday. (When a DST gap swallows that time of day
//     in the working hours of the day reached, the next working moment.)
//  4. The clock part (hours, minutes, seconds) counts working time only, as real elapsed time.
//     A result exactly at the end of a period stays there (Wed 08:00 + PT8H is Wed 16:00, not
//     Sat 08:00).
// A zero duration gives the start's next working moment. A negative duration is subtracted;
// one whose parts have different signs (only arithmetic can make one) is refused.
//
// subtract_business_time mirrors this: the moment first moves back to the previous working
// moment, where a period's end counts as working (a due date at 16:00 stays at 16:00); then the
// clock part counts working time backwards (a result exactly at the start of a period stays
// there); then days and months go back, keeping the time of day. So for every start s and
// duration d without months, subtract(add(s, d), d) is next_working_moment(s), unless the time
// of day that counting days keeps is skipped or repeated by a DST change on one of the days.
//
// Searches are bounded: a calendar with no working moment for 10 years after (or before) some
// moment, and results outside 0000-01-01..9999-12-31, are invalid_input errors naming the
// calendar, never an endless loop.
// Everything here is pure and thread-safe.
#pragma once

#include <date/tz.h>

#include <array>
#include <chrono>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow::time {

// One range of working hours on the wall clock, from midnight: [start, end).
// A valid period has 0 <= start < end <= 24:00.
struct WorkingPeriod {
  std::chrono::minutes start{0};
  std::chrono::minutes end{0};

  friend bool operator==(const WorkingPeriod&, const WorkingPeriod&) = default;
};

struct BusinessCalendar {
  // Used in messages only ("calendar 'office': ...").
  std::string name;
  // The zone the hours and holidays are read in; nullptr means UTC.
  const date::time_zone* zone = nullptr;
  // Indexed by date::weekday::c_encoding(): [0] is Sunday, [6] is Saturday.
  std::array<bool, 7> working_days{};
  // The working hours of every working day: at least one period, in order, neither
  // overlapping nor touching (check_calendar says why a list is refused).
  std::vector<WorkingPeriod> hours;
  // Dates that are not working days, whatever their weekday.
  std::set<Date> holidays;
};

// The working_days array with exactly `days` set.
std::array<bool, 7> week_of(std::initializer_list<date::weekday> days);

// Reads working hours: one range "08:00-16:00", or several separated by commas
// "08:00-12:00, 13:00-17:00" (spaces around ',' and '-' are allowed). Times are HH:MM with two
// digits each, 00:00..23:59; an end may also be 24:00 (midnight at the end of the day).
// Refused, with invalid_input quoting the text: bad syntax, an empty range (10:00-10:00), one
// that runs backwards (22:00-06:00: a night shift is two ranges, "00:00-06:00, 22:00-24:00"),
// and ranges out of order, overlapping, or touching (write 08:00-12:00, 12:00-16:00 as
// 08:00-16:00).
Result<std::vector<WorkingPeriod>> parse_working_hours(std::string_view text);

// "08:00-12:00, 13:00-17:00": what parse_working_hours reads back.
std::string format_working_hours(const std::vector<WorkingPeriod>& hours);

// Ok when the calendar can be used: at least one working day in its week, and hours as
// parse_working_hours would accept them. Otherwise invalid_input naming the calendar.
Status check_calendar(const BusinessCalendar& calendar);

// Whether `date` (in the calendar's zone) is a working day: its weekday works and it is not a
// holiday.
bool is_working_day(const BusinessCalendar& calendar, Date date);

// Whether `at` lies in working time: inside a working period of a working day, the start of a
// period included, its end excluded. False for a calendar check_calendar refuses.
bool is_working_moment(const BusinessCalendar& calendar, Instant at);

// `at` itself when it is a working moment; otherwise the start of the next working period.
// Errors (invalid_input naming the calendar): check_calendar's, no working moment within 10
// years after `at`, or none before 9999-12-31.
Result<Instant> next_working_moment(const BusinessCalendar& calendar, Instant at);

// `start` + `duration` in business time, by the rules at the top of this file.
// Errors (invalid_input naming the calendar): check_calendar's, no working time within 10 years
// of some moment of the walk, a result outside 0000-01-01..9999-12-31, a duration whose parts
// have different signs.
Result<Instant> add_business_time(const BusinessCalendar& calendar, Instant start,
                                  const Duration& duration);

// `from` − `duration` in business time (alarms `before_due`): the mirror of add_business_time.
// A negative duration is added. Errors as add_business_time.
Result<Instant> subtract_business_time(const BusinessCalendar& calendar, Instant from,
                                       const Duration& duration);

}  // namespace crmflow::time
