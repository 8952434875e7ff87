// Runner: the scheduling loop (one thread running an asio::io_context: the sleep timer, the stop
// signals, and every decision) and the passes (Engine::run_due calls on an asio::thread_pool,
// whose outcomes are posted back to the loop). All scheduling state is touched by the loop's
// thread only, so it needs no lock; stop() and wake() reach it through asio::post.
#include "crmflow/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <exception>
#include <optional>
#include <stop_token>
#include <utility>

namespace crmflow {

namespace asio = boost::asio;
using Steady = std::chrono::steady_clock;

namespace {

Status check_options(const RunnerOptions& options) {
  if (options.workers == 0) {
    return invalid_input("runner: workers must be at least 1");
  }
  const std::pair<const char*, std::chrono::milliseconds> intervals[] = {
      {"poll_interval", options.poll_interval},
      {"recheck_interval", options.recheck_interval},
      {"retry_delay", options.retry_delay},
  };
  for (const auto& [name, interval] : intervals) {
    if (interval.count() <= 0) {
      return invalid_input(
          fmt::format("runner: {} must be positive, not {} ms", name, interval.count()));
    }
  }
  if (options.retention.sink) {
    if (options.retention.interval.count() <= 0) {
      return invalid_input(fmt::format("runner: retention.interval must be positive, not {} ms",
                                       options.retention.interval.count()));
    }
    if (options.retention.keep_for.count() < 0) {
      return invalid_input(fmt::format("runner: retention.keep_for must not be negative, not {} ms",
                                       options.retention.keep_for.count()));
    }
  }
  return {};
}

// Engine::archive with anything thrown turned into an error, for fire_due's reason.
Result<ArchiveOutcome> archive_safely(Engine& engine, const ArchiveOptions& options) {
  try {
    return engine.archive(options);
  } catch (const std::exception& e) {
    return internal_error(fmt::format("runner: archive threw: {}", e.what()));
  } catch (...) {
    return internal_error("runner: archive threw");
  }
}

// run_due with anything thrown (memory exhaustion, a bug) turned into an error: a pass must
// always report back to the loop, or stopping would wait for it for ever.
Result<std::size_t> fire_due(Engine& engine, Instant now, std::stop_token stop,
                             RunDueCounts& counts) {
  try {
    return engine.run_due(now, {.stop = std::move(stop), .counts = &counts});
  } catch (const std::exception& e) {
    return internal_error(fmt::format("runner: run_due threw: {}", e.what()));
  } catch (...) {
    return internal_error("runner: run_due threw");
  }
}

Result<std::optional<Instant>> next_due_of(Engine& engine) {
  try {
    return engine.next_due();
  } catch (const std::exception& e) {
    return internal_error(fmt::format("runner: next_due threw: {}", e.what()));
  } catch (...) {
    return internal_error("runner: next_due threw");
  }
}

}  // namespace

class Runner::Loop {
 public:
  Loop(Engine& engine, RunnerOptions options)
      : engine_(engine),
        options_(std::move(options)),
        clock_(options_.clock != nullptr ? options_.clock : &SystemClock::instance()),
        timer_(io_),
        retention_timer_(io_),
        signals_(io_),
        backoff_(options_.retry_delay) {}

  Status run();

  void stop() {
    if (stop_requested_.exchange(true)) return;
    asio::post(io_, [this] { begin_stop(); });
  }

  void wake() {
    if (wake_pending_.exchange(true)) return;
    asio::post(io_, [this] {
      wake_pending_.store(false);
      quiet_until_ = {};
      look();
    });
  }

 private:
  Status add_signals();
  void await_signal();
  void begin_stop();
  void look();
  void start_pass();
  void pass_ended(Instant now, const Result<std::size_t>& fired, const RunDueCounts& counts);
  void arm(Steady::time_point at);
  // Retention: the next archive run at `at`, the run on the archive thread, and its end.
  void arm_retention(Steady::time_point at);
  void start_archive();
  void archive_done(const Result<ArchiveOutcome>& outcome);
  // Ends io_ once stopping and nothing is in flight.
  void stop_when_idle();
  void back_off();
  void report(const Error& error);

