// crmflow time: pattern formatting of dates in the Gregorian or Jalali calendar, the expression
// built-in `format_date(d, "gregorian" | "jalali" [, pattern])`.
//
//   format_date(Date{2025y/3/21}, Calendar::jalali, "yyyy/MM/dd")       // "1404/01/01"
//   format_date(Date{2025y/3/21}, Calendar::jalali, "d MMMM yyyy")      // "1 فروردین 1404"
//   format_datetime(dt, Calendar::gregorian, "yyyy-MM-dd HH:mm", tehran) // "2026-01-03 09:00"
//
// Pattern tokens (a run of one letter is one token):
//   yyyy  year, at least 4 digits      yy  last two digits of the year
//   MMMM  month name: Persian script for Jalali (فروردین), English for Gregorian (January)
//   MM    month 01-12                  M   month 1-12
//   dd    day 01-31                    d   day 1-31
//   HH    hour 00-23                   H   hour 0-23
//   mm    minute 00-59                 m   minute 0-59
//   ss    second 00-59                 s   second 0-59
//   'text' literal text; '' is one single quote (inside or outside quoted text)
// Every other character (digits, punctuation, spaces, non-ASCII text) is copied as it is.
// Any other run of ASCII letters (`yyy`, `MMM`, `D`, `a`) is refused with invalid_input naming
// it, so that a typo never prints silently; quote literal words ('at'). Digits are ASCII: the
// `persian_digits` built-in converts them. Thread-safe and pure.
#pragma once

#include <date/tz.h>

#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow::time {

enum class Calendar { gregorian, jalali };

// "gregorian" or "jalali" (ASCII case-insensitive); invalid_input naming the text otherwise.
Result<Calendar> parse_calendar(std::string_view name);

// The default pattern of the built-in.
inline constexpr std::string_view kDefaultDatePattern = "yyyy/MM/dd";

// `date` in `calendar` by `pattern`. The time tokens (H, m, s) are refused for a Date: it has no
// time of day.
Result<std::string> format_date(Date date, Calendar calendar, std::string_view pattern);

// The moment `datetime` as read on the wall clock of `zone` (UTC when nullptr, whatever offset
// the DateTime was written with), in `calendar` by `pattern`.
Result<std::string> format_datetime(const DateTime& datetime, Calendar calendar,
                                    std::string_view pattern, const date::time_zone* zone);

// English Gregorian month name, "January" ... "December". REQUIRES: 1 <= month <= 12.
std::string_view gregorian_month_name(int month);

}  // namespace crmflow::time
