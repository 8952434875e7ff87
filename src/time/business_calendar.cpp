#include "time/business_calendar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "time/arithmetic.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::time {
namespace {

namespace chr = std::chrono;

// How many days in a row without working time a search crosses before it gives up.
constexpr int kSearchDays = 3653;  // 10 years

std::string label(const BusinessCalendar& calendar) {
  return calendar.name.empty() ? std::string{"business calendar"}
                               : fmt::format("calendar '{}'", calendar.name);
}

// ---- working hours text ----

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "HH:MM" with 00:00 <= value <= 24:00 as minutes; nullopt for anything else.
std::optional<chr::minutes> parse_clock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':' || !is_digit(text[0]) || !is_digit(text[1]) ||
      !is_digit(text[3]) || !is_digit(text[4])) {
    return std::nullopt;
  }
  const int hour = (text[0] - '0') * 10 + (text[1] - '0');
  const int minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (minute > 59 || hour > 24 || (hour == 24 && minute != 0)) return std::nullopt;
  return chr::minutes{hour * 60 + minute};
}

std::string format_clock(chr::minutes m) {
  return fmt::format("{:02}:{:02}", m.count() / 60, m.count() % 60);
}

std::string format_period(const WorkingPeriod& p) {
  return format_clock(p.start) + "-" + format_clock(p.end);
}

// Why `hours` cannot be a calendar's hours, or "" when they can.
std::string hours_problem(const std::vector<WorkingPeriod>& hours) {
  if (hours.empty()) return "there are no working hours";
  constexpr chr::minutes kDay{24 * 60};
  for (std::size_t i = 0; i < hours.size(); ++i) {
    const WorkingPeriod& p = hours[i];
    if (p.start < chr::minutes{0} || p.end > kDay || p.start >= kDay) {
      return fmt::format("'{}' is not within 00:00-24:00", format_period(p));
    }
    if (p.start == p.end) return fmt::format("'{}' is empty", format_period(p));
    if (p.start > p.end) {
      return fmt::format(
          "'{}' runs backwards: a range cannot cross midnight (write a night shift as two "
          "ranges, such as 00:00-06:00, 22:00-24:00)",
          format_period(p));
    }
    if (i == 0) continue;
    const WorkingPeriod& before = hours[i - 1];
    if (p.start < before.start) {
      return fmt::format("'{}' comes before '{}': write the ranges in the order of the day",
                         format_period(p), format_period(before));
    }
    if (p.start < before.end) {
      return fmt::format("'{}' overlaps '{}'", format_period(p), format_period(before));
    }
    if (p.start == before.end) {
      return fmt::format("'{}' touches '{}': write them as one range, {}", format_period(p),
                         format_period(before), format_period({before.start, p.end}));
    }
  }
  return "";
}

// ---- working spans on the time line ----

// One working period of one day, as instants: [begin, end).
struct Span {
  chr::sys_days day;
  std::size_t period = 0;
  Instant begin;
  Instant end;
};

// The first moment the calendar's wall clock shows `time_of_day` on `day` (so a reading in a
// DST gap is the moment of the transition, and one in an overlap the first of the two).
Instant wall_moment(const BusinessCalendar& calendar, chr::sys_days day,
                    chr::milliseconds time_of_day) {
  return from_local_gap_to_transition(LocalTime{day.time_since_epoch() + time_of_day},
                                      calendar.zone);
}

Span span_of(const BusinessCalendar& calendar, chr::sys_days day, std::size_t period) {
  const WorkingPeriod& p = calendar.hours[period];
  return Span{day, period, wall_moment(calendar, day, p.start), wall_moment(calendar, day, p.end)};
}

// The wall-clock time of day of `at`, a moment of `span` (its ends included): exactly the
// period's bound at either end, so that 24:00 stays 24:00.
chr::milliseconds time_of_day(const BusinessCalendar& calendar, const Span& span, Instant at) {
  const WorkingPeriod& p = calendar.hours[span.period];
  if (at == span.begin) return p.start;
  if (at == span.end) return p.end;
  return to_local(at, calendar.zone) - LocalTime{span.day.time_since_epoch()};
}

enum class Direction { forward, backward };

// What an operation is, for its error messages: "calendar 'office': 2026-03-18T15:00:00Z +
// PT2H ...".
struct Operation {
  const BusinessCalendar& calendar;
  Instant at;
  const Duration& duration;
  char sign;
};

// Whether `at` lies in 0000-01-01..9999-12-31 (UTC), where every search starts.
bool in_range(Instant at) { return at >= Instant{kMinDay} && at < Instant{kMaxDay + chr::days{1}}; }