  Engine& engine_;
  const RunnerOptions options_;
  const Clock* clock_;
  asio::io_context io_;
  asio::steady_timer timer_;
  asio::steady_timer retention_timer_;
  asio::signal_set signals_;
  std::optional<asio::thread_pool> pool_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> wake_pending_{false};
  // Requested when stopping begins: passes in flight end after the job they are firing.
  std::stop_source passes_stop_;

  // The loop thread's own state.
  bool stopping_ = false;
  std::size_t running_ = 0;  // passes in flight
  bool archiving_ = false;   // an archive run in flight
  // The earliest due moment at the previous look that found work due: when a later look finds
  // the same one while a pass runs, a handler holds that job and another pass may start.
  std::optional<Instant> seen_front_;
  // No pass starts before these: after a pass that could fire nothing (wake() clears it), and
  // after an error (the back-off, which wake() leaves alone).
  Steady::time_point quiet_until_{};
  Steady::time_point retry_at_{};
  std::chrono::milliseconds backoff_;
};

Status Runner::Loop::run() {
  if (auto s = check_options(options_); !s) return s;
  if (stop_requested_.load()) return {};
  if (auto s = add_signals(); !s) return s;
  std::optional<Error> failed;
  try {
    // One thread more for retention, so that an archive run never holds a pass back.
    pool_.emplace(options_.workers + (options_.retention.sink ? 1 : 0));
    auto guard = asio::make_work_guard(io_);
    await_signal();
    asio::post(io_, [this] {
      if (options_.on_started) {
        try {
          options_.on_started();
        } catch (...) {  // a host callback must not end the loop
        }
      }
      look();
      if (options_.retention.sink) start_archive();
    });
    io_.run();
  } catch (const std::exception& e) {
    failed = internal_error(fmt::format("runner: the loop failed: {}", e.what()));
  } catch (...) {
    failed = internal_error("runner: the loop failed");
  }
  // Passes in flight (only after a failure of the loop itself) end before their engine may go.
  if (pool_) pool_->join();
  boost::system::error_code ignored;
  signals_.clear(ignored);
  stopping_ = true;
  stop_requested_.store(true);
  if (failed) return *std::move(failed);
  return {};
}

Status Runner::Loop::add_signals() {
  for (const int number : options_.stop_signals) {
    boost::system::error_code ec;
    signals_.add(number, ec);
    if (ec) {
      boost::system::error_code ignored;
      signals_.clear(ignored);
      return invalid_input(
          fmt::format("runner: stop_signals: {} cannot be handled ({})", number, ec.message()));
    }
  }
  return {};
}

void Runner::Loop::await_signal() {
  if (options_.stop_signals.empty()) return;
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    // The default action again: a second signal ends the process at once.
    boost::system::error_code ignored;
    signals_.clear(ignored);
    stop_requested_.store(true);
    begin_stop();
  });
}

void Runner::Loop::begin_stop() {
  if (stopping_) return;
  stopping_ = true;
  passes_stop_.request_stop();
  timer_.cancel();
  retention_timer_.cancel();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  stop_when_idle();
}

void Runner::Loop::stop_when_idle() {
  if (stopping_ && running_ == 0 && !archiving_) io_.stop();
}

void Runner::Loop::look() {
  if (stopping_) return;
  const Steady::time_point steady_now = Steady::now();
  if (const auto until = std::max(quiet_until_, retry_at_); steady_now < until) {
    arm(until);
    return;
  }
  auto next = next_due_of(engine_);
  if (!next) {
    report(next.error());
    back_off();
    return;
  }
  const Instant now = clock_->now();
  if (!next->has_value() || **next > now) {
    seen_front_.reset();
    if (running_ == 0) backoff_ = options_.retry_delay;
    auto wait = options_.poll_interval;
    if (next->has_value()) wait = std::min(wait, **next - now);
    arm(steady_now + wait);
    return;
  }
  if (running_ == 0 || (running_ < options_.workers && seen_front_ == **next)) start_pass();
  seen_front_ = **next;
  if (running_ < options_.workers) {
    arm(steady_now + options_.recheck_interval);
  } else {
    timer_.cancel();  // every worker is busy: the end of a pass looks again
  }
}

