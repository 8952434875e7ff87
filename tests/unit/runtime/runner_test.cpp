// Runner: the loop fires timers as real time passes, notices work through wake() and polling,
// spreads slow handlers over its workers, stops without losing a job, and survives store errors.
// The loop sleeps on real time, so these tests use the system clock with timers a few
// milliseconds ahead, and assert only what happens eventually (within 10 s), never how soon.
#include "crmflow/runner.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "crmflow/memory_store.hpp"
#include "crmflow/process.hpp"
#include "forwarding_store.hpp"

namespace crmflow::test {
namespace {

using namespace std::chrono_literals;
constexpr auto kPatience = 10s;

// Polls `condition` until it holds or kPatience has passed; returns whether it held.
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A Store that refuses the first `failures` next_due_job calls with `unavailable`.
class FlakyStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::atomic<int> failures{0};
  std::atomic<int> job_lookups{0};  // next_due_job calls: one or more per pass

  Result<std::optional<JobRecord>> next_due_job(Instant now) override {
    ++job_lookups;
    if (failures.fetch_sub(1) > 0) return unavailable("database 'test.db' is busy: injected");
    return ForwardingStore::next_due_job(now);
  }
};

// An engine on the system clock over a MemoryStore (or a store wrapping it).
struct Host {
  MemoryStore memory;
  FlakyStore store{memory};
  Engine engine{store, EngineOptions{.clock = &SystemClock::instance()}};

  void deploy(const char* yaml) {
    LoadOutcome outcome = load_process(yaml, "test.yaml");
    REQUIRE(outcome.ok());
    REQUIRE(engine.deploy(outcome.process).ok());
  }

  CaseId start(const std::string& process) {
    auto id = engine.start(process);
    REQUIRE(id.ok());
    return *id;
  }

  CaseStatus status(CaseId id) {
    auto c = engine.get_case(id);
    REQUIRE(c.ok());
    return c->status;
  }
};

// run() on a thread of its own; the destructor stops the runner and waits (at most kPatience).
class Running {
 public:
  explicit Running(Runner& runner)
      : runner_(runner),
        done_(std::async(std::launch::async, [&runner] { return runner.run(); })) {}
  ~Running() {
    runner_.stop();
    if (done_.valid()) done_.wait_for(kPatience);
  }
  // Stops the runner and returns what run() returned; fails the test if it did not return within
  // kPatience.
  Status stop() {
    runner_.stop();
    REQUIRE(done_.wait_for(kPatience) == std::future_status::ready);
    return done_.get();
  }
  bool returned() { return done_.wait_for(0s) == std::future_status::ready; }

 private:
  Runner& runner_;
  std::future<Status> done_;
};

constexpr const char* kShortTimer = R"yaml(
process: short
steps:
  - {id: pause, type: wait, timer: PT0.05S}
  - {id: done, type: end}
)yaml";

constexpr const char* kAtOnce = R"yaml(
process: at-once
steps:
  - {id: pause, type: wait, timer: PT0S}
  - {id: done, type: end}
)yaml";

constexpr const char* kService = R"yaml(
process: call
steps:
  - {id: call, type: service, handler: slow, retries: 0}
  - {id: done, type: end}
)yaml";

TEST_CASE("a timer fires when it falls due, and stop() ends run()", "[runner]") {
  Host host;
  host.deploy(kShortTimer);
  std::vector<RunnerPass> passes;  // on_pass runs on the loop's thread only
  Runner runner{host.engine,
                RunnerOptions{.poll_interval = 1h,
                              .on_pass = [&](const RunnerPass& pass) { passes.push_back(pass); }}};
  Running running{runner};
  const CaseId id = host.start("short");
  runner.wake();  // the case was started after the loop looked: tell it
  CHECK(eventually([&] { return host.status(id) == CaseStatus::completed; }));
  const Status ended = running.stop();
  CHECK(ended.ok());
  REQUIRE(passes.size() == 1);
  CHECK(passes[0].fired == 1);
  // Stopped stays stopped.
  CHECK(runner.run().ok());
}

TEST_CASE("the loop sleeps until the next due moment without being woken", "[runner]") {
  Host host;
  host.deploy(kShortTimer);
  const CaseId first = host.start("short");
  Runner runner{host.engine, RunnerOptions{.poll_interval = 1h}};
  Running running{runner};
  CHECK(eventually([&] { return host.status(first) == CaseStatus::completed; }));
  CHECK(running.stop().ok());
}

TEST_CASE("wake() makes a sleeping loop look at the store now", "[runner]") {
  Host host;
  host.deploy(kAtOnce);
  // Nothing is scheduled: without wake() the loop would sleep for an hour.
  Runner runner{host.engine, RunnerOptions{.poll_interval = 1h}};
  Running running{runner};
  const CaseId id = host.start("at-once");
  runner.wake();
  CHECK(eventually([&] { return host.status(id) == CaseStatus::completed; }));
  CHECK(running.stop().ok());
}

