// crmflow-bench: runs the workloads of issue 9 on each store and prints, per workload and store,
// cases/s, step transitions/s, the p50/p99 latency of one API call and the peak RSS, as a table or
// (--json) as one JSON object per line. docs/performance.md explains every figure and gives a run.
//
//   crmflow-bench [--workload NAME]... [--store memory|sqlite|sqlite-full]... [--cases N]
//                 [--json] [--smoke]
//
// A plain harness: each workload is a loop of public Engine calls, timed with steady_clock around
// every call. Nothing here reaches into the library's internals.
#include <SQLiteCpp/Database.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "crmflow/calendar.hpp"
#include "crmflow/channel.hpp"
#include "crmflow/clock.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/memory_store.hpp"
#include "crmflow/process.hpp"
#include "crmflow/runner.hpp"
#include "crmflow/sqlite_store.hpp"

#ifndef CRMFLOW_BENCH_EXAMPLES_DIR
#define CRMFLOW_BENCH_EXAMPLES_DIR "examples"
#endif

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A failed call in a workload is a bug in the benchmark or the library: say which and stop.
[[noreturn]] void die(std::string_view what, const crmflow::Error& error) {
  std::cerr << "crmflow-bench: " << what << ": " << error.message << '\n';
  std::exit(2);
}
[[noreturn]] void die(std::string_view what) {
  std::cerr << "crmflow-bench: " << what << '\n';
  std::exit(2);
}

template <typename T>
T must(crmflow::Result<T> result, std::string_view what) {
  if (!result) die(what, result.error());
  return std::move(*result);
}
void must(const crmflow::Status& status, std::string_view what) {
  if (!status) die(what, status.error());
}

// Latencies in a log-linear histogram (16 sub-buckets per power of two of nanoseconds), so that a
// million calls cost no memory and no sorting; a percentile is exact to within 1/16 (6%).
class Histogram {
 public:
  void add(std::chrono::nanoseconds d) {
    const std::uint64_t ns = static_cast<std::uint64_t>(std::max<std::int64_t>(d.count(), 1));
    const int top = 63 - __builtin_clzll(ns);
    std::size_t index = 0;
    if (top < kSubBits) {
      index = ns;
    } else {
      const std::uint64_t sub = (ns >> (top - kSubBits)) & (kSub - 1);
      index = static_cast<std::size_t>((top - kSubBits + 1) * kSub) + sub;
    }
    ++buckets_[std::min(index, buckets_.size() - 1)];
    ++count_;
  }
  // The upper edge of the bucket holding the q-quantile, in microseconds; 0 with no samples.
  double quantile_us(double q) const {
    if (count_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (seen >= std::max<std::uint64_t>(rank, 1)) return upper_ns(i) / 1000.0;
    }
    return upper_ns(buckets_.size() - 1) / 1000.0;
  }
  std::uint64_t count() const { return count_; }

 private:
  static constexpr int kSubBits = 4;
  static constexpr std::uint64_t kSub = 1u << kSubBits;
  static double upper_ns(std::size_t index) {
    if (index < kSub) return static_cast<double>(index + 1);
    const std::size_t group = index / kSub - 1;  // 0: [16, 32)
    const std::size_t sub = index % kSub;
    const double base = std::ldexp(1.0, static_cast<int>(group) + kSubBits);
    return base + (static_cast<double>(sub) + 1) * base / kSub;
  }
  std::array<std::uint64_t, 64 * kSub> buckets_{};
  std::uint64_t count_ = 0;
};

// Times one API call into the histogram and returns what it returned.
template <typename F>
auto timed(Histogram& h, F&& call) {
  const auto begin = Clock::now();
  auto result = call();
  h.add(Clock::now() - begin);
  return result;
}