void Runner::Loop::start_pass() {
  ++running_;
  const Instant now = clock_->now();
  asio::post(*pool_, [this, now, stop = passes_stop_.get_token()] {
    RunDueCounts counts;
    Result<std::size_t> fired = fire_due(engine_, now, stop, counts);
    asio::post(io_,
               [this, now, counts, fired = std::move(fired)] { pass_ended(now, fired, counts); });
  });
}

void Runner::Loop::pass_ended(Instant now, const Result<std::size_t>& fired,
                              const RunDueCounts& counts) {
  --running_;
  if (!fired) {
    report(fired.error());
    if (!stopping_) back_off();
  } else {
    backoff_ = options_.retry_delay;
    if (*fired > 0 && options_.on_pass) {
      try {
        options_.on_pass(RunnerPass{now, counts.jobs, counts.deliveries});
      } catch (...) {  // a host callback must not end the loop
      }
    }
    // Nothing fired though something was due: the job is leased (a handler of another pass or
    // process runs it), or another pass or process fired it first. Starting the next pass at once
    // would spin while that handler runs: look again a little later.
    if (*fired == 0) quiet_until_ = Steady::now() + options_.recheck_interval;
  }
  if (stopping_) {
    stop_when_idle();
    return;
  }
  look();
}

void Runner::Loop::arm_retention(Steady::time_point at) {
  retention_timer_.expires_at(at);
  retention_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec != asio::error::operation_aborted) start_archive();
  });
}

void Runner::Loop::start_archive() {
  if (stopping_ || archiving_) return;
  archiving_ = true;
  const RunnerRetention& retention = options_.retention;
  ArchiveOptions archive{.ended_before = clock_->now() - retention.keep_for,
                         .max_cases = retention.max_cases,
                         .sink = retention.sink,
                         .stop = passes_stop_.get_token()};
  asio::post(*pool_, [this, archive = std::move(archive)] {
    Result<ArchiveOutcome> outcome = archive_safely(engine_, archive);
    asio::post(io_, [this, outcome = std::move(outcome)] { archive_done(outcome); });
  });
}

void Runner::Loop::archive_done(const Result<ArchiveOutcome>& outcome) {
  archiving_ = false;
  if (!outcome) {
    report(outcome.error());
  } else if ((outcome->archived > 0 || outcome->kept > 0) && options_.retention.on_archived) {
    try {
      options_.retention.on_archived(*outcome);
    } catch (...) {  // a host callback must not end the loop
    }
  }
  if (stopping_) {
    stop_when_idle();
    return;
  }
  arm_retention(Steady::now() + options_.retention.interval);
}

void Runner::Loop::arm(Steady::time_point at) {
  timer_.expires_at(at);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec != asio::error::operation_aborted) look();
  });
}

void Runner::Loop::back_off() {
  retry_at_ = Steady::now() + backoff_;
  backoff_ = std::min(backoff_ * 2, std::max(options_.poll_interval, options_.retry_delay));
  arm(retry_at_);
}

void Runner::Loop::report(const Error& error) {
  if (!options_.on_error) return;
  try {
    options_.on_error(error);
  } catch (...) {  // a host callback must not end the loop
  }
}

Runner::Runner(Engine& engine, RunnerOptions options)
    : loop_(std::make_unique<Loop>(engine, std::move(options))) {}

Runner::~Runner() = default;

Status Runner::run() { return loop_->run(); }
void Runner::stop() { loop_->stop(); }
void Runner::wake() { loop_->wake(); }

}  // namespace crmflow
