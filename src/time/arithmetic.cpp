#include "time/arithmetic.hpp"

#include <fmt/format.h>

#include <limits>
#include <utility>

#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::time {
namespace {

namespace chr = std::chrono;

constexpr std::int64_t kMillisPerDay = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

Error out_of_range(std::string_view what) {
  return invalid_input(fmt::format("{} lies outside 0000-01-01..9999-12-31", what));
}

bool in_range(chr::sys_days day) { return day >= kMinDay && day <= kMaxDay; }

// `day` moved by `months` (the day of month clamped to the target month's end) and then by
// `days`; nullopt when it leaves the supported range.
std::optional<chr::sys_days> add_calendar(chr::sys_days day, std::int64_t months,
                                          std::int64_t days) {
  const date::year_month_day ymd{date::sys_days{day.time_since_epoch()}};
  chr::sys_days moved = day;
  if (months != 0) {
    const std::int64_t index = static_cast<std::int64_t>(static_cast<int>(ymd.year())) * 12 +
                               static_cast<std::int64_t>(static_cast<unsigned>(ymd.month())) - 1 +
                               months;
    const std::int64_t year = floor_div(index, 12);
    if (year < 0 || year > 9999) return std::nullopt;
    const date::year_month ym{date::year{static_cast<int>(year)},
                              date::month{static_cast<unsigned>(index - year * 12 + 1)}};
    const date::day last =
        date::year_month_day_last{ym.year(), date::month_day_last{ym.month()}}.day();
    const date::year_month_day target{ym.year(), ym.month(), std::min(ymd.day(), last)};
    moved = chr::sys_days{date::sys_days{target}.time_since_epoch()};
  }
  if (days < -kMaxDay.time_since_epoch().count() * 2 ||
      days > kMaxDay.time_since_epoch().count() * 2) {
    return std::nullopt;
  }
  moved += chr::days{days};
  if (!in_range(moved)) return std::nullopt;
  return moved;
}

// The calendar part of `duration` applied to a wall-clock reading; the time of day is kept.
std::optional<LocalTime> add_calendar(LocalTime local, const Duration& duration) {
  if (duration.months == 0 && duration.days == 0) return local;
  const auto day = date::floor<date::days>(local);
  const auto time_of_day = local - day;
  const auto moved =
      add_calendar(chr::sys_days{day.time_since_epoch()}, duration.months, duration.days);
  if (!moved) return std::nullopt;
  return LocalTime{moved->time_since_epoch()} + time_of_day;
}

bool local_in_range(LocalTime local) {
  return in_range(chr::sys_days{date::floor<date::days>(local).time_since_epoch()});
}

std::optional<Instant> add_millis(Instant at, std::int64_t millis) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(at.time_since_epoch().count(), millis, &sum)) return std::nullopt;
  return Instant{chr::milliseconds{sum}};
}

}  // namespace

Result<Date> add(Date d, const Duration& duration) {
  if (duration.millis != 0) {
    return invalid_input(fmt::format(
        "cannot add {} to the date {}: a date has no time of day; add it to a datetime instead",
        format_duration(duration), format_date(d)));
  }
  const auto moved = add_calendar(d.day, duration.months, duration.days);
  if (!moved) {
    return out_of_range(fmt::format("{} + {}", format_date(d), format_duration(duration)));
  }
  return Date{*moved};
}

Result<Date> subtract(Date d, const Duration& duration) {
  auto negated = negate(duration);
  if (!negated) return std::move(negated).error();
  return add(d, *negated);
}