Error out_of_range(const Operation& op) {
  const std::string start = in_range(op.at) ? format_instant(op.at) : std::string{"the moment"};
  return invalid_input(
      fmt::format("{}: {} {} {} in business time lies outside 0000-01-01..9999-12-31",
                  label(op.calendar), start, op.sign, format_duration(op.duration)));
}

Error no_working_time(const BusinessCalendar& calendar, chr::sys_days since, Direction direction) {
  return invalid_input(
      fmt::format("{} has no working time in the 10 years {} {}: check its 'week' and 'holidays'",
                  label(calendar), direction == Direction::forward ? "after" : "before",
                  format_date(Date{since})));
}

chr::sys_days step(chr::sys_days day, Direction direction) {
  return direction == Direction::forward ? day + chr::days{1} : day - chr::days{1};
}

// Calls `visit(span)` for the working spans that reach past `from` in `direction`, nearest
// first, until it returns true. Forward: the spans that end after `from`. Backward: the spans
// that begin before `from`, or at it when `inclusive`. Spans are whole, not clipped to `from`.
template <class Visit>
Status walk(const Operation& op, Instant from, Direction direction, bool inclusive, Visit&& visit) {
  const BusinessCalendar& calendar = op.calendar;
  const chr::sys_days first = local_date(from, calendar.zone).day;
  chr::sys_days day = direction == Direction::forward ? std::max(kMinDay, first - chr::days{1})
                                                      : std::min(kMaxDay, first + chr::days{1});
  chr::sys_days idle_since = first;
  int idle = 0;
  const std::size_t periods = calendar.hours.size();
  for (;; day = step(day, direction)) {
    if (day < kMinDay || day > kMaxDay) return out_of_range(op);
    bool worked = false;
    if (is_working_day(calendar, Date{day})) {
      for (std::size_t k = 0; k < periods; ++k) {
        const std::size_t period = direction == Direction::forward ? k : periods - 1 - k;
        const Span span = span_of(calendar, day, period);
        if (span.end <= span.begin) continue;  // swallowed by a DST gap
        const bool reaches = direction == Direction::forward
                                 ? span.end > from
                                 : span.begin < from || (inclusive && span.begin == from);
        if (!reaches) continue;
        worked = true;
        if (visit(span)) return {};
      }
    }
    if (worked) {
      idle = 0;
      idle_since = step(day, direction);
    } else if (++idle > kSearchDays) {
      return no_working_time(calendar, idle_since, direction);
    }
  }
}

// The working moment at or after `from`, and its span.
Result<std::pair<Instant, Span>> next_moment(const Operation& op, Instant from) {
  std::pair<Instant, Span> found;
  Status walked = walk(op, from, Direction::forward, false, [&](const Span& span) {
    found = {std::max(span.begin, from), span};
    return true;
  });
  if (!walked) return std::move(walked).error();
  return found;
}

// `from` when it lies in working time or at the end of a period; otherwise the end of the
// period before it. With its span.
Result<std::pair<Instant, Span>> previous_moment(const Operation& op, Instant from) {
  std::pair<Instant, Span> found;
  Status walked = walk(op, from, Direction::backward, true, [&](const Span& span) {
    found = {std::min(span.end, from), span};
    return true;
  });
  if (!walked) return std::move(walked).error();
  return found;
}

// `millis` (> 0) of working time after `from` (a working moment); a result at a period's end
// stays there.
Result<std::pair<Instant, Span>> walk_working_time(const Operation& op, Instant from,
                                                   std::int64_t millis, Direction direction) {
  chr::milliseconds remaining{millis};
  // Working time never runs faster than the clock: a duration longer than the time left in the
  // supported range cannot fit, and need not be walked day by day to find out.
  const Instant edge =
      direction == Direction::forward ? Instant{kMaxDay + chr::days{1}} : Instant{kMinDay};
  if (remaining > (direction == Direction::forward ? edge - from : from - edge)) {
    return out_of_range(op);
  }
  std::pair<Instant, Span> found;
  Status walked = walk(op, from, direction, false, [&](const Span& span) {
    if (direction == Direction::forward) {
      const Instant begin = std::max(span.begin, from);
      if (remaining <= span.end - begin) {
        found = {begin + remaining, span};
        return true;
      }
      remaining -= span.end - begin;
    } else {
      const Instant end = std::min(span.end, from);
      if (remaining <= end - span.begin) {
        found = {end - remaining, span};
        return true;
      }
      remaining -= end - span.begin;
    }
    return false;
  });
  if (!walked) return std::move(walked).error();
  return found;
}

