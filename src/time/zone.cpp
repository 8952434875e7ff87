#include "time/zone.hpp"

#include <fmt/format.h>

#include <exception>
#include <string>

namespace crmflow::time {
namespace {

namespace chr = std::chrono;

constexpr LocalTime as_local(Instant at) { return LocalTime{at.time_since_epoch()}; }
constexpr Instant as_instant(LocalTime local) { return Instant{local.time_since_epoch()}; }

}  // namespace

Result<const date::time_zone*> find_zone(std::string_view name) {
  if (name.empty())
    return invalid_input(
        "time zone: the name is empty; use an IANA name such as 'Asia/Tehran' or 'UTC'");
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return invalid_input(fmt::format(
        "unknown time zone '{}': use an IANA name such as 'Asia/Tehran', 'Europe/Berlin' or 'UTC'",
        name));
  }
}

std::int32_t offset_minutes_at(Instant at, const date::time_zone* zone) {
  if (zone == nullptr) return 0;
  const date::sys_info info = zone->get_info(at);
  return static_cast<std::int32_t>(chr::duration_cast<chr::minutes>(info.offset).count());
}

DateTime in_zone(Instant at, const date::time_zone* zone) {
  return DateTime{at, offset_minutes_at(at, zone)};
}

LocalTime to_local(Instant at, const date::time_zone* zone) {
  if (zone == nullptr) return as_local(at);
  return as_local(at) + chr::minutes{offset_minutes_at(at, zone)};
}

Date local_date(Instant at, const date::time_zone* zone) {
  const LocalTime local = to_local(at, zone);
  return Date{chr::sys_days{date::floor<date::days>(local).time_since_epoch()}};
}

Instant from_local(LocalTime local, const date::time_zone* zone) {
  if (zone == nullptr) return as_instant(local);
  // `first` is the only period for a unique reading, the earlier offset in an overlap, and the
  // period before the gap for a skipped reading: the one rule covers all three.
  const date::local_info info = zone->get_info(local);
  // In whole minutes, as offset_minutes_at counts them: with the seconds of a local mean time
  // the instant would read back (to_local, format_datetime) seconds away from what was written.
  return as_instant(local) - chr::duration_cast<chr::minutes>(info.first.offset);
}

Instant from_local_gap_to_transition(LocalTime local, const date::time_zone* zone) {
  if (zone == nullptr) return as_instant(local);
  const date::local_info info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent) {
    return chr::time_point_cast<chr::milliseconds>(info.second.begin);
  }
  return from_local(local, zone);
}

}  // namespace crmflow::time
