// Fuzz target: ISO 8601 text (durations, dates, datetimes, repeating intervals `R/...`) and
// five-field cron schedules (src/time).
//
// Every parser gets the same input. What parses must also format and parse back to the same
// value, and the schedules' queries (next firing, occurrence k) must answer within their stated
// bounds: never a crash, a hang or a leak.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "time/cron.hpp"
#include "time/cycle.hpp"
#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace {

using namespace crmflow;

void require(bool condition) {
  if (!condition) __builtin_trap();
}

const date::time_zone* berlin() {
  static const date::time_zone* zone = [] {
    auto found = time::find_zone("Europe/Berlin");
    return found ? *found : nullptr;
  }();
  return zone;
}

void durations(std::string_view text) {
  Result<Duration> duration = time::parse_duration(text);
  if (!duration) return;
  const std::string canonical = time::format_duration(*duration);
  Result<Duration> again = time::parse_duration(canonical);
  require(again.ok() && *again == *duration);
}

void dates(std::string_view text) {
  Result<Date> day = time::parse_date(text);
  if (!day) return;
  Result<Date> again = time::parse_date(time::format_date(*day));
  require(again.ok() && *again == *day);
}

void datetimes(std::string_view text) {
  for (const date::time_zone* zone : {static_cast<const date::time_zone*>(nullptr), berlin()}) {
    Result<DateTime> at = time::parse_datetime(text, zone);
    if (!at) continue;
    Result<DateTime> again = time::parse_datetime(time::format_datetime(*at), nullptr);
    require(again.ok() && again->at == at->at && again->offset_minutes == at->offset_minutes);
  }
}

// A reading without an offset, taken in Berlin, names that wall-clock time there: to_local gives
// it back, unless it falls in a gap (spring forward), which moves it on by the gap's length.
void wall_clock(std::string_view text) {
  Result<DateTime> in_utc = time::parse_datetime(text, nullptr);
  Result<DateTime> in_berlin = time::parse_datetime(text, berlin());
  // With an offset written, the zone plays no part: both readings are the same instant.
  if (!in_utc || !in_berlin || in_utc->at == in_berlin->at) return;
  const time::LocalTime written{in_utc->at.time_since_epoch()};
  if (berlin()->get_info(written).result == date::local_info::nonexistent) return;
  require(time::to_local(in_berlin->at, berlin()) == written);
}

void cycles(std::string_view text, Instant anchor) {
  for (const date::time_zone* zone : {static_cast<const date::time_zone*>(nullptr), berlin()}) {
    Result<time::Cycle> cycle = time::Cycle::parse(text, zone);
    if (!cycle) continue;
    (void)cycle->to_string();
    Instant after = anchor;
    for (int i = 0; i < 4; ++i) {
      std::optional<Instant> next = cycle->next_after(after, anchor);
      if (!next) break;
      require(*next > after);
      after = *next;
    }
    for (std::int64_t k : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1000}}) {
      (void)cycle->occurrence(k, anchor);
    }
    (void)cycle->count_through(anchor + std::chrono::hours{24 * 400}, anchor);
  }
}

void crons(std::string_view text, Instant start) {
  for (const date::time_zone* zone : {static_cast<const date::time_zone*>(nullptr), berlin()}) {
    Result<time::CronSchedule> cron = time::CronSchedule::parse(text, zone);
    if (!cron) continue;
    Instant after = start;
    for (int i = 0; i < 4; ++i) {
      std::optional<Instant> next = cron->next_after(after);
      if (!next) break;
      require(*next > after);
      after = *next;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  // 2026-03-29T00:30Z: an hour before Berlin's clocks go forward.
  static const Instant anchor = time::parse_datetime("2026-03-29T00:30:00Z", nullptr)->at;
  durations(text);
  dates(text);
  datetimes(text);
  wall_clock(text);
  cycles(text, anchor);
  crons(text, anchor);
  return 0;
}
