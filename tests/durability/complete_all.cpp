// The `complete-all` mode: one of two processes racing to complete the same open tasks.
//
// What a host does: complete; on `conflict` (another process changed the case between our read
// and our commit) try again; on `invalid_state` the task was completed by someone else, which the
// mode confirms by reading it. Nothing else is acceptable: in particular a busy database must be
// waited for inside the store, never surface as `unavailable` or as SQLite's "database is locked".
#include <algorithm>
#include <iostream>
#include <string>

#include "driver.hpp"

namespace crmflow::durability {
namespace {

// Conflicts come from the other process committing in between; each retry re-reads the case, so
// a few suffice. The bound only turns a livelock into a failure instead of a hang.
constexpr int kMaxAttempts = 1000;

bool mentions_lock(const Error& error) {
  return error.message.find("locked") != std::string::npos ||
         error.message.find("SQLITE_BUSY") != std::string::npos;
}

struct Tally {
  int won = 0;
  int lost = 0;
  int conflicts = 0;
  int errors = 0;
};

void fail(Tally& tally, const std::string& what) {
  ++tally.errors;
  emit("error " + what);
}

void complete_one(Engine& engine, const Task& task, const std::string& worker, Tally& tally) {
  const std::string ids = std::to_string(task.id) + " " + std::to_string(task.case_id);
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    Status done = engine.complete(task.id, {.by = worker});
    if (done) {
      ++tally.won;
      emit("won " + ids + " " + worker);
      return;
    }
    const Error& error = done.error();
    if (mentions_lock(error)) {
      return fail(tally, "task " + ids + ": a lock error reached the caller: " + to_string(error));
    }
    if (error.code == ErrorCode::conflict) {
      ++tally.conflicts;
      continue;
    }
    if (error.code != ErrorCode::invalid_state) {
      return fail(tally, "task " + ids + ": " + to_string(error));
    }
    auto now = engine.task(task.id);
    if (!now) return fail(tally, "task " + ids + ": reading it back: " + to_string(now.error()));
    if (now->status != TaskStatus::completed || now->completed_by == worker) {
      return fail(tally, "task " + ids + " refused as " + to_string(error) + " but it is " +
                             std::string{to_string(now->status)} + " (completed by '" +
                             now->completed_by + "')");
    }
    ++tally.lost;
    emit("lost " + ids);
    return;
  }
  fail(tally,
       "task " + ids + ": still conflicting after " + std::to_string(kMaxAttempts) + " attempts");
}

}  // namespace

int run_complete_all(const CompleteAllOptions& options) {
  auto harness = Harness::open(options.path, {options.worker});
  if (!harness) {
    emit("error open '" + options.path + "': " + to_string(harness.error()));
    return 1;
  }
  Engine& engine = (*harness)->engine();
  auto tasks = engine.tasks({.user = options.worker});
  if (!tasks) {
    emit("error listing tasks: " + to_string(tasks.error()));
    return 1;
  }
  std::vector<Task> order = std::move(*tasks);
  // The worklist order is priority, due, id; sorting by id makes the orders exact.
  std::ranges::sort(order, {}, &Task::id);
  if (options.order == TaskOrder::reverse) std::ranges::reverse(order);
  if (options.order == TaskOrder::crossed) {
    std::ranges::stable_sort(order, [](const Task& a, const Task& b) {
      return a.case_id != b.case_id ? a.case_id < b.case_id : a.id > b.id;
    });
  }
  emit("ready " + std::to_string(order.size()));
  if (options.wait_go) {
    std::string go;
    if (!std::getline(std::cin, go) || go != "go") {
      emit("error expected 'go' on standard input");
      return 1;
    }
  }

  Tally tally;
  for (const Task& task : order) complete_one(engine, task, options.worker, tally);
  emit("summary won " + std::to_string(tally.won) + " lost " + std::to_string(tally.lost) +
       " conflicts " + std::to_string(tally.conflicts) + " errors " + std::to_string(tally.errors));
  return tally.errors == 0 ? 0 : 1;
}

}  // namespace crmflow::durability
