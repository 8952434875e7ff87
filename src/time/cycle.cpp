#include "time/cycle.hpp"

#include <fmt/format.h>

#include <vector>

#include "time/arithmetic.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::time {
namespace {

Error cycle_error(std::string_view text, std::string_view what) {
  return invalid_input(
      fmt::format("invalid cycle '{}': {} (write an ISO 8601 repeating interval such as "
                  "'R3/2026-01-05T09:00:00Z/P1D' or 'R/P1D')",
                  text, what));
}

bool looks_like_duration(std::string_view part) {
  if (!part.empty() && (part.front() == '-' || part.front() == '+')) part.remove_prefix(1);
  return !part.empty() && part.front() == 'P';
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = text.find(separator, begin);
    parts.push_back(text.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) return parts;
    begin = end + 1;
  }
}

// A START or END: a datetime, or a date meaning its midnight in `zone`.
Result<DateTime> parse_moment(std::string_view part, const date::time_zone* zone) {
  auto datetime = parse_datetime(part, zone);
  if (datetime) return datetime;
  if (const auto day = parse_date(part)) {
    const Instant at = from_local(LocalTime{day->day.time_since_epoch()}, zone);
    return DateTime{at, offset_minutes_at(at, zone)};
  }
  return std::move(datetime).error();
}

}  // namespace

Result<Cycle> Cycle::parse(std::string_view text, const date::time_zone* zone) {
  const std::vector<std::string_view> parts = split(text, '/');
  if (parts.size() < 2 || parts.size() > 3) {
    return cycle_error(text, "expected 2 or 3 parts separated by '/'");
  }
  Cycle cycle;
  cycle.zone_ = zone;
  std::string_view repeat = parts[0];
  if (repeat.empty() || repeat.front() != 'R') {
    return cycle_error(text, "it must start with 'R' and an optional count");
  }
  repeat.remove_prefix(1);
  if (!repeat.empty()) {
    std::int64_t count = 0;
    for (const char c : repeat) {
      if (c < '0' || c > '9' || count > (std::numeric_limits<std::int64_t>::max() - 9) / 10) {
        return cycle_error(text, fmt::format("'{}' is not a count of repetitions", parts[0]));
      }
      count = count * 10 + (c - '0');
    }
    cycle.count_ = count;
  }
  auto period_of = [&](std::string_view part) -> Result<Duration> {
    auto period = parse_duration(part);
    if (!period) return std::move(period).error();
    if (compare(*period, Duration{}) != std::partial_ordering::greater) {
      return cycle_error(text, fmt::format("the period '{}' must be longer than zero", part));
    }
    return period;
  };
  if (parts.size() == 2) {
    if (!looks_like_duration(parts[1])) {
      return cycle_error(text, "with two parts the second must be a period such as P1D");
    }
    auto period = period_of(parts[1]);
    if (!period) return std::move(period).error();
    cycle.period_ = *period;
    return cycle;
  }
  if (looks_like_duration(parts[1])) {
    return cycle_error(text, "the form PERIOD/END is not supported; give START/PERIOD");
  }
  auto start = parse_moment(parts[1], zone);
  if (!start) return std::move(start).error();
  cycle.start_ = *start;
  if (looks_like_duration(parts[2])) {
    auto period = period_of(parts[2]);
    if (!period) return std::move(period).error();
    cycle.period_ = *period;
    return cycle;
  }
  auto end = parse_moment(parts[2], zone);
  if (!end) return std::move(end).error();
  if (end->at <= start->at) return cycle_error(text, "the end must lie after the start");
  cycle.period_ = subtract(*end, *start);
  return cycle;
}

std::optional<Instant> Cycle::occurrence(std::int64_t k, Instant anchor) const {
  if (k < 0 || (count_ && k >= *count_)) return std::nullopt;
  // Without a START the anchor itself is not an occurrence: the first comes one period later.
  const std::int64_t periods = start_ ? k : k + 1;
  if (periods < k) return std::nullopt;  // k + 1 overflowed
  const auto offset = multiply(period_, periods);
  if (!offset) return std::nullopt;
  const DateTime base = start_ ? *start_ : in_zone(anchor, zone_);
  const auto at = add(base, *offset, zone_);
  if (!at) return std::nullopt;
  return at->at;
}

namespace {

// The smallest k whose occurrence is missing (past the count or the range) or later than
// `after`. Occurrences never decrease with k, so this is a search over a monotone predicate:
// doubling to find an upper bound, then bisection; about 2 × 63 occurrence() calls at most.
template <class Occurrence>
std::int64_t first_index_after(const Occurrence& occurrence, Instant after) {
  auto beyond = [&](std::int64_t k) {
    const std::optional<Instant> at = occurrence(k);
    return !at || *at > after;
  };
  if (beyond(0)) return 0;
  std::int64_t low = 0;  // !beyond(low)
  std::int64_t high = 1;
  while (!beyond(high)) {
    low = high;
    if (high > std::numeric_limits<std::int64_t>::max() / 2) return high;  // unreachable range
    high *= 2;
  }
  while (high - low > 1) {  // !beyond(low) && beyond(high)
    const std::int64_t mid = low + (high - low) / 2;
    (beyond(mid) ? high : low) = mid;
  }
  return high;
}

}  // namespace

std::optional<Instant> Cycle::next_after(Instant after, Instant anchor) const {
  auto occurrence_at = [&](std::int64_t k) { return occurrence(k, anchor); };
  return occurrence(first_index_after(occurrence_at, after), anchor);
}

std::int64_t Cycle::count_through(Instant at, Instant anchor) const {
  auto occurrence_at = [&](std::int64_t k) { return occurrence(k, anchor); };
  return first_index_after(occurrence_at, at);
}

std::string Cycle::to_string() const {
  std::string out = "R";
  if (count_) out += std::to_string(*count_);
  out += '/';
  if (start_) {
    out += format_datetime(*start_);
    out += '/';
  }
  out += format_duration(period_);
  return out;
}

}  // namespace crmflow::time