Result<DateTime> add(const DateTime& datetime, const Duration& duration,
                     const date::time_zone* zone) {
  auto fail = [&] {
    return out_of_range(
        fmt::format("{} + {}", format_datetime(datetime), format_duration(duration)));
  };
  Instant moved = datetime.at;
  if (zone != nullptr) {
    const auto local = add_calendar(to_local(datetime.at, zone), duration);
    if (!local) return fail();
    if (duration.months != 0 || duration.days != 0) moved = from_local(*local, zone);
  } else {
    const chr::minutes offset{datetime.offset_minutes};
    const auto local = add_calendar(LocalTime{(datetime.at + offset).time_since_epoch()}, duration);
    if (!local) return fail();
    moved = Instant{local->time_since_epoch()} - offset;
  }
  const auto at = add_millis(moved, duration.millis);
  if (!at) return fail();
  const DateTime result{*at,
                        zone != nullptr ? offset_minutes_at(*at, zone) : datetime.offset_minutes};
  if (!local_in_range(
          LocalTime{(result.at + chr::minutes{result.offset_minutes}).time_since_epoch()})) {
    return fail();
  }
  return result;
}

Result<DateTime> subtract(const DateTime& datetime, const Duration& duration,
                          const date::time_zone* zone) {
  auto negated = negate(duration);
  if (!negated) return std::move(negated).error();
  return add(datetime, *negated, zone);
}

Result<Instant> add(Instant at, const Duration& duration, const date::time_zone* zone) {
  auto result = add(in_zone(at, zone), duration, zone);
  if (!result) return std::move(result).error();
  return result->at;
}

Duration subtract(const DateTime& a, const DateTime& b) { return subtract(a.at, b.at); }

Duration subtract(Instant a, Instant b) { return Duration{.millis = (a - b).count()}; }

Duration subtract(Date a, Date b) {
  return Duration{.days = static_cast<std::int32_t>((a.day - b.day).count())};
}

std::int64_t days_between(Date a, Date b) { return (b.day - a.day).count(); }

std::int64_t days_between(Instant a, Instant b, const date::time_zone* zone) {
  return days_between(local_date(a, zone), local_date(b, zone));
}

std::partial_ordering compare(const Duration& a, const Duration& b) {
  const auto by_months = a.months <=> b.months;
  // The day-time length as (whole days, milliseconds into the day), which cannot overflow.
  const auto length = [](const Duration& d) {
    const std::int64_t extra_days = floor_div(d.millis, kMillisPerDay);
    return std::pair{d.days + extra_days, d.millis - extra_days * kMillisPerDay};
  };
  const std::strong_ordering by_length = length(a) <=> length(b);
  if (by_months == 0) return by_length;
  if (by_length == 0 || by_length == by_months) return by_months;
  return std::partial_ordering::unordered;
}

Result<Duration> negate(const Duration& d) {
  if (d.months == std::numeric_limits<std::int32_t>::min() ||
      d.days == std::numeric_limits<std::int32_t>::min() ||
      d.millis == std::numeric_limits<std::int64_t>::min()) {
    return invalid_input("duration: the negated value is too large");
  }
  return Duration{-d.months, -d.days, -d.millis};
}

Result<Duration> multiply(const Duration& d, std::int64_t factor) {
  std::int64_t months = 0;
  std::int64_t days = 0;
  Duration out;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(d.months), factor, &months) ||
      __builtin_mul_overflow(static_cast<std::int64_t>(d.days), factor, &days) ||
      __builtin_mul_overflow(d.millis, factor, &out.millis) ||
      __builtin_add_overflow(months, 0, &out.months) ||
      __builtin_add_overflow(days, 0, &out.days)) {
    return invalid_input(fmt::format("duration: {} × {} is too large", format_duration(d), factor));
  }
  return out;
}

Result<Duration> add(const Duration& a, const Duration& b) {
  Duration out;
  if (__builtin_add_overflow(a.months, b.months, &out.months) ||
      __builtin_add_overflow(a.days, b.days, &out.days) ||
      __builtin_add_overflow(a.millis, b.millis, &out.millis)) {
    return invalid_input(
        fmt::format("duration: {} + {} is too large", format_duration(a), format_duration(b)));
  }
  return out;
}

}  // namespace crmflow::time
