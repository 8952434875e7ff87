#include "time/cron.hpp"

#include <fmt/format.h>

#include <array>
#include <vector>

#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::time {
namespace {

namespace chr = std::chrono;

// One of the five fields: its name for messages, its range, and the names it accepts.
struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  const std::array<std::string_view, 12>* names;  // names[i] is the value min + i; may be null
};

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 12> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI",
                                                        "SAT", "",    "",    "",    "",    ""};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, nullptr},
    {"hour", 0, 23, nullptr},
    {"day-of-month", 1, 31, nullptr},
    {"month", 1, 12, &kMonthNames},
    {"day-of-week", 0, 7, &kDayNames},  // 7 is Sunday too
}};

std::vector<std::string_view> split(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t begin = text.find_first_not_of(separators, i);
    if (begin == std::string_view::npos) break;
    const std::size_t end = text.find_first_of(separators, begin);
    parts.push_back(text.substr(begin, end == std::string_view::npos ? end : end - begin));
    i = end == std::string_view::npos ? text.size() : end;
  }
  return parts;
}

bool equals_upper(std::string_view text, std::string_view upper) {
  if (text.size() != upper.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c =
        text[i] >= 'a' && text[i] <= 'z' ? static_cast<char>(text[i] - 'a' + 'A') : text[i];
    if (c != upper[i]) return false;
  }
  return true;
}

// Parses a field into `bits` (bit v set for each value v). Returns the error text naming the
// bad token, or an empty string.
template <std::size_t N>
std::string parse_field(std::string_view field, const FieldSpec& spec, std::bitset<N>& bits) {
  auto value_of = [&](std::string_view token, int& out) -> std::string {
    if (token.empty()) return "an empty value";
    if (spec.names != nullptr) {
      for (std::size_t i = 0; i < spec.names->size(); ++i) {
        if (!(*spec.names)[i].empty() && equals_upper(token, (*spec.names)[i])) {
          out = spec.min + static_cast<int>(i);
          return {};
        }
      }
    }
    int v = 0;
    for (const char c : token) {
      if (c < '0' || c > '9') return fmt::format("'{}' is not a number or a name", token);
      v = v * 10 + (c - '0');
      if (v > 1000) break;
    }
    if (v < spec.min || v > spec.max) {
      return fmt::format("'{}' is out of range {}-{}", token, spec.min, spec.max);
    }
    out = v;
    return {};
  };
  for (const std::string_view item : split(field, ",")) {
    std::string_view range = item;
    int step = 1;
    if (const std::size_t slash = item.find('/'); slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      range = item.substr(0, slash);
      int s = 0;
      for (const char c : step_text) {
        if (c < '0' || c > '9' || s > 1000) {
          s = -1;
          break;
        }
        s = s * 10 + (c - '0');
      }
      if (step_text.empty() || s < 1) {
        return fmt::format("'{}' has a bad step '{}' (a whole number from 1)", item, step_text);
      }
      step = s;
    }
    int first = spec.min;
    int last = spec.max;
    if (range != "*") {
      const std::size_t dash = range.find('-');
      if (auto e = value_of(range.substr(0, dash), first); !e.empty()) return e;
      if (dash != std::string_view::npos) {
        if (auto e = value_of(range.substr(dash + 1), last); !e.empty()) return e;
        // In day-of-week, a range may end on Sunday written as 0 or SUN: MON-SUN.
        if (spec.max == 7 && last == 0 && first > 0) last = 7;
        if (first > last) return fmt::format("'{}' is a range that runs backwards", item);
      } else if (step == 1) {
        last = first;  // a single value; `5/15` means 5 to the maximum by 15
      }
    } else if (spec.max == 7) {
      last = 6;  // `*` in day-of-week: Sunday once
    }
    for (int v = first; v <= last; v += step)
      bits.set(static_cast<std::size_t>(spec.max == 7 && v == 7 ? 0 : v));
  }
  if (field.empty() || field.front() == ',' || field.back() == ',' ||
      field.find(",,") != std::string_view::npos) {
    return fmt::format("'{}' has an empty list item", field);
  }
  return {};
}

std::string_view expand_macro(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return {};
}

