// crmflow time: ISO 8601 repeating intervals, the `cycle` of timer triggers and boundary timers.
//
//   auto c = crmflow::time::Cycle::parse("R3/2026-01-05T09:00:00Z/P1D", nullptr);
//   c->occurrence(0, anchor);       // 2026-01-05T09:00Z (the first at the start)
//   c->next_after(t, anchor);       // first occurrence strictly after t, or nullopt
//
// Forms (`R` may be followed by a count, none meaning for ever; the count includes the first):
//   Rn/START/PERIOD   occurrences START, START+PERIOD, ... (n in all)
//   Rn/START/END      the same with PERIOD = END − START (exact time; END must be after START)
//   Rn/PERIOD         no start: counts from an anchor the caller gives (the moment the step
//                     began): anchor+PERIOD, anchor+2×PERIOD, ... (n in all); the anchor itself
//                     is not an occurrence.
// Occurrence k is START + k×PERIOD computed at once (not by adding PERIOD k times), so a monthly
// cycle from Jan 31 gives Feb 28, Mar 31, Apr 30 rather than drifting to the 28th. PERIOD is added
// by the rules of arithmetic.hpp in the cycle's zone, so P1D keeps the wall-clock time across DST.
// `R0/...` has no occurrence. The forms PERIOD/END and `Rn/START/END` with an END that does not lie
// after START are refused. Queries never loop: next_after does at most ~130 date additions.
// A Cycle is an immutable value; const methods are thread-safe.
#pragma once

#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow::time {

class Cycle {
 public:
  // Parses `text`. START/END without an offset are wall-clock times in `zone` (UTC for nullptr),
  // and periods are added on that zone's wall clock; a START with an offset and zone nullptr
  // keeps that fixed offset. invalid_input names the text and the bad part.
  static Result<Cycle> parse(std::string_view text, const date::time_zone* zone);

  // The number of occurrences, nullopt when unbounded (`R/...`).
  std::optional<std::int64_t> count() const { return count_; }
  // The START, nullopt for the `Rn/PERIOD` form.
  std::optional<DateTime> start() const { return start_; }
  const Duration& period() const { return period_; }

  // Occurrence k (0-based), nullopt when k < 0, k >= count, or the moment lies past 9999-12-31.
  // `anchor` is used only by the form without START.
  std::optional<Instant> occurrence(std::int64_t k, Instant anchor) const;

  // The first occurrence strictly after `after`, nullopt when there is none.
  std::optional<Instant> next_after(Instant after, Instant anchor) const;

  // The number of occurrences at or before `at` (0 when the first lies after it).
  std::int64_t count_through(Instant at, Instant anchor) const;

  // The canonical text: `R3/2026-01-05T09:00:00Z/P1D`, `R/P1D`; the END form is written with
  // its period.
  std::string to_string() const;

 private:
  Cycle() = default;
  std::optional<std::int64_t> count_;
  std::optional<DateTime> start_;
  Duration period_;
  const date::time_zone* zone_ = nullptr;
};

}  // namespace crmflow::time
