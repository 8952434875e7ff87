#include "time/date_format.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>

#include "time/jalali.hpp"
#include "time/zone.hpp"

namespace crmflow::time {
namespace {

namespace chr = std::chrono;

constexpr std::array<std::string_view, 12> kGregorianMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The fields a pattern can show, already in the chosen calendar.
struct Fields {
  int year = 0;
  int month = 0;
  int day = 0;
  std::optional<date::hh_mm_ss<chr::milliseconds>> time;  // none for a Date
};

Fields calendar_fields(chr::sys_days day, Calendar calendar) {
  if (calendar == Calendar::jalali) {
    const JalaliDate j = to_jalali(Date{day});
    return Fields{j.year, j.month, j.day, std::nullopt};
  }
  const date::year_month_day ymd{date::sys_days{day.time_since_epoch()}};
  return Fields{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                static_cast<int>(static_cast<unsigned>(ymd.day())), std::nullopt};
}

Error pattern_error(std::string_view pattern, std::string_view what) {
  return invalid_input(fmt::format("date pattern '{}': {}", pattern, what));
}

// Appends the value of one token (a run of `count` letters `letter`).
Status append_token(std::string& out, char letter, std::size_t count, const Fields& f,
                    Calendar calendar, std::string_view pattern) {
  auto unknown = [&] {
    return pattern_error(pattern, fmt::format("'{}' is not a pattern token (use yyyy, yy, MMMM, "
                                              "MM, M, dd, d, HH, H, mm, m, ss, s; quote literal "
                                              "text as 'text')",
                                              std::string(count, letter)));
  };
  auto two = [&](int v) { fmt::format_to(std::back_inserter(out), "{:02}", v); };
  auto one = [&](int v) { fmt::format_to(std::back_inserter(out), "{}", v); };
  const bool time_letter = letter == 'H' || letter == 'm' || letter == 's';
  if (time_letter && count <= 2 && !f.time) {
    return pattern_error(pattern, fmt::format("'{}' shows a time of day, but a date has none",
                                              std::string(count, letter)));
  }
  switch (letter) {
    case 'y':
      if (count == 4) {
        fmt::format_to(std::back_inserter(out), "{:04}", f.year);
      } else if (count == 2) {
        two(static_cast<int>(((f.year % 100) + 100) % 100));
      } else {
        return unknown();
      }
      return {};
    case 'M':
      if (count == 4) {
        out += calendar == Calendar::jalali ? jalali_month_name(f.month)
                                            : gregorian_month_name(f.month);
      } else if (count <= 2) {
        count == 2 ? two(f.month) : one(f.month);
      } else {
        return unknown();
      }
      return {};
    case 'd':
      if (count > 2) return unknown();
      count == 2 ? two(f.day) : one(f.day);
      return {};
    case 'H':
      if (count > 2) return unknown();
      count == 2 ? two(static_cast<int>(f.time->hours().count()))
                 : one(static_cast<int>(f.time->hours().count()));
      return {};
    case 'm':
      if (count > 2) return unknown();
      count == 2 ? two(static_cast<int>(f.time->minutes().count()))
                 : one(static_cast<int>(f.time->minutes().count()));
      return {};
    case 's':
      if (count > 2) return unknown();
      count == 2 ? two(static_cast<int>(f.time->seconds().count()))
                 : one(static_cast<int>(f.time->seconds().count()));
      return {};
    default:
      return unknown();
  }
}

Result<std::string> render(const Fields& f, Calendar calendar, std::string_view pattern) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\'') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {  // '' is one quote
        out += '\'';
        i += 2;
        continue;
      }
      ++i;  // quoted literal up to the closing quote; '' inside is one quote
      while (true) {
        if (i >= pattern.size())
          return pattern_error(pattern, "a quoted text is not closed with '");
        if (pattern[i] == '\'') {
          if (i + 1 < pattern.size() && pattern[i + 1] == '\'') {
            out += '\'';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        out += pattern[i++];
      }
      continue;
    }
    if (!is_ascii_letter(c)) {
      out += c;
      ++i;
      continue;
    }
    std::size_t run = 1;
    while (i + run < pattern.size() && pattern[i + run] == c) ++run;
    if (Status s = append_token(out, c, run, f, calendar, pattern); !s) return s.error();
    i += run;
  }
  return out;
}

}  // namespace

Result<Calendar> parse_calendar(std::string_view name) {
  auto equals_ignoring_case = [&](std::string_view expected) {
    if (name.size() != expected.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      const char c =
          name[i] >= 'A' && name[i] <= 'Z' ? static_cast<char>(name[i] - 'A' + 'a') : name[i];
      if (c != expected[i]) return false;
    }
    return true;
  };
  if (equals_ignoring_case("gregorian")) return Calendar::gregorian;
  if (equals_ignoring_case("jalali")) return Calendar::jalali;
  return invalid_input(fmt::format("unknown calendar '{}': use \"gregorian\" or \"jalali\"", name));
}

std::string_view gregorian_month_name(int month) {
  return kGregorianMonths[static_cast<std::size_t>(month - 1)];
}

Result<std::string> format_date(Date d, Calendar calendar, std::string_view pattern) {
  return render(calendar_fields(d.day, calendar), calendar, pattern);
}

Result<std::string> format_datetime(const DateTime& datetime, Calendar calendar,
                                    std::string_view pattern, const date::time_zone* zone) {
  const LocalTime local = to_local(datetime.at, zone);
  const auto day = date::floor<date::days>(local);
  Fields f = calendar_fields(chr::sys_days{day.time_since_epoch()}, calendar);
  f.time.emplace(local - day);
  return render(f, calendar, pattern);
}

}  // namespace crmflow::time