// The longest each month can be (February 29 in leap years).
constexpr std::array<int, 13> kMaxMonthLength = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view text, const date::time_zone* zone) {
  const std::size_t begin = text.find_first_not_of(" \t");
  const std::size_t end = text.find_last_not_of(" \t");
  const std::string_view trimmed =
      begin == std::string_view::npos ? std::string_view{} : text.substr(begin, end - begin + 1);
  CronSchedule schedule;
  schedule.text_ = std::string(trimmed);
  schedule.zone_ = zone;
  std::string_view fields_text = trimmed;
  if (!trimmed.empty() && trimmed.front() == '@') {
    fields_text = expand_macro(trimmed);
    if (fields_text.empty()) {
      return invalid_input(fmt::format(
          "cron '{}': unknown shorthand; use @yearly, @monthly, @weekly, @daily or @hourly", text));
    }
  }
  const std::vector<std::string_view> fields = split(fields_text, " \t");
  if (fields.size() != 5) {
    return invalid_input(fmt::format(
        "cron '{}': expected 5 fields 'minute hour day-of-month month day-of-week', found {}", text,
        fields.size()));
  }
  std::string error;
  auto check = [&](std::size_t i, auto& bits) {
    if (error.empty()) {
      if (std::string e = parse_field(fields[i], kFields[i], bits); !e.empty()) {
        error = fmt::format("cron '{}': {} field: {}", text, kFields[i].name, e);
      }
    }
  };
  check(0, schedule.minutes_);
  check(1, schedule.hours_);
  check(2, schedule.days_of_month_);
  check(3, schedule.months_);
  check(4, schedule.days_of_week_);
  if (!error.empty()) return invalid_input(std::move(error));
  // Vixie cron's rule: a day field that starts with '*' does not restrict the day.
  schedule.dom_restricted_ = fields[2].front() != '*';
  schedule.dow_restricted_ = fields[4].front() != '*';
  // When day-of-month decides alone or with day-of-week (AND), some chosen month must have some
  // chosen day; every weekday then recurs on it within the 400-year Gregorian cycle.
  if (!(schedule.dom_restricted_ && schedule.dow_restricted_)) {
    bool possible = false;
    for (int m = 1; m <= 12 && !possible; ++m) {
      if (!schedule.months_.test(static_cast<std::size_t>(m))) continue;
      for (int d = 1; d <= kMaxMonthLength[static_cast<std::size_t>(m)]; ++d) {
        if (schedule.days_of_month_.test(static_cast<std::size_t>(d))) possible = true;
      }
    }
    schedule.satisfiable_ = possible;
  }
  return schedule;
}

bool CronSchedule::day_matches(date::year_month_day ymd) const {
  const bool dom = days_of_month_.test(static_cast<unsigned>(ymd.day()));
  const bool dow = days_of_week_.test(date::weekday{date::sys_days{ymd}}.c_encoding());
  if (dom_restricted_ && dow_restricted_) return dom || dow;
  return dom && dow;
}

std::optional<Instant> CronSchedule::next_after(Instant after) const {
  if (!satisfiable_) return std::nullopt;
  // Local readings map to instants monotonically (overlap: the earlier; gap: the transition), so
  // no reading at or before after's own reading can map past `after`.
  const LocalTime local_after = to_local(after, zone_);
  const date::sys_days first_day{date::floor<date::days>(local_after).time_since_epoch()};
  // One Gregorian cycle holds every combination of date and weekday.
  const date::sys_days last_day =
      std::min(first_day + date::days{146097}, date::sys_days{kMaxDay.time_since_epoch()});
  for (date::sys_days day = first_day; day <= last_day;) {
    const date::year_month_day ymd{day};
    if (!months_.test(static_cast<unsigned>(ymd.month()))) {
      day = date::sys_days{(ymd.year() / ymd.month() + date::months{1}) / 1};
      continue;
    }
    if (day_matches(ymd)) {
      const LocalTime midnight{day.time_since_epoch()};
      for (std::size_t h = 0; h < hours_.size(); ++h) {
        if (!hours_.test(h)) continue;
        for (std::size_t m = 0; m < minutes_.size(); ++m) {
          if (!minutes_.test(m)) continue;
          const LocalTime local = midnight + chr::hours{h} + chr::minutes{m};
          if (local <= local_after) continue;  // maps to at most `after`: see below
          const Instant at = from_local_gap_to_transition(local, zone_);
          if (at > after) return at;
        }
      }
    }
    day += date::days{1};
  }
  return std::nullopt;
}

}  // namespace crmflow::time