// `day` when it is a working day, else the nearest working day in `direction`.
Result<chr::sys_days> working_day_from(const Operation& op, chr::sys_days day,
                                       Direction direction) {
  const chr::sys_days since = day;
  for (int idle = 0; !is_working_day(op.calendar, Date{day}); ++idle) {
    if (idle > kSearchDays) return no_working_time(op.calendar, since, direction);
    day = step(day, direction);
    if (day < kMinDay || day > kMaxDay) return out_of_range(op);
  }
  return day;
}

// The `count`-th working day after (or before) `day`.
Result<chr::sys_days> count_working_days(const Operation& op, chr::sys_days day, std::int64_t count,
                                         Direction direction) {
  for (; count > 0; --count) {
    day = step(day, direction);
    if (day < kMinDay || day > kMaxDay) return out_of_range(op);
    auto next = working_day_from(op, day, direction);
    if (!next) return std::move(next).error();
    day = *next;
  }
  return day;
}

// `day` moved by `months` calendar months (the day clamped to the month's end), then to the
// nearest working day in `direction` when it is not one.
Result<chr::sys_days> shift_months(const Operation& op, chr::sys_days day, std::int32_t months,
                                   Direction direction) {
  auto shifted =
      add(Date{day}, Duration{.months = direction == Direction::forward ? months : -months});
  if (!shifted) return out_of_range(op);
  return working_day_from(op, shifted->day, direction);
}

// The moment `at` of `span` moved by `months` and `days` in working days, keeping its time of
// day: months first, then days, going forward; days first, then months, going back.
Result<Instant> move_days(const Operation& op, Instant at, const Span& span, std::int32_t months,
                          std::int32_t days, Direction direction) {
  Result<chr::sys_days> day = span.day;
  if (direction == Direction::forward) {
    if (months != 0) day = shift_months(op, *day, months, direction);
    if (day) day = count_working_days(op, *day, days, direction);
  } else {
    day = count_working_days(op, *day, days, direction);
    if (day && months != 0) day = shift_months(op, *day, months, direction);
  }
  if (!day) return std::move(day).error();
  return wall_moment(op.calendar, *day, time_of_day(op.calendar, span, at));
}

enum class Signs { zero, positive, negative, mixed };

Signs signs_of(const Duration& d) {
  const bool any_positive = d.months > 0 || d.days > 0 || d.millis > 0;
  const bool any_negative = d.months < 0 || d.days < 0 || d.millis < 0;
  if (any_positive && any_negative) return Signs::mixed;
  if (any_positive) return Signs::positive;
  return any_negative ? Signs::negative : Signs::zero;
}

Error mixed_signs(const BusinessCalendar& calendar, const Duration& duration) {
  return invalid_input(fmt::format(
      "{}: cannot count {} in business time: its parts have different signs; add them one by one",
      label(calendar), format_duration(duration)));
}

Result<Instant> add_forward(const Operation& op) {
  if (!in_range(op.at)) return out_of_range(op);
  auto start = next_moment(op, op.at);
  if (!start) return std::move(start).error();
  auto [at, span] = *start;
  const Duration& d = op.duration;
  if (d.months != 0 || d.days != 0) {
    auto moved = move_days(op, at, span, d.months, d.days, Direction::forward);
    if (!moved) return moved;
    // The same time of day is a working moment unless a DST gap swallowed it.
    auto settled = next_moment(op, *moved);
    if (!settled) return std::move(settled).error();
    std::tie(at, span) = *settled;
  }
  if (d.millis == 0) return at;
  auto end = walk_working_time(op, at, d.millis, Direction::forward);
  if (!end) return std::move(end).error();
  return end->first;
}

Result<Instant> subtract_backward(const Operation& op) {
  if (!in_range(op.at)) return out_of_range(op);
  auto from = previous_moment(op, op.at);
  if (!from) return std::move(from).error();
  auto [at, span] = *from;
  const Duration& d = op.duration;
  if (d.millis != 0) {
    auto begin = walk_working_time(op, at, d.millis, Direction::backward);
    if (!begin) return std::move(begin).error();
    std::tie(at, span) = *begin;
  }
  if (d.months == 0 && d.days == 0) return at;
  auto moved = move_days(op, at, span, d.months, d.days, Direction::backward);
  if (!moved) return moved;
  auto settled = previous_moment(op, *moved);
  if (!settled) return std::move(settled).error();
  return settled->first;
}

