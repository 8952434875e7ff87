// crmflow time: the Jalali (Solar Hijri, Persian) calendar, Iran's official civil calendar.
//
//   crmflow::time::to_jalali(Date{2025y/3/20})   // {1403, 12, 30}
//   crmflow::time::from_jalali(1404, 1, 1)        // 2025-03-21
//   crmflow::time::jalali_month_name(1)           // "فروردین"
//
// Leap years follow the 33-year arithmetic rule: year y is leap when (8y + 29) mod 33 < 8
// (eight leap years in each 33: ..., 1399, 1403, 1408, 1412, ...), which matches the official
// calendar (new year on the day of the vernal equinox if it falls before noon at 52.5°E) from
// 1178 to 1501. From 1502 on the rule drifts now and then; ICU's table of corrections (1502 is
// common and 1503 leap, then 1601/1602, ...) keeps it on the official calendar up to 3000 AP,
// and is applied here too. tests/data/jalali checks every month of 1300-1700 against ICU.
// Months 1-6 have 31 days, 7-11 have 30, month 12 (Esfand) 29, or 30 in a leap year.
// NOT date's solar_hijri.h: that one puts 2025-03-20 in 1404.
// All functions are pure and thread-safe.
#pragma once

#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow::time {

struct JalaliDate {
  int year = 0;
  int month = 0;  // 1 = Farvardin ... 12 = Esfand
  int day = 0;

  friend bool operator==(const JalaliDate&, const JalaliDate&) = default;
  friend auto operator<=>(const JalaliDate&, const JalaliDate&) = default;
};

// The Jalali date of a Gregorian date. Total over the Date range (years may be <= 0 before 622).
JalaliDate to_jalali(Date date);

// The Gregorian date of a Jalali date; invalid_input for a month outside 1-12, a day outside the
// month (1403-12-30 exists, 1404-12-30 does not), or a date outside 0000-01-01..9999-12-31.
Result<Date> from_jalali(int year, int month, int day);

bool is_jalali_leap(int year);

// 31, 30, 29 or 30 days. REQUIRES: 1 <= month <= 12.
int jalali_month_length(int year, int month);

// The month's name in Persian script, UTF-8 ("فروردین" ... "اسفند"). REQUIRES: 1 <= month <= 12.
std::string_view jalali_month_name(int month);

}  // namespace crmflow::time
