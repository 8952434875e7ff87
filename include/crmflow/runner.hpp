// crmflow: Runner, a loop that keeps time for an Engine: it sleeps until the next job is due,
// fires what is due on a small pool of worker threads, and stops cleanly when asked.
//
//   crmflow::Engine engine{*store, {.clock = &clock}};
//   crmflow::Runner runner{engine, {.workers = 2,
//                                   .clock = &clock,
//                                   .stop_signals = {SIGINT, SIGTERM},
//                                   .on_error = [](const crmflow::Error& e) { log(e); }}};
//   crmflow::Status ended = runner.run();  // blocks until SIGINT/SIGTERM or runner.stop()
//
// A host with a loop of its own does not need a Runner: it calls Engine::run_due(now) when
// Engine::next_due() says so. docs/runner.md describes the loop in full.
//
// What the loop does. It asks the engine for the earliest due moment and sleeps until then, but
// never longer than `poll_interval`, so that jobs other processes add to a shared database are
// noticed (a host that adds work in this process calls wake() instead of waiting). When
// something is due it starts a *pass* on a worker: one Engine::run_due(now), which fires every
// job due at `now`, each in a commit of its own. While a pass runs, the loop looks again every
// `recheck_interval`; when the earliest due job has not moved since the previous look (a service
// handler is busy with it), it starts another pass on an idle worker, which skips the leased job
// and fires the others. So one worker serves a stream of timers, and up to `workers` handlers run
// at once when handlers are slow.
//
// Stopping. stop() (or a signal of `stop_signals`) stops the loop from starting passes; each pass
// in flight ends once the job (or delivery) it is working on is committed, and run() returns.
// No job is lost by stopping, nor by a crash at any moment: a job is removed in the same commit
// that applies it, and a service job whose handler ran but whose outcome was never committed is
// due again when its lease (EngineLimits::job_lease) runs out.
//
// Errors of next_due() and run_due() never end the loop: each is handed to `on_error`, and the
// loop waits `retry_delay` before it tries again, doubling the wait after each further error up
// to `poll_interval`, and back to `retry_delay` after a pass that succeeds. An error of a
// retention run (RunnerRetention) goes to `on_error` too; the next run comes after its interval.
//
// Thread safety: stop() and wake() may be called from any thread at any time, including from a
// handler, before run() and after it returned. run() must not be called by two threads at once.
// The Engine must allow calls from several threads (it does when its Store does: MemoryStore and
// SqliteStore do) when workers > 1; with workers == 1 passes still run on a thread of the pool,
// never on the thread that called run().
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "crmflow/clock.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/error.hpp"
#include "crmflow/time.hpp"

namespace crmflow {

// One pass that fired at least one job or attempted a delivery, as RunnerOptions::on_pass reports
// it.
struct RunnerPass {
  Instant now{};              // the moment the pass gave run_due
  std::size_t fired = 0;      // how many jobs it fired (or set aside)
  std::size_t delivered = 0;  // how many deliveries it attempted (with EngineOptions::channels)
};

// History retention the runner applies as time passes (docs/retention.md): right after it
// starts and then every `interval`, the cases that ended more than `keep_for` ago are archived
// through `sink` (Engine::archive), at most `max_cases` at a time. The archive runs on a thread of
// its own beside the workers, so timers keep firing meanwhile; a stop interrupts it between two
// cases. Off while `sink` is empty.
struct RunnerRetention {
  ArchiveSink sink{};
  // REQUIRES: >= 0.
  std::chrono::milliseconds keep_for{std::chrono::hours{24 * 90}};
  // REQUIRES: > 0.
  std::chrono::milliseconds interval{std::chrono::hours{1}};
  // Per run; 0: all there are.
  std::size_t max_cases = 1000;
  // Called after each run that archived or kept a case, on the thread that runs run(). Errors of
  // a run go to RunnerOptions::on_error. Empty: nothing is reported.
  std::function<void(const ArchiveOutcome&)> on_archived{};
};

// The callbacks (on_started, on_error, on_pass, retention.on_archived) run on the thread that runs
// run(), one call at a time, and must not block for long: the loop waits for them. An exception
// one throws is dropped.
struct RunnerOptions {
  // How many threads may run passes at once. REQUIRES: >= 1.
  std::size_t workers = 1;
  // The longest the loop sleeps without looking at the store: the upper bound on how late a job
  // that another process added (with no wake()) is noticed, and on how late a job fires after
  // the wall clock jumped forward. REQUIRES: > 0.
  std::chrono::milliseconds poll_interval{std::chrono::minutes{1}};
  // While a due job cannot be fired (a handler of this or another process holds its lease), how
  // often the loop looks again; also how often it checks whether to spread a busy pass over
  // another worker. REQUIRES: > 0.
  std::chrono::milliseconds recheck_interval{std::chrono::seconds{1}};
  // The wait after the first error in a row; it doubles with each further error, up to
  // poll_interval. REQUIRES: > 0.
  std::chrono::milliseconds retry_delay{std::chrono::seconds{1}};
  // Where "now" comes from: it must be the Engine's clock. nullptr: SystemClock. The loop sleeps
  // on the machine's steady clock for (due - clock->now()), so a clock that does not follow real
  // time is only looked at every poll_interval. Must outlive the runner.
  const Clock* clock = nullptr;
  // Signals (SIGINT, SIGTERM, ...) that stop the loop as stop() does, handled while run() runs.
  // After the first one arrives the default action is restored, so a second one ends the process
  // at once (safe: every fired job is committed on its own). When run() returns the signals are
  // left with their default action. Empty: run() touches no signal.
  std::vector<int> stop_signals{};
  // Called once run() is up: its threads started and stop_signals handled (so a host may now
  // report itself ready; a stop signal before this moment still has its default action). Called
  // on the thread that runs run(). Empty: nothing.
  std::function<void()> on_started{};
  // Receives each error of next_due() and run_due() (the loop goes on). Called on the thread that
  // runs run(), one call at a time. Empty: errors are dropped.
  std::function<void(const Error&)> on_error{};
  // Called after each pass that fired at least one job, on the thread that runs run(), one call
  // at a time. Empty: nothing is reported.
  std::function<void(const RunnerPass&)> on_pass{};
  // Archiving ended cases as time passes; off by default.
  RunnerRetention retention{};
};

class Runner {
 public:
  // REQUIRES: engine (and options.clock) outlive the runner.
  Runner(Engine& engine, RunnerOptions options = {});
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Runs the loop on the calling thread (passes run on `workers` threads of its own) until
  // stop() or a stop signal, then waits for the passes in flight and returns ok. A runner once
  // stopped stays stopped: a later run() returns ok at once.
  // Errors: invalid_input naming the option (workers 0, an interval not positive, a number in
  // stop_signals that is no signal); internal when the loop could not be set up (threads).
  // Nothing runs when an error is returned.
  [[nodiscard]] Status run();

  // Asks run() to stop (see "Stopping" above) and returns at once. Not async-signal-safe: from a
  // signal handler use stop_signals instead.
  void stop();

  // Tells the loop that work was added (a case started, a timer armed) so it looks at the store
  // now rather than at its next planned wake-up (but not before the wait after an error is
  // over). Cheap: calls that come while one is pending are merged.
  void wake();

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace crmflow