TEST_CASE("poll_interval bounds the sleep: work another engine added is found", "[runner]") {
  Host host;
  host.deploy(kAtOnce);
  Engine other{host.memory, EngineOptions{.clock = &SystemClock::instance()}};
  Runner runner{host.engine, RunnerOptions{.poll_interval = 20ms}};
  Running running{runner};
  auto id = other.start("at-once");  // no wake(): the runner cannot know
  REQUIRE(id.ok());
  CHECK(eventually([&] { return host.status(*id) == CaseStatus::completed; }));
  CHECK(running.stop().ok());
}

TEST_CASE("stop() lets a handler in flight finish and commits its outcome", "[runner]") {
  Host host;
  host.deploy(kService);
  std::mutex mutex;
  std::condition_variable changed;
  bool entered = false;
  bool released = false;
  std::atomic<int> calls{0};
  host.engine.handlers().add("slow", [&](const JobContext&) {
    ++calls;
    std::unique_lock lock{mutex};
    entered = true;
    changed.notify_all();
    changed.wait_for(lock, kPatience, [&] { return released; });
    return HandlerResult::ok(Value::Object{{"answer", 42}});
  });
  const CaseId id = host.start("call");
  Runner runner{host.engine, RunnerOptions{.poll_interval = 1h}};
  Running running{runner};
  {
    std::unique_lock lock{mutex};
    REQUIRE(changed.wait_for(lock, kPatience, [&] { return entered; }));
  }
  runner.stop();
  // The handler still runs: run() must not have returned.
  CHECK_FALSE(running.returned());
  {
    std::lock_guard lock{mutex};
    released = true;
  }
  changed.notify_all();
  CHECK(running.stop().ok());
  auto c = host.engine.get_case(id);
  REQUIRE(c.ok());
  CHECK(c->status == CaseStatus::completed);
  CHECK(c->variables["answer"] == Value{42});
  CHECK(calls.load() == 1);
}

TEST_CASE("with two workers a second handler runs while the first is busy", "[runner]") {
  Host host;
  host.deploy(kService);
  std::mutex mutex;
  std::condition_variable changed;
  int inside = 0;       // handlers running now
  int most_inside = 0;  // the most that ever ran at once
  host.engine.handlers().add("slow", [&](const JobContext&) {
    std::unique_lock lock{mutex};
    most_inside = std::max(most_inside, ++inside);
    changed.notify_all();
    // Each call waits until two have run at once: with one worker they never do.
    changed.wait_for(lock, kPatience, [&] { return most_inside >= 2; });
    --inside;
    return HandlerResult::ok();
  });
  const CaseId a = host.start("call");
  const CaseId b = host.start("call");
  Runner runner{host.engine, RunnerOptions{.workers = 2, .recheck_interval = 10ms}};
  Running running{runner};
  CHECK(eventually([&] {
    return host.status(a) == CaseStatus::completed && host.status(b) == CaseStatus::completed;
  }));
  CHECK(running.stop().ok());
  std::lock_guard lock{mutex};
  CHECK(most_inside == 2);
}

TEST_CASE("idle workers do not spin while a handler holds the only due job", "[runner]") {
  Host host;
  host.deploy(kService);
  std::chrono::steady_clock::duration held{};
  host.engine.handlers().add("slow", [&](const JobContext&) {
    const auto from = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(300ms);
    held = std::chrono::steady_clock::now() - from;
    return HandlerResult::ok();
  });
  const CaseId id = host.start("call");
  constexpr auto kRecheck = 20ms;
  Runner runner{host.engine, RunnerOptions{.workers = 3, .recheck_interval = kRecheck}};
  Running running{runner};
  CHECK(eventually([&] { return host.status(id) == CaseStatus::completed; }));
  CHECK(running.stop().ok());
  // A pass every recheck_interval at most while the handler ran (each pass looks for a job a
  // few times); a loop that restarted passes at once would make thousands.
  const auto rechecks = static_cast<int>(held / kRecheck);
  CHECK(host.store.job_lookups.load() <= 4 * (rechecks + 5));
}

TEST_CASE("errors go to on_error and the loop tries again", "[runner]") {
  Host host;
  host.deploy(kAtOnce);
  const CaseId id = host.start("at-once");
  host.store.failures = 2;
  std::vector<Error> errors;  // on_error runs on the loop's thread only
  Runner runner{host.engine, RunnerOptions{.retry_delay = 5ms, .on_error = [&](const Error& e) {
                                             errors.push_back(e);
                                           }}};
  Running running{runner};
  CHECK(eventually([&] { return host.status(id) == CaseStatus::completed; }));
  CHECK(running.stop().ok());
  REQUIRE(errors.size() == 2);
  for (const Error& e : errors) {
    CHECK(e.code == ErrorCode::unavailable);
    CHECK(e.message == "database 'test.db' is busy: injected");
  }
}