// Peak RSS of this process. Before each run the memory the previous run freed is handed back to
// the kernel (malloc_trim) and the kernel's high-water mark is reset to the RSS of now (writing 5
// to /proc/self/clear_refs, Linux >= 4.0), so VmHWM then covers that run and the few MB the
// process holds anyway; where the reset is refused the figure is the process's peak so far
// (getrusage's ru_maxrss), which only grows.
bool reset_peak_rss() {
  malloc_trim(0);
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}
long status_kb(std::string_view field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0 && line.size() > field.size() && line[field.size()] == ':') {
      return std::atol(line.c_str() + field.size() + 1);
    }
  }
  return -1;
}
long peak_rss_kb() {
  const long hwm = status_kb("VmHWM");
  if (hwm >= 0) return hwm;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// ---- stores ----

struct StoreHandle {
  std::unique_ptr<crmflow::Store> store;
  fs::path dir;  // the temporary folder of a SQLite file; empty for the memory store
  fs::path file;
  StoreHandle() = default;
  StoreHandle(const StoreHandle&) = delete;
  StoreHandle& operator=(const StoreHandle&) = delete;
  ~StoreHandle() {
    store.reset();
    if (!dir.empty()) {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  }
  // Bytes the database file takes once its WAL is checkpointed into it (through a second
  // connection, as another process would): the WAL's preallocated pages are not data.
  std::uint64_t disk_bytes() const {
    SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    return ec ? 0 : size;
  }
};

std::unique_ptr<StoreHandle> open_store(const std::string& kind) {
  auto handle = std::make_unique<StoreHandle>();
  if (kind == "memory") {
    handle->store = std::make_unique<crmflow::MemoryStore>();
    return handle;
  }
  std::string pattern = (fs::temp_directory_path() / "crmflow-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) die("cannot create a temporary folder");
  handle->dir = pattern;
  handle->file = handle->dir / "bench.db";
  crmflow::SqliteOptions options;
  options.durability = kind == "sqlite-full" ? crmflow::SqliteOptions::Durability::full
                                             : crmflow::SqliteOptions::Durability::normal;
  handle->store = must(crmflow::SqliteStore::open(handle->file.string(), options), "open SQLite");
  return handle;
}

// ---- what the workloads share ----

struct Config {
  std::uint64_t cases = 0;  // 0: the workload's default
  bool smoke = false;
};

struct Outcome {
  std::uint64_t cases = 0;
  double seconds = 0;
  std::uint64_t transitions = 0;
  Histogram latency;
  // footprint only: bytes per waiting case
  std::optional<double> bytes_per_case;
};

// A recording channel: keeps a count and the last text, as a host's SMS panel stub would.
class RecordingChannel final : public crmflow::Channel {
 public:
  crmflow::DeliveryOutcome deliver(const crmflow::Notification& n) override {
    ++delivered_;
    last_ = n.text;
    return crmflow::DeliveryOutcome::delivered("rec-" + std::to_string(delivered_));
  }
  std::uint64_t delivered() const { return delivered_; }

 private:
  std::uint64_t delivered_ = 0;
  std::string last_;
};

const crmflow::Instant kStart =
    crmflow::Instant{std::chrono::sys_days{std::chrono::year{2026} / 1 / 3}} +
    std::chrono::hours{6};  // a Saturday, 09:30 in Tehran

std::shared_ptr<const crmflow::Process> load(std::string_view yaml, std::string_view name,
                                             const crmflow::LoadOptions& options = {}) {
  auto outcome = crmflow::load_process(yaml, name, options);
  if (!outcome.ok()) {
    for (const auto& d : outcome.diagnostics) std::cerr << d.format() << '\n';
    die("a benchmark process does not load");
  }
  return outcome.process;
}

// Step transitions of a finished run: the average length of the path of a sample of its cases
// (every step a case left), times the cases. Measured after the clock stops.
std::uint64_t count_transitions(crmflow::Engine& engine, const std::vector<crmflow::CaseId>& sample,
                                std::uint64_t cases) {
  if (sample.empty()) return 0;
  std::uint64_t steps = 0;
  for (crmflow::CaseId id : sample) steps += must(engine.get_case(id), "get_case").path.size();
  return steps * cases / sample.size();
}

constexpr std::size_t kSample = 16;

crmflow::TaskId only_task(crmflow::Engine& engine, Histogram& h, crmflow::CaseId id) {
  auto tasks = timed(h, [&] { return engine.tasks({.case_id = id}); });
  if (!tasks || tasks->size() != 1) die("expected one open task");
  return tasks->front().id;
}

// ---- the workloads ----

constexpr std::string_view kEmpty = R"(process: bench-empty
steps:
  - {id: begin, type: start}
  - {id: done, type: end}
)";

constexpr std::string_view kUserTask = R"(process: bench-usertask
steps:
  - id: review
    type: user
    candidates: {users: [bench]}
    form:
      - {name: left, type: boolean, required: true}
  - id: route
    type: exclusive
    next:
      - {to: end-left, when: "left"}
      - {to: end-right, default: true}
  - {id: end-left, type: end}
  - {id: end-right, type: end}
)";

constexpr std::string_view kService3 = R"(process: bench-service3
variables:
  left: {type: boolean, required: true}
steps:
  - {id: one, type: service, handler: noop}
  - {id: two, type: service, handler: noop}
  - {id: three, type: service, handler: noop}
  - id: route
    type: exclusive
    next:
      - {to: end-left, when: "left"}
      - {to: end-right, default: true}
  - {id: end-left, type: end}
  - {id: end-right, type: end}
)";

