#include "time/jalali.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "time/iso8601.hpp"

namespace crmflow::time {
namespace {

namespace chr = std::chrono;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// 1 Farvardin 1404 = 2025-03-21, the anchor every other year is counted from.
constexpr std::int64_t kAnchorYear = 1404;
constexpr std::int64_t kAnchorDay = 20168;  // days from 1970-01-01 to 2025-03-21

// Days from 1 Farvardin of year 1 to 1 Farvardin of `year`: 365 a year plus one per leap year
// before it. Under the rule, the number of leap years in [1, y-1] is floor((8y + 21) / 33),
// because floor((8k + 29) / 33) steps up by one exactly at the leap years k.
std::int64_t days_before_year(std::int64_t year) {
  return 365 * (year - 1) + floor_div(8 * year + 21, 33);
}

// The years that the 33-year rule makes leap but the official calendar does not; the year after
// each is leap instead. The same table as ICU's and ICU4X's Persian calendars, which checked it
// against the vernal equinox at the 52.5°E meridian (Iran's official rule) from 1178 to 3000 AP.
// Before 1502 the plain rule is exact.
constexpr std::array<std::int16_t, 78> kNonLeapCorrections = {
    1502, 1601, 1634, 1667, 1700, 1733, 1766, 1799, 1832, 1865, 1898, 1931, 1964, 1997, 2030, 2059,
    2063, 2096, 2129, 2158, 2162, 2191, 2195, 2224, 2228, 2257, 2261, 2290, 2294, 2323, 2327, 2356,
    2360, 2389, 2393, 2422, 2426, 2455, 2459, 2488, 2492, 2521, 2525, 2554, 2558, 2587, 2591, 2620,
    2624, 2653, 2657, 2686, 2690, 2719, 2723, 2748, 2752, 2756, 2781, 2785, 2789, 2818, 2822, 2847,
    2851, 2855, 2880, 2884, 2888, 2913, 2917, 2921, 2946, 2950, 2954, 2979, 2983, 2987};

bool is_correction(std::int64_t year) {
  return year >= kNonLeapCorrections.front() && year <= kNonLeapCorrections.back() &&
         std::binary_search(kNonLeapCorrections.begin(), kNonLeapCorrections.end(), year);
}

// Days from 1970-01-01 to 1 Farvardin of `year`. A corrected year is a day shorter than the
// rule says, so the next new year comes a day early; the year after gets the day back.
std::int64_t new_year_day(std::int64_t year) {
  return kAnchorDay + days_before_year(year) - days_before_year(kAnchorYear) -
         (is_correction(year - 1) ? 1 : 0);
}

// Days before month `month` (1-12) in a year: six months of 31, then 30.
int days_before_month(int month) { return month <= 7 ? 31 * (month - 1) : 186 + 30 * (month - 7); }

constexpr std::array<std::string_view, 12> kMonthNames = {"فروردین", "اردیبهشت", "خرداد", "تیر",
                                                          "مرداد",   "شهریور",   "مهر",   "آبان",
                                                          "آذر",     "دی",       "بهمن",  "اسفند"};

}  // namespace

bool is_jalali_leap(int year) {
  if (is_correction(year)) return false;
  if (is_correction(static_cast<std::int64_t>(year) - 1)) return true;
  return ((8 * static_cast<std::int64_t>(year) + 29) % 33 + 33) % 33 < 8;
}

int jalali_month_length(int year, int month) {
  if (month <= 6) return 31;
  if (month <= 11) return 30;
  return is_jalali_leap(year) ? 30 : 29;
}

std::string_view jalali_month_name(int month) {
  return kMonthNames[static_cast<std::size_t>(month - 1)];
}

JalaliDate to_jalali(Date d) {
  const std::int64_t day = d.day.time_since_epoch().count();
  // A year is 365.2424... days on average; the estimate is off by at most one year.
  std::int64_t year = kAnchorYear + floor_div((day - kAnchorDay) * 33, 12053);
  while (new_year_day(year) > day) --year;
  while (new_year_day(year + 1) <= day) ++year;
  const int day_of_year = static_cast<int>(day - new_year_day(year));  // 0-based
  const int month = day_of_year < 186 ? day_of_year / 31 + 1 : (day_of_year - 186) / 30 + 7;
  return JalaliDate{static_cast<int>(year), month, day_of_year - days_before_month(month) + 1};
}

Result<Date> from_jalali(int year, int month, int day) {
  if (month < 1 || month > 12) {
    return invalid_input(
        fmt::format("invalid Jalali date {}/{}/{}: the month must be 1-12", year, month, day));
  }
  if (day < 1 || day > jalali_month_length(year, month)) {
    return invalid_input(fmt::format("invalid Jalali date {}/{}/{}: month {} of {} has {} days",
                                     year, month, day, jalali_month_name(month), year,
                                     jalali_month_length(year, month)));
  }
  const std::int64_t days = new_year_day(year) + days_before_month(month) + day - 1;
  const chr::sys_days result{chr::days{days}};
  if (result < kMinDay || result > kMaxDay) {
    return invalid_input(fmt::format(
        "invalid Jalali date {}/{}/{}: it lies outside 0000-01-01..9999-12-31", year, month, day));
  }
  return Date{result};
}

}  // namespace crmflow::time
