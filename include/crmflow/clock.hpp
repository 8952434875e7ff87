// crmflow: the source of "now".
//
// The engine never reads the system time directly: everything about time (due dates, timers,
// history timestamps) goes through a Clock, so tests and scenarios can drive time by hand.
//
//   crmflow::ManualClock clock{crmflow::Instant{}};
//   clock.advance(std::chrono::hours{2});
//   engine.run_due(clock.now());
//
// Thread safety: implementations must allow now() from several threads at once. ManualClock is
// safe for concurrent now(), set() and advance().
#pragma once

#include <atomic>
#include <chrono>

#include "crmflow/time.hpp"

namespace crmflow {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current moment. Need not be monotonic for SystemClock (it follows the wall clock).
  virtual Instant now() const = 0;
};

// The wall clock of this machine (std::chrono::system_clock), truncated to milliseconds.
class SystemClock final : public Clock {
 public:
  Instant now() const override;
  // One shared instance; it has no state.
  static SystemClock& instance();
};

// A clock that moves only when told to. Time never goes backwards through advance(); set() may
// move it anywhere (the caller's business).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start = Instant{}) : now_(start.time_since_epoch().count()) {}

  Instant now() const override { return Instant{std::chrono::milliseconds{now_.load()}}; }
  void set(Instant at) { now_.store(at.time_since_epoch().count()); }
  // REQUIRES: by >= 0
  void advance(std::chrono::milliseconds by) { now_.fetch_add(by.count()); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace crmflow