constexpr std::string_view kParallel = R"(process: bench-parallel
steps:
  - {id: fork, type: parallel, next: [a, b]}
  - {id: a, type: service, handler: noop, next: join}
  - {id: b, type: service, handler: noop, next: join}
  - {id: join, type: parallel, next: done}
  - {id: done, type: end}
)";

constexpr std::string_view kTimer = R"(process: bench-timer
steps:
  - {id: wait, type: wait, timer: PT1H}
  - {id: done, type: end}
)";

// Half the tasks are assigned to one user, half offered to one group.
constexpr std::string_view kWorklist = R"(process: bench-worklist
variables:
  owner: {type: string}
  team: {type: string, required: true}
steps:
  - id: work
    type: user
    assignee: "{{ owner }}"
    candidates: {groups: ["{{ team }}"]}
  - {id: done, type: end}
)";

struct Env {
  crmflow::ManualClock clock{kStart};
  crmflow::MemoryDirectory directory;
};

void basic_engine_setup(crmflow::Engine& engine) {
  engine.handlers().add("noop",
                        [](const crmflow::JobContext&) { return crmflow::HandlerResult::ok(); });
}

Outcome run_empty(crmflow::Store& store, const Config& cfg) {
  Env env;
  crmflow::Engine engine{store, {.clock = &env.clock, .directory = &env.directory}};
  must(engine.deploy(load(kEmpty, "empty.yaml")), "deploy");
  Outcome out;
  out.cases = cfg.cases;
  std::vector<crmflow::CaseId> sample;
  const auto begin = Clock::now();
  for (std::uint64_t i = 0; i < cfg.cases; ++i) {
    auto id = timed(out.latency, [&] { return engine.start("bench-empty"); });
    if (!id) die("start", id.error());
    if (sample.size() < kSample) sample.push_back(*id);
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  out.transitions = count_transitions(engine, sample, out.cases);
  return out;
}

Outcome run_usertask(crmflow::Store& store, const Config& cfg) {
  Env env;
  env.directory.add_user("bench");
  crmflow::Engine engine{store, {.clock = &env.clock, .directory = &env.directory}};
  must(engine.deploy(load(kUserTask, "usertask.yaml")), "deploy");
  Outcome out;
  out.cases = cfg.cases;
  std::vector<crmflow::CaseId> sample;
  const auto begin = Clock::now();
  for (std::uint64_t i = 0; i < cfg.cases; ++i) {
    auto id = timed(out.latency, [&] { return engine.start("bench-usertask"); });
    if (!id) die("start", id.error());
    const crmflow::TaskId task = only_task(engine, out.latency, *id);
    crmflow::CompleteOptions done{.by = "bench", .vars = {{"left", i % 2 == 0}}};
    must(timed(out.latency, [&] { return engine.complete(task, done); }), "complete");
    if (sample.size() < kSample) sample.push_back(*id);
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  out.transitions = count_transitions(engine, sample, out.cases);
  return out;
}

// A case of service steps: start, then run_due fires its jobs one after another.
Outcome run_services(crmflow::Store& store, const Config& cfg, std::string_view yaml,
                     const std::string& process_id, bool with_left) {
  Env env;
  crmflow::Engine engine{store, {.clock = &env.clock, .directory = &env.directory}};
  basic_engine_setup(engine);
  must(engine.deploy(load(yaml, process_id + ".yaml")), "deploy");
  Outcome out;
  out.cases = cfg.cases;
  std::vector<crmflow::CaseId> sample;
  const auto begin = Clock::now();
  for (std::uint64_t i = 0; i < cfg.cases; ++i) {
    crmflow::StartOptions start;
    if (with_left) start.vars = crmflow::Value{{"left", i % 2 == 0}};
    auto id = timed(out.latency, [&] { return engine.start(process_id, start); });
    if (!id) die("start", id.error());
    auto fired = timed(out.latency, [&] { return engine.run_due(env.clock.now()); });
    if (!fired) die("run_due", fired.error());
    if (sample.size() < kSample) sample.push_back(*id);
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  out.transitions = count_transitions(engine, sample, out.cases);
  for (crmflow::CaseId id : sample) {
    if (must(engine.get_case(id), "get_case").status != crmflow::CaseStatus::completed) {
      die("a service case did not complete");
    }
  }
  return out;
}

// The users file of the examples, read into a MemoryDirectory (the same form as `--users`).
void read_users(const std::string& path, crmflow::MemoryDirectory& dir) {
  YAML::Node root = YAML::LoadFile(path);
  YAML::Node users = root["users"] ? root["users"] : root;
  std::vector<std::pair<std::string, std::vector<std::string>>> managers;
  for (const auto& entry : users) {
    const auto name = entry.first.as<std::string>();
    std::vector<std::string> groups;
    std::vector<std::string> manages;
    std::map<std::string, std::string, std::less<>> addresses;
    for (const auto& field : entry.second) {
      const auto key = field.first.as<std::string>();
      if (key == "groups") {
        groups = field.second.as<std::vector<std::string>>();
      } else if (key == "manages") {
        manages = field.second.as<std::vector<std::string>>();
      } else {
        addresses[key] = field.second.as<std::string>();
      }
    }
    dir.add_user(name, groups, addresses);
    if (!manages.empty()) managers.emplace_back(name, manages);
  }
  for (auto& [name, groups] : managers) dir.set_managed_groups(name, groups);
}

// examples/phone-repair.yaml end to end, half the cases with a quote the customer must approve.
Outcome run_phone_repair(crmflow::Store& store, const Config& cfg) {
  const std::string dir = CRMFLOW_BENCH_EXAMPLES_DIR;
  Env env;
  read_users(dir + "/settings/users.yaml", env.directory);
  auto calendars = crmflow::Calendars::load_file(dir + "/settings/calendars.yaml");
  if (!calendars.ok()) die("examples/settings/calendars.yaml does not load");
  auto sms = std::make_shared<RecordingChannel>();
  crmflow::ChannelRegistry channels;
  channels.add("sms", sms);
  channels.add("email", std::make_shared<RecordingChannel>());
  crmflow::Engine engine{store,
                         {.clock = &env.clock,
                          .directory = &env.directory,
                          .channels = &channels,
                          .calendars = &calendars.calendars}};
  auto process = crmflow::load_process_file(dir + "/phone-repair.yaml",
                                            {.calendars = calendars.calendars.names()});
  if (!process.ok()) die("examples/phone-repair.yaml does not load");
  must(engine.deploy(process.process), "deploy");

  Outcome out;
  out.cases = cfg.cases;
  std::vector<crmflow::CaseId> sample;
  auto complete = [&](crmflow::CaseId id, const std::string& by, crmflow::Value vars) {
    const crmflow::TaskId task = only_task(engine, out.latency, id);
    crmflow::CompleteOptions options{.by = by, .vars = std::move(vars)};
    must(timed(out.latency, [&] { return engine.complete(task, options); }), "complete");
  };
  const auto begin = Clock::now();
  for (std::uint64_t i = 0; i < cfg.cases; ++i) {
    const std::string key = "R-" + std::to_string(1000 + i);
    const bool expensive = i % 2 == 1;
    crmflow::StartOptions start{
        .key = key,
        .by = "ali",
        .vars = crmflow::Value{
            {"customer", crmflow::Value{{"name", "رضا"}, {"phone", "09121234567"}}}}};
    auto id = timed(out.latency, [&] { return engine.start("phone-repair", start); });
    if (!id) die("start", id.error());
    complete(*id, "ali", {{"device", "A52"}, {"fault", "صفحه نمایش شکسته"}});
    complete(
        *id, "sara",
        {{"diagnosis", "تعویض صفحه"}, {"cost", std::int64_t{expensive ? 3'500'000 : 1'200'000}}});
    if (expensive) {
      must(timed(out.latency,
                 [&] {
                   return engine.correlate("customer-reply", key, crmflow::Value{{"reply", "بله"}});
                 }),
           "correlate customer-reply");
    }
    complete(*id, "sara", {{"cost", std::int64_t{expensive ? 3'500'000 : 1'200'000}}});
    complete(*id, "ali", {{"paid", true}, {"payment_method", "card"}});
    must(timed(out.latency,
               [&] {
                 return engine.correlate("survey-answer", key, crmflow::Value{{"score", "5"}});
               }),
         "correlate survey-answer");
    // Delivers the case's SMS (the due alarms lie hours ahead and stay scheduled).
    auto delivered = timed(out.latency, [&] { return engine.run_due(env.clock.now()); });
    if (!delivered) die("run_due", delivered.error());
    if (sample.size() < kSample) sample.push_back(*id);
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  out.transitions = count_transitions(engine, sample, out.cases);
  for (crmflow::CaseId id : sample) {
    if (must(engine.get_case(id), "get_case").status != crmflow::CaseStatus::completed) {
      die("a phone-repair case did not complete");
    }
  }
  // received, diagnosed, in_repair, ready and survey; the quote too in every second case.
  if (sms->delivered() != 5 * cfg.cases + cfg.cases / 2) {
    die("phone-repair delivered " + std::to_string(sms->delivered()) + " SMS, not " +
        std::to_string(5 * cfg.cases + cfg.cases / 2));
  }
  return out;
}

// N cases each waiting on a timer; then the clock moves past them all and run_due fires them,
// one job per call (max_items = 1), so each call's latency is one timer's firing. The figures
// are the firing phase's; starting the cases is set-up.
Outcome run_timers(crmflow::Store& store, const Config& cfg) {
  Env env;
  crmflow::Engine engine{store, {.clock = &env.clock, .directory = &env.directory}};
  must(engine.deploy(load(kTimer, "timer.yaml")), "deploy");
  Outcome out;
  out.cases = cfg.cases;
  std::vector<crmflow::CaseId> sample;
  for (std::uint64_t i = 0; i < cfg.cases; ++i) {
    auto id = engine.start("bench-timer");
    if (!id) die("start", id.error());
    if (sample.size() < kSample) sample.push_back(*id);
  }
  env.clock.advance(std::chrono::hours{2});
  std::uint64_t fired = 0;
  const auto begin = Clock::now();
  for (;;) {
    auto n = timed(out.latency, [&] { return engine.run_due(env.clock.now(), {.max_items = 1}); });
    if (!n) die("run_due", n.error());
    if (*n == 0) break;
    fired += *n;
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  if (fired != cfg.cases) die("not every timer fired");
  out.transitions = count_transitions(engine, sample, out.cases);
  return out;
}

// The runner's lateness: N cases wait on timers due at moments spread evenly over a window that
// opens a second after they are all started (so all N are pending when the first comes due); a
// Runner on the wall clock fires them. Each timer leads to a `send` step whose notification
// reaches the engine's Notifier right after the firing call commits: the time from the timer's
// due moment to that call is the delay (p50/p99). seconds: from the first due moment to the
// last firing; cases_per_s: timers fired a second over that span.
constexpr std::string_view kRunnerTimer = R"(process: bench-runner
variables:
  due: {type: datetime, required: true}
steps:
  - {id: wait, type: wait, timer: {date: "= due"}}
  - {id: fired, type: send, notify: [{channel: sms, to: "bench", text: "fired"}]}
  - {id: done, type: end}
)";

class DelayNotifier final : public crmflow::Notifier {
 public:
  void expect(crmflow::CaseId id, crmflow::Instant due) {
    const std::lock_guard lock{mutex_};
    due_[id] = due;
  }
  void queued(const crmflow::Notification& n) override {
    // The wall clock at full resolution (an Instant counts milliseconds).
    const auto now = std::chrono::system_clock::now();
    const std::lock_guard lock{mutex_};
    const auto found = due_.find(n.case_id);
    if (found == due_.end()) return;
    delays_.add(std::chrono::duration_cast<std::chrono::nanoseconds>(now - found->second));
    last_ = std::max(last_, std::chrono::time_point_cast<crmflow::Instant::duration>(now));
    ++fired_;
  }
  std::uint64_t fired() const {
    const std::lock_guard lock{mutex_};
    return fired_;
  }
  Histogram delays() const {
    const std::lock_guard lock{mutex_};
    return delays_;
  }
  crmflow::Instant last() const {
    const std::lock_guard lock{mutex_};
    return last_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<crmflow::CaseId, crmflow::Instant> due_;
  Histogram delays_;
  crmflow::Instant last_{};
  std::uint64_t fired_ = 0;
};

Outcome run_runner_delay(crmflow::Store& store, const Config& cfg) {
  const auto window = cfg.smoke ? std::chrono::milliseconds{300} : std::chrono::milliseconds{10'000};
  crmflow::MemoryDirectory directory;
  DelayNotifier notifier;
  crmflow::Engine engine{store, {.directory = &directory, .notifier = &notifier}};
  must(engine.deploy(load(kRunnerTimer, "runner.yaml")), "deploy");
  // The window opens once every case is started (about 0.5 ms a start on SQLite with
  // synchronous=NORMAL, much less in memory); if starting takes longer, the first delays
  // include the overrun, and a line on stderr says so.
  const crmflow::Instant open = crmflow::SystemClock::instance().now() +
                                std::chrono::milliseconds{1'000} +
                                std::chrono::milliseconds{cfg.cases / 2};
  for (std::uint64_t i = 0; i < cfg.cases; ++i) {
    const crmflow::Instant due =
        open + std::chrono::duration_cast<crmflow::Instant::duration>(
                   window * static_cast<double>(i) / static_cast<double>(cfg.cases));
    auto id = engine.start("bench-runner",
                           {.vars = crmflow::Value{{"due", crmflow::DateTime{due, 0}}}});
    if (!id) die("start", id.error());
    notifier.expect(*id, due);
  }
  if (crmflow::SystemClock::instance().now() >= open) {
    std::cerr << "crmflow-bench: runner-delay: starting the cases took past the window's opening; "
                 "the first delays include it\n";
  }
  crmflow::Runner runner{engine, {.workers = 1}};
  crmflow::Status ran;
  std::thread loop{[&] { ran = runner.run(); }};
  const auto give_up = std::chrono::steady_clock::now() + window + std::chrono::seconds{60};
  while (notifier.fired() < cfg.cases && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  runner.stop();
  loop.join();
  if (!ran) die("runner", ran.error());
  if (notifier.fired() != cfg.cases) die("not every timer fired under the runner");
  Outcome out;
  out.cases = cfg.cases;
  out.seconds = std::chrono::duration<double>(notifier.last() - open).count();
  out.transitions = cfg.cases * 3;
  out.latency = notifier.delays();
  return out;
}

// N open tasks over 10,000 users and 100 groups (user u is in group u % 100); half the tasks are
// assigned to a user, half offered to a group. Then 1,000 worklist pages (50 tasks) of users
// drawn at random. seconds/cases_per_s: starting the N cases; p50/p99: one worklist page.
Outcome run_worklist(crmflow::Store& store, const Config& cfg) {
  constexpr int kUsers = 10'000;
  constexpr int kGroups = 100;
  Env env;
  for (int u = 0; u < kUsers; ++u) {
    env.directory.add_user("u" + std::to_string(u), {"g" + std::to_string(u % kGroups)});
  }
  crmflow::Engine engine{store, {.clock = &env.clock, .directory = &env.directory}};
  must(engine.deploy(load(kWorklist, "worklist.yaml")), "deploy");
  Outcome out;
  out.cases = cfg.cases;
  std::mt19937_64 random{42};
  const auto begin = Clock::now();
  for (std::uint64_t i = 0; i < cfg.cases; ++i) {
    crmflow::Value vars{{"team", "g" + std::to_string(i % kGroups)}};
    if (i % 2 == 0)
      vars = crmflow::Value{{"team", "g" + std::to_string(i % kGroups)},
                            {"owner", "u" + std::to_string(random() % kUsers)}};
    auto id = engine.start("bench-worklist", {.vars = vars});
    if (!id) die("start", id.error());
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  out.transitions = 0;  // the cases wait at their first step
  const int pages = cfg.smoke ? 20 : 1000;
  for (int p = 0; p < pages; ++p) {
    const std::string user = "u" + std::to_string(random() % kUsers);
    auto page = timed(out.latency, [&] { return engine.tasks({.user = user, .limit = 50}); });
    if (!page) die("tasks", page.error());
  }
  return out;
}

// Heap bytes in use (malloc's own count: what a case costs, unlike RSS, which reused free memory
// of earlier runs hides).
std::uint64_t heap_in_use() { return mallinfo2().uordblks; }

// Memory (heap growth) or file bytes per case waiting at a user task.
Outcome run_footprint(crmflow::Store& store, const Config& cfg, const StoreHandle& handle) {
  Env env;
  env.directory.add_user("bench");
  crmflow::Engine engine{store, {.clock = &env.clock, .directory = &env.directory}};
  must(engine.deploy(load(kUserTask, "usertask.yaml")), "deploy");
  Outcome out;
  out.cases = cfg.cases;
  const std::uint64_t heap_before = heap_in_use();
  const std::uint64_t disk_before = handle.disk_bytes();
  const auto begin = Clock::now();
  for (std::uint64_t i = 0; i < cfg.cases; ++i) {
    auto id = timed(out.latency, [&] { return engine.start("bench-usertask"); });
    if (!id) die("start", id.error());
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  if (handle.dir.empty()) {
    out.bytes_per_case = (static_cast<double>(heap_in_use()) - static_cast<double>(heap_before)) /
                         static_cast<double>(cfg.cases);
  } else {
    out.bytes_per_case =
        static_cast<double>(handle.disk_bytes() - disk_before) / static_cast<double>(cfg.cases);
  }
  return out;
}

// ---- the command line ----

const std::vector<std::string> kWorkloads = {"empty",        "usertask", "service3", "parallel",
                                             "phone-repair", "timers",   "worklist", "footprint",
                                             "runner-delay"};
const std::vector<std::string> kStores = {"memory", "sqlite", "sqlite-full"};

// Cases per workload and store by default: a full run takes a few minutes on two cores.
std::uint64_t default_cases(const std::string& workload, const std::string& store, bool smoke) {
  if (smoke) return workload == "worklist" || workload == "footprint" ? 200 : 20;
  const bool memory = store == "memory";
  const bool full = store == "sqlite-full";
  if (workload == "empty") return memory ? 200'000 : full ? 2'000 : 20'000;
  if (workload == "usertask") return memory ? 100'000 : full ? 1'000 : 10'000;
  if (workload == "service3" || workload == "parallel") return memory ? 50'000 : full ? 500 : 5'000;
  if (workload == "phone-repair") return memory ? 5'000 : full ? 100 : 1'000;
  if (workload == "timers") return memory ? 100'000 : full ? 2'000 : 20'000;
  if (workload == "worklist") return memory ? 100'000 : full ? 5'000 : 20'000;
  if (workload == "footprint") return memory ? 100'000 : full ? 2'000 : 20'000;
  if (workload == "runner-delay") return 10'000;
  return 1'000;
}

void usage(std::ostream& out) {
  out << "usage: crmflow-bench [--workload NAME]... [--store memory|sqlite|sqlite-full]...\n"
         "                     [--cases N] [--json] [--smoke]\n"
         "workloads: empty usertask service3 parallel phone-repair timers worklist footprint\n"
         "           runner-delay\n"
         "Without --workload every workload runs; without --store every store.\n"
         "--cases N: cases per run (default: per workload and store, see docs/performance.md)\n"
         "--smoke: a handful of cases per run (CI's bench.smoke)\n"
         "--json: one JSON object per line instead of the table\n";
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "0";
  std::ostringstream s;
  s.precision(6);
  s << std::fixed << v;
  std::string text = s.str();
  while (text.size() > 1 && text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> workloads;
  std::vector<std::string> stores;
  Config cfg;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "crmflow-bench: " << arg << " needs a value\n";
        std::exit(64);
      }
      return argv[++i];
    };
    if (arg == "--workload") {
      auto w = value();
      if (std::find(kWorkloads.begin(), kWorkloads.end(), w) == kWorkloads.end()) {
        std::cerr << "crmflow-bench: unknown workload '" << w << "'\n";
        usage(std::cerr);
        return 64;
      }
      workloads.push_back(w);
    } else if (arg == "--store") {
      auto s = value();
      if (std::find(kStores.begin(), kStores.end(), s) == kStores.end()) {
        std::cerr << "crmflow-bench: unknown store '" << s << "'\n";
        usage(std::cerr);
        return 64;
      }
      stores.push_back(s);
    } else if (arg == "--cases") {
      auto v = value();
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != '\0' || n == 0) {
        std::cerr << "crmflow-bench: --cases needs a positive integer\n";
        return 64;
      }
      cfg.cases = n;
    } else if (arg == "--json") {
      json = true;
    } else if (arg == "--smoke") {
      cfg.smoke = true;
    } else if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    } else {
      std::cerr << "crmflow-bench: unknown argument '" << arg << "'\n";
      usage(std::cerr);
      return 64;
    }
  }
  if (workloads.empty()) workloads = kWorkloads;
  if (stores.empty()) stores = kStores;

  const bool resettable = reset_peak_rss();
  if (!resettable) {
    std::cerr << "crmflow-bench: note: peak RSS cannot be reset here; each figure is the peak of "
                 "the process so far\n";
  }
  if (!json) {
    std::printf("%-13s %-12s %9s %9s %12s %14s %10s %10s %12s %11s\n", "workload", "store", "cases",
                "seconds", "cases/s", "transitions/s", "p50_us", "p99_us", "peak_rss_kb",
                "bytes/case");
  }
  for (const auto& workload : workloads) {
    for (const auto& store_kind : stores) {
      Config run = cfg;
      if (run.cases == 0) run.cases = default_cases(workload, store_kind, cfg.smoke);
      reset_peak_rss();
      Outcome out;
      {
        auto handle = open_store(store_kind);
        crmflow::Store& store = *handle->store;
        if (workload == "empty") {
          out = run_empty(store, run);
        } else if (workload == "usertask") {
          out = run_usertask(store, run);
        } else if (workload == "service3") {
          out = run_services(store, run, kService3, "bench-service3", true);
        } else if (workload == "parallel") {
          out = run_services(store, run, kParallel, "bench-parallel", false);
        } else if (workload == "phone-repair") {
          out = run_phone_repair(store, run);
        } else if (workload == "timers") {
          out = run_timers(store, run);
        } else if (workload == "worklist") {
          out = run_worklist(store, run);
        } else if (workload == "runner-delay") {
          out = run_runner_delay(store, run);
        } else {
          out = run_footprint(store, run, *handle);
        }
      }
      const long peak = peak_rss_kb();
      const double seconds = std::max(out.seconds, 1e-9);
      const double cases_per_s = static_cast<double>(out.cases) / seconds;
      const double transitions_per_s = static_cast<double>(out.transitions) / seconds;
      const double p50 = out.latency.quantile_us(0.50);
      const double p99 = out.latency.quantile_us(0.99);
      if (json) {
        std::printf(
            "{\"workload\":\"%s\",\"store\":\"%s\",\"cases\":%llu,\"seconds\":%s,"
            "\"cases_per_s\":%s,\"transitions_per_s\":%s,\"p50_us\":%s,\"p99_us\":%s,"
            "\"peak_rss_kb\":%ld}\n",
            workload.c_str(), store_kind.c_str(), static_cast<unsigned long long>(out.cases),
            json_number(out.seconds).c_str(), json_number(cases_per_s).c_str(),
            json_number(transitions_per_s).c_str(), json_number(p50).c_str(),
            json_number(p99).c_str(), peak);
        if (out.bytes_per_case) {
          std::fprintf(stderr, "# footprint %s: %.0f bytes per waiting case\n", store_kind.c_str(),
                       *out.bytes_per_case);
        }
      } else {
        std::string bytes = out.bytes_per_case ? json_number(std::round(*out.bytes_per_case)) : "";
        std::printf("%-13s %-12s %9llu %9.3f %12.0f %14.0f %10.1f %10.1f %12ld %11s\n",
                    workload.c_str(), store_kind.c_str(),
                    static_cast<unsigned long long>(out.cases), out.seconds, cases_per_s,
                    transitions_per_s, p50, p99, peak, bytes.c_str());
      }
      std::fflush(stdout);
    }
  }
  return 0;
}