TEST_CASE("stop() before run() makes run() return at once", "[runner]") {
  Host host;
  Runner runner{host.engine};
  runner.stop();
  runner.wake();
  CHECK(runner.run().ok());
}

TEST_CASE("run() refuses options it cannot honour", "[runner]") {
  Host host;
  const auto refused = [&](RunnerOptions options, const std::string& named) {
    Runner runner{host.engine, std::move(options)};
    const Status s = runner.run();
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::invalid_input);
    CHECK_THAT(s.error().message, Catch::Contains(named));
  };
  refused(RunnerOptions{.workers = 0}, "workers must be at least 1");
  refused(RunnerOptions{.poll_interval = 0ms}, "poll_interval must be positive");
  refused(RunnerOptions{.recheck_interval = -1ms}, "recheck_interval must be positive");
  refused(RunnerOptions{.retry_delay = 0ms}, "retry_delay must be positive");
  refused(RunnerOptions{.stop_signals = {-3}}, "stop_signals: -3 cannot be handled");
  const ArchiveSink sink = [](const ArchivedCase&) { return Status{}; };
  refused(RunnerOptions{.retention = {.sink = sink, .interval = 0ms}},
          "retention.interval must be positive");
  refused(RunnerOptions{.retention = {.sink = sink, .keep_for = -1ms}},
          "retention.keep_for must not be negative");
}

constexpr const char* kQuick = R"yaml(
process: quick
steps:
  - {id: done, type: end}
)yaml";

TEST_CASE("with retention the runner archives ended cases as time passes", "[runner]") {
  Host host;
  host.deploy(kQuick);
  const CaseId first = host.start("quick");
  REQUIRE(host.status(first) == CaseStatus::completed);
  std::mutex mutex;
  std::vector<CaseId> archived;
  std::atomic<std::size_t> runs{0};
  RunnerRetention retention{.sink =
                                [&](const ArchivedCase& c) {
                                  std::lock_guard lock{mutex};
                                  archived.push_back(c.id);
                                  return Status{};
                                },
                            .keep_for = 0ms,
                            .interval = 20ms,
                            .on_archived = [&](const ArchiveOutcome& o) { runs += o.archived; }};
  Runner runner{host.engine, RunnerOptions{.retention = retention}};
  Running running{runner};
  // The first run comes at once, the next ones every interval.
  REQUIRE(eventually([&] { return runs.load() == 1; }));
  CHECK(host.engine.get_case(first).error().code == ErrorCode::not_found);
  const CaseId second = host.start("quick");
  REQUIRE(eventually([&] { return runs.load() == 2; }));
  CHECK(running.stop().ok());
  std::lock_guard lock{mutex};
  CHECK(archived == std::vector<CaseId>{first, second});
}

TEST_CASE("a retention run's error goes to on_error and the loop goes on", "[runner]") {
  Host host;
  host.deploy(kQuick);
  const CaseId id = host.start("quick");
  std::atomic<int> errors{0};
  std::atomic<bool> fail{true};
  Runner runner{host.engine,
                RunnerOptions{.on_error = [&](const Error&) { ++errors; },
                              .retention = {.sink = [&](const ArchivedCase&) -> Status {
                                              if (fail) return unavailable("disk full");
                                              return {};
                                            },
                                            .keep_for = 0ms,
                                            .interval = 20ms}}};
  Running running{runner};
  REQUIRE(eventually([&] { return errors.load() >= 1; }));
  CHECK(host.engine.get_case(id).ok());  // not exported: kept
  fail = false;
  CHECK(eventually([&] { return !host.engine.get_case(id).ok(); }));
  CHECK(running.stop().ok());
}

bool handled(int number) {
  struct sigaction current {};
  sigaction(number, nullptr, &current);
  return current.sa_handler != SIG_DFL;
}

TEST_CASE("a stop signal stops the loop and gets its default action back", "[runner]") {
  Host host;
  REQUIRE_FALSE(handled(SIGUSR2));
  std::atomic<bool> started{false};
  Runner runner{host.engine,
                RunnerOptions{.stop_signals = {SIGUSR2}, .on_started = [&] { started = true; }}};
  Running running{runner};
  // Only once the loop handles it may the signal be sent: its default action ends the process.
  // on_started promises that moment.
  REQUIRE(eventually([&] { return started.load(); }));
  REQUIRE(handled(SIGUSR2));
  REQUIRE(std::raise(SIGUSR2) == 0);
  CHECK(eventually([&] { return running.returned(); }));  // without stop()
  CHECK(running.stop().ok());
  CHECK_FALSE(handled(SIGUSR2));
}

}  // namespace
}  // namespace crmflow::test
