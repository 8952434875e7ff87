#include "notify/http_date.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace crmflow::notify {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads the text left to right; every read fails (returns false / nullopt) rather than throwing.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool literal(std::string_view expected) {
    if (!text_.starts_with(expected)) return false;
    text_.remove_prefix(expected.size());
    return true;
  }
  // Exactly `count` digits (a leading space stands for a zero when `space_padded`: asctime days).
  std::optional<int> digits(std::size_t count, bool space_padded = false) {
    if (text_.size() < count) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[i];
      if (space_padded && i == 0 && c == ' ') continue;
      if (!is_digit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    text_.remove_prefix(count);
    return value;
  }
  // Letters up to the next non-letter.
  std::string_view word() {
    std::size_t n = 0;
    while (n < text_.size() &&
           ((text_[n] >= 'a' && text_[n] <= 'z') || (text_[n] >= 'A' && text_[n] <= 'Z'))) {
      ++n;
    }
    const std::string_view out = text_.substr(0, n);
    text_.remove_prefix(n);
    return out;
  }
  std::optional<unsigned> month() {
    const std::string_view name = word();
    const auto found = std::ranges::find(kMonths, name);
    if (found == kMonths.end()) return std::nullopt;
    return static_cast<unsigned>(found - kMonths.begin() + 1);
  }
  // "HH:MM:SS"
  std::optional<std::chrono::seconds> time_of_day() {
    const auto h = digits(2);
    if (!h || !literal(":")) return std::nullopt;
    const auto m = digits(2);
    if (!m || !literal(":")) return std::nullopt;
    const auto s = digits(2);
    // 60 admits a leap second as the grammar does; it lands on the next minute's first second.
    if (!s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
    return std::chrono::hours{*h} + std::chrono::minutes{*m} + std::chrono::seconds{*s};
  }
  bool done() const { return text_.empty(); }

 private:
  std::string_view text_;
};

std::optional<Instant> moment(int year, unsigned month, int day, std::chrono::seconds time) {
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return Instant{std::chrono::sys_days{ymd}} + time;
}

// "06 Nov 1994 08:49:37 GMT", after "Sun, ".
std::optional<Instant> imf_fixdate(Cursor& in) {
  const auto day = in.digits(2);
  if (!day || !in.literal(" ")) return std::nullopt;
  const auto month = in.month();
  if (!month || !in.literal(" ")) return std::nullopt;
  const auto year = in.digits(4);
  if (!year || !in.literal(" ")) return std::nullopt;
  const auto time = in.time_of_day();
  if (!time || !in.literal(" GMT") || !in.done()) return std::nullopt;
  return moment(*year, *month, *day, *time);
}

// "06-Nov-94 08:49:37 GMT", after "Sunday, ".
std::optional<Instant> rfc850_date(Cursor& in, Instant now) {
  const auto day = in.digits(2);
  if (!day || !in.literal("-")) return std::nullopt;
  const auto month = in.month();
  if (!month || !in.literal("-")) return std::nullopt;
  const auto yy = in.digits(2);
  if (!yy || !in.literal(" ")) return std::nullopt;
  const auto time = in.time_of_day();
  if (!time || !in.literal(" GMT") || !in.done()) return std::nullopt;
  const int this_year = static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
  int year = this_year - this_year % 100 + *yy;
  if (year > this_year + 50) year -= 100;
  return moment(year, *month, *day, *time);
}

// "Nov  6 08:49:37 1994", after "Sun ".
std::optional<Instant> asctime_date(Cursor& in) {
  const auto month = in.month();
  if (!month || !in.literal(" ")) return std::nullopt;
  const auto day = in.digits(2, /*space_padded=*/true);
  if (!day || !in.literal(" ")) return std::nullopt;
  const auto time = in.time_of_day();
  if (!time || !in.literal(" ")) return std::nullopt;
  const auto year = in.digits(4);
  if (!year || !in.done()) return std::nullopt;
  return moment(*year, *month, *day, *time);
}

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::optional<Instant> parse_http_date(std::string_view text, Instant now) {
  Cursor in{text};
  const std::string_view day_name = in.word();
  if (day_name.size() == 3 && in.literal(", ")) return imf_fixdate(in);
  if (day_name.size() == 3 && in.literal(" ")) return asctime_date(in);
  if (day_name.size() > 3 && in.literal(", ")) return rfc850_date(in, now);
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, Instant now) {
  value = trimmed(value);
  if (value.empty()) return std::nullopt;
  constexpr auto kMax = std::chrono::duration_cast<std::chrono::milliseconds>(kMaxRetryAfter);
  if (std::ranges::all_of(value, is_digit)) {
    std::int64_t seconds = 0;
    for (const char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (std::chrono::seconds{seconds} >= kMax) return kMax;  // also keeps the sum from overflow
    }
    return std::chrono::seconds{seconds};
  }
  const auto at = parse_http_date(value, now);
  if (!at) return std::nullopt;
  if (*at <= now) return std::chrono::milliseconds{0};
  return std::min<std::chrono::milliseconds>(*at - now, kMax);
}

}  // namespace crmflow::notify
