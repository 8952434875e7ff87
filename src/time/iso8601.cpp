#include "time/iso8601.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "time/zone.hpp"

namespace crmflow::time {
namespace {

namespace chr = std::chrono;

constexpr std::int64_t kMillisPerSecond = 1000;
constexpr std::int64_t kMillisPerMinute = 60 * kMillisPerSecond;
constexpr std::int64_t kMillisPerHour = 60 * kMillisPerMinute;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A cursor over the text being parsed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  std::size_t pos() const { return pos_; }
  bool take(char c) {
    if (peek() != c || done()) return false;
    ++pos_;
    return true;
  }
  // Exactly `width` digits as a number, or nullopt (nothing consumed).
  std::optional<int> fixed(int width) {
    if (text_.size() - pos_ < static_cast<std::size_t>(width)) return std::nullopt;
    int value = 0;
    for (int i = 0; i < width; ++i) {
      const char c = text_[pos_ + static_cast<std::size_t>(i)];
      if (!is_digit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += static_cast<std::size_t>(width);
    return value;
  }
  // The run of digits starting here (possibly empty).
  std::string_view digits() {
    const std::size_t begin = pos_;
    while (!done() && is_digit(text_[pos_])) ++pos_;
    return text_.substr(begin, pos_ - begin);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// ---- durations ---------------------------------------------------------------------------------

Error duration_error(std::string_view text, std::string_view what) {
  return invalid_input(fmt::format(
      "invalid duration '{}': {} (write ISO 8601 such as 'P3D', 'PT4H', 'P1Y2M10DT2H30M')", text,
      what));
}

// Whole value of a digit run; nullopt when it does not fit in 63 bits.
std::optional<std::int64_t> to_int(std::string_view digits) {
  std::int64_t value = 0;
  for (const char c : digits) {
    if (value > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

bool checked_mul_add(std::int64_t& acc, std::int64_t value, std::int64_t unit) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(value, unit, &product)) return false;
  return !__builtin_add_overflow(acc, product, &acc);
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  Scanner in{text};
  const bool negative = in.take('-');
  if (!negative) in.take('+');
  if (!in.take('P')) {
    return duration_error(text, in.done() ? "it is empty" : "it must start with 'P'");
  }
  // Designators in the only order allowed; the time ones follow 'T'.
  static constexpr std::string_view kDateOrder = "YMWD";
  static constexpr std::string_view kTimeOrder = "HMS";
  std::int64_t months = 0;
  std::int64_t days = 0;
  std::int64_t millis = 0;
  bool in_time = false;
  bool any_part = false;
  bool any_time_part = false;
  std::size_t next_allowed = 0;  // index into the current order
  while (!in.done()) {
    if (in.peek() == 'T') {
      if (in_time) return duration_error(text, "'T' appears twice");
      in.take('T');
      in_time = true;
      next_allowed = 0;
      continue;
    }
    const std::string_view whole = in.digits();
    std::string_view fraction;
    const bool has_point = in.take('.') || in.take(',');
    if (has_point) fraction = in.digits();
    if (whole.empty() && (!has_point || fraction.empty())) {
      return duration_error(
          text, fmt::format("expected a number at position {}, found '{}'", in.pos() + 1,
                            in.done() ? std::string_view{"the end"} : text.substr(in.pos(), 1)));
    }
    if (has_point && fraction.empty()) {
      return duration_error(text, "a decimal point must be followed by digits");
    }
    if (in.done()) return duration_error(text, "the last number has no designator");
    const char designator = in.peek();
    const std::string_view order = in_time ? kTimeOrder : kDateOrder;
    const std::size_t index = order.find(designator);
    if (index == std::string_view::npos) {
      return duration_error(
          text, fmt::format("'{}' is not a {} designator (use {})", designator,
                            in_time ? "time" : "date", in_time ? "H, M, S after T" : "Y, M, W, D"));
    }
    if (index < next_allowed) {
      return duration_error(text, fmt::format("'{}' is out of order or repeated (the order is "
                                              "Y M W D, then T H M S)",
                                              designator));
    }
    in.take(designator);
    next_allowed = index + 1;
    any_part = true;
    if (has_point && !in.done()) {
      return duration_error(text, "only the last part may have a fraction");
    }
    const std::optional<std::int64_t> value = to_int(whole.empty() ? "0" : whole);
    if (!value) return duration_error(text, "a number is too large");
    bool fits = true;
    if (!in_time) {
      if (has_point) {
        return duration_error(text, "years, months, weeks and days cannot have a fraction");
      }
      switch (designator) {
        case 'Y':
          fits = checked_mul_add(months, *value, 12);
          break;
        case 'M':
          fits = checked_mul_add(months, *value, 1);
          break;
        case 'W':
          fits = checked_mul_add(days, *value, 7);
          break;
        default:
          fits = checked_mul_add(days, *value, 1);
          break;
      }
    } else {
      any_time_part = true;
      const std::int64_t unit = designator == 'H'   ? kMillisPerHour
                                : designator == 'M' ? kMillisPerMinute
                                                    : kMillisPerSecond;
      fits = checked_mul_add(millis, *value, unit);
      if (fits && has_point) {
        while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
        std::int64_t numerator = 0;
        std::int64_t scale = 1;
        if (fraction.size() > 9) {
          return duration_error(text, "the fraction is finer than a millisecond");
        }
        for (const char c : fraction) {
          numerator = numerator * 10 + (c - '0');
          scale *= 10;
        }
        if (numerator * unit % scale != 0) {
          return duration_error(text, "the fraction is finer than a millisecond");
        }
        fits = checked_mul_add(millis, numerator * unit / scale, 1);
      }
    }
    if (!fits) return duration_error(text, "the value is too large");
  }
  if (in_time && !any_time_part) return duration_error(text, "'T' must be followed by a time part");
  if (!any_part) return duration_error(text, "it has no parts after 'P'");
  constexpr std::int64_t kMax32 = std::numeric_limits<std::int32_t>::max();
  if (months > kMax32 || days > kMax32) return duration_error(text, "the value is too large");
  Duration d{static_cast<std::int32_t>(months), static_cast<std::int32_t>(days), millis};
  if (negative) {
    d.months = -d.months;
    d.days = -d.days;
    d.millis = -d.millis;
  }
  return d;
}

namespace {

// Appends `magnitude` with its sign (when `negative` and written per part) and the designator.
void append_part(std::string& out, bool negative, std::uint64_t magnitude, char designator) {
  if (magnitude == 0) return;
  if (negative) out += '-';
  fmt::format_to(std::back_inserter(out), "{}{}", magnitude, designator);
}

std::uint64_t magnitude(std::int64_t v) {
  return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

}  // namespace

std::string format_duration(const Duration& d) {
  if (d.is_zero()) return "PT0S";
  const bool all_nonpositive = d.months <= 0 && d.days <= 0 && d.millis <= 0;
  std::string out;
  if (all_nonpositive) out += '-';
  out += 'P';
  // With one overall sign no part carries its own; otherwise each negative part does.
  auto sign = [&](std::int64_t v) { return !all_nonpositive && v < 0; };
  const std::uint64_t months = magnitude(d.months);
  append_part(out, sign(d.months), months / 12, 'Y');
  append_part(out, sign(d.months), months % 12, 'M');
  append_part(out, sign(d.days), magnitude(d.days), 'D');
  if (d.millis != 0) {
    out += 'T';
    const std::uint64_t ms = magnitude(d.millis);
    const bool neg = sign(d.millis);
    append_part(out, neg, ms / kMillisPerHour, 'H');
    append_part(out, neg, ms % kMillisPerHour / kMillisPerMinute, 'M');
    const std::uint64_t seconds = ms % kMillisPerMinute / kMillisPerSecond;
    const std::uint64_t fraction = ms % kMillisPerSecond;
    if (fraction == 0) {
      append_part(out, neg, seconds, 'S');
    } else {
      std::string digits = fmt::format("{:03}", fraction);
      while (digits.back() == '0') digits.pop_back();
      fmt::format_to(std::back_inserter(out), "{}{}.{}S", neg ? "-" : "", seconds, digits);
    }
  }
  return out;
}

// ---- dates and datetimes -----------------------------------------------------------------------

namespace {

Error date_error(std::string_view kind, std::string_view text, std::string_view what) {
  return invalid_input(fmt::format("invalid {} '{}': {}", kind, text, what));
}

// Reads `YYYY-MM-DD` at the cursor; `kind` and `text` name the whole value in errors.
Result<chr::sys_days> scan_date(Scanner& in, std::string_view kind, std::string_view text) {
  const auto year = in.fixed(4);
  if (!year || !in.take('-')) {
    return date_error(kind, text, "expected a four-digit year and '-' (YYYY-MM-DD)");
  }
  const auto month = in.fixed(2);
  if (!month || !in.take('-')) {
    return date_error(kind, text, "expected a two-digit month and '-' (YYYY-MM-DD)");
  }
  const auto day = in.fixed(2);
  if (!day) return date_error(kind, text, "expected a two-digit day (YYYY-MM-DD)");
  if (*month < 1 || *month > 12) return date_error(kind, text, "the month must be 01-12");
  const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                 date::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) {
    return date_error(kind, text, fmt::format("{:04}-{:02} has no day {:02}", *year, *month, *day));
  }
  return chr::sys_days{date::sys_days{ymd}.time_since_epoch()};
}

}  // namespace

Result<Date> parse_date(std::string_view text) {
  Scanner in{text};
  auto day = scan_date(in, "date", text);
  if (!day) return std::move(day).error();
  if (!in.done()) {
    return date_error("date", text, "unexpected text after the date (write YYYY-MM-DD)");
  }
  return Date{*day};
}

std::string format_date(Date d) {
  const date::year_month_day ymd{date::sys_days{d.day.time_since_epoch()}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

Result<DateTime> parse_datetime(std::string_view text, const date::time_zone* local_zone) {
  constexpr std::string_view kKind = "datetime";
  Scanner in{text};
  auto day = scan_date(in, kKind, text);
  if (!day) return std::move(day).error();
  if (!(in.take('T') || in.take('t') || in.take(' '))) {
    return date_error(kKind, text, "expected 'T' and a time after the date (2026-01-03T09:00:00Z)");
  }
  const auto hour = in.fixed(2);
  if (!hour || !in.take(':')) return date_error(kKind, text, "expected the time as HH:MM[:SS]");
  const auto minute = in.fixed(2);
  if (!minute) return date_error(kKind, text, "expected the time as HH:MM[:SS]");
  int second = 0;
  std::int64_t millis = 0;
  if (in.take(':')) {
    const auto s = in.fixed(2);
    if (!s) return date_error(kKind, text, "expected two-digit seconds after ':'");
    second = *s;
    if (in.take('.') || in.take(',')) {
      const std::string_view fraction = in.digits();
      if (fraction.empty())
        return date_error(kKind, text, "expected digits after the decimal point");
      for (std::size_t i = 0; i < 3; ++i) {
        millis = millis * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
      }
    }
  }
  if (*hour > 23) return date_error(kKind, text, "the hour must be 00-23");
  if (*minute > 59) return date_error(kKind, text, "the minute must be 00-59");
  if (second > 59) return date_error(kKind, text, "the second must be 00-59 (no leap seconds)");
  const LocalTime local = LocalTime{day->time_since_epoch()} + chr::hours{*hour} +
                          chr::minutes{*minute} + chr::seconds{second} + chr::milliseconds{millis};
  if (in.done()) {
    const Instant at = from_local(local, local_zone);
    return DateTime{at, offset_minutes_at(at, local_zone)};
  }
  int offset = 0;
  if (in.take('Z') || in.take('z')) {
    offset = 0;
  } else if (in.peek() == '+' || in.peek() == '-') {
    const bool negative = in.peek() == '-';
    in.take(in.peek());
    const auto oh = in.fixed(2);
    if (!oh) return date_error(kKind, text, "expected the offset as +HH:MM");
    int om = 0;
    if (in.take(':')) {
      const auto m = in.fixed(2);
      if (!m) return date_error(kKind, text, "expected the offset as +HH:MM");
      om = *m;
    } else if (const auto m = in.fixed(2)) {
      om = *m;
    }
    if (*oh > 23 || om > 59) return date_error(kKind, text, "the offset must be within ±23:59");
    offset = (negative ? -1 : 1) * (*oh * 60 + om);
  } else {
    return date_error(kKind, text, "expected 'Z' or an offset such as +03:30 after the time");
  }
  if (!in.done()) return date_error(kKind, text, "unexpected text after the offset");
  const Instant at = Instant{local.time_since_epoch()} - chr::minutes{offset};
  return DateTime{at, offset};
}

std::string format_datetime(const DateTime& dt) {
  const auto local = dt.at + chr::minutes{dt.offset_minutes};
  const auto day = date::floor<date::days>(local);
  const date::hh_mm_ss<chr::milliseconds> tod{local - day};
  std::string out = format_date(Date{day});
  fmt::format_to(std::back_inserter(out), "T{:02}:{:02}:{:02}", tod.hours().count(),
                 tod.minutes().count(), tod.seconds().count());
  if (tod.subseconds().count() != 0) {
    fmt::format_to(std::back_inserter(out), ".{:03}", tod.subseconds().count());
  }
  if (dt.offset_minutes == 0) {
    out += 'Z';
  } else {
    const int magnitude_minutes = dt.offset_minutes < 0 ? -dt.offset_minutes : dt.offset_minutes;
    fmt::format_to(std::back_inserter(out), "{}{:02}:{:02}", dt.offset_minutes < 0 ? '-' : '+',
                   magnitude_minutes / 60, magnitude_minutes % 60);
  }
  return out;
}

std::string format_instant(Instant at) { return format_datetime(DateTime{at, 0}); }

}  // namespace crmflow::time