// `at` moved by `duration` in business time: added going forward, subtracted going backward. A
// negative duration goes the other way.
Result<Instant> shift_business_time(const BusinessCalendar& calendar, Instant at,
                                    const Duration& duration, Direction direction) {
  if (Status ok = check_calendar(calendar); !ok) return std::move(ok).error();
  switch (signs_of(duration)) {
    case Signs::mixed:
      return mixed_signs(calendar, duration);
    case Signs::negative: {
      auto positive = negate(duration);
      if (!positive) return std::move(positive).error();
      return shift_business_time(
          calendar, at, *positive,
          direction == Direction::forward ? Direction::backward : Direction::forward);
    }
    case Signs::zero:
    case Signs::positive:
      break;
  }
  if (direction == Direction::forward) return add_forward(Operation{calendar, at, duration, '+'});
  return subtract_backward(Operation{calendar, at, duration, '-'});
}

}  // namespace

std::array<bool, 7> week_of(std::initializer_list<date::weekday> days) {
  std::array<bool, 7> week{};
  for (const date::weekday day : days) week[day.c_encoding()] = true;
  return week;
}

Result<std::vector<WorkingPeriod>> parse_working_hours(std::string_view text) {
  auto fail = [&](std::string_view why) {
    return invalid_input(fmt::format("working hours '{}': {}", text, why));
  };
  std::vector<WorkingPeriod> hours;
  std::string_view rest = text;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    const std::size_t dash = item.find('-');
    const auto start =
        dash == std::string_view::npos ? std::nullopt : parse_clock(trim(item.substr(0, dash)));
    const auto end =
        dash == std::string_view::npos ? std::nullopt : parse_clock(trim(item.substr(dash + 1)));
    if (!start || !end) {
      return fail(item.empty()
                      ? "a range is missing; write HH:MM-HH:MM ranges separated by commas, "
                        "such as 08:00-16:00 or 08:00-12:00, 13:00-17:00"
                      : fmt::format("'{}' is not a range of times such as 08:00-16:00 "
                                    "(HH:MM, 00:00 to 24:00)",
                                    item));
    }
    if (*start == chr::minutes{24 * 60}) {
      return fail(fmt::format("'{}': 24:00 can only end a range", item));
    }
    hours.push_back(WorkingPeriod{*start, *end});
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (const std::string problem = hours_problem(hours); !problem.empty()) return fail(problem);
  return hours;
}

std::string format_working_hours(const std::vector<WorkingPeriod>& hours) {
  std::string out;
  for (const WorkingPeriod& p : hours) {
    if (!out.empty()) out += ", ";
    out += format_period(p);
  }
  return out;
}

Status check_calendar(const BusinessCalendar& calendar) {
  if (std::none_of(calendar.working_days.begin(), calendar.working_days.end(),
                   [](bool works) { return works; })) {
    return invalid_input(
        fmt::format("{} has no working day in its week: name at least one", label(calendar)));
  }
  if (const std::string problem = hours_problem(calendar.hours); !problem.empty()) {
    return invalid_input(fmt::format("{}: working hours: {}", label(calendar), problem));
  }
  return {};
}

bool is_working_day(const BusinessCalendar& calendar, Date date) {
  const date::weekday weekday{date::sys_days{date.day.time_since_epoch()}};
  return calendar.working_days[weekday.c_encoding()] && !calendar.holidays.contains(date);
}

bool is_working_moment(const BusinessCalendar& calendar, Instant at) {
  if (!check_calendar(calendar)) return false;
  // A moment belongs to a span of its own local date or, around DST changes at midnight, of a
  // neighbouring one.
  const chr::sys_days day = local_date(at, calendar.zone).day;
  for (const chr::sys_days d : {day - chr::days{1}, day, day + chr::days{1}}) {
    if (d < kMinDay || d > kMaxDay || !is_working_day(calendar, Date{d})) continue;
    for (std::size_t period = 0; period < calendar.hours.size(); ++period) {
      const Span span = span_of(calendar, d, period);
      if (span.begin <= at && at < span.end) return true;
    }
  }
  return false;
}

Result<Instant> next_working_moment(const BusinessCalendar& calendar, Instant at) {
  if (Status ok = check_calendar(calendar); !ok) return std::move(ok).error();
  const Duration zero;
  const Operation op{calendar, at, zero, '+'};
  if (!in_range(at)) return out_of_range(op);
  auto found = next_moment(op, at);
  if (!found) return std::move(found).error();
  return found->first;
}

Result<Instant> add_business_time(const BusinessCalendar& calendar, Instant start,
                                  const Duration& duration) {
  return shift_business_time(calendar, start, duration, Direction::forward);
}

Result<Instant> subtract_business_time(const BusinessCalendar& calendar, Instant from,
                                       const Duration& duration) {
  return shift_business_time(calendar, from, duration, Direction::backward);
}

}  // namespace crmflow::time
