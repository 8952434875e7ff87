// crmflow durability driver: the pieces shared by its modes (writer, verify, complete-all).
//
// The driver runs the Engine over a SqliteStore in its own process so that the pytest files
// beside it can kill it at any moment (test_crash.py) or run two of it at once
// (test_concurrency.py). Everything a mode reports goes through emit(): one whole line per
// acknowledged call, written before the next call starts, so that what the test reads is exactly
// what the store had promised when the process died.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/sqlite_store.hpp"

namespace crmflow::durability {

// The process every mode runs: a parallel split into two user tasks offered to kGroup, a join, a
// `set` step and an end. A completion therefore writes the case row, a task row and several
// history rows in one commit, and the second completion of a case also ends it.
inline constexpr std::string_view kProcessId = "durability";
inline constexpr std::string_view kGroup = "crew";
inline constexpr std::string_view kFirstStep = "work-a";
inline constexpr std::string_view kSecondStep = "work-b";
inline constexpr std::string_view kJoinStep = "join";
// The variable the `set` step writes once both tasks are completed.
inline constexpr std::string_view kDoneVariable = "done";

// The YAML text of the process.
std::string_view process_text();

// Writes `line` and a newline to standard output with write(2), retrying short writes. When it
// returns the line is in the pipe or file, whatever happens to this process next. Never mixes
// with <iostream> buffering: modes that acknowledge calls print only through emit().
void emit(std::string_view line);

// An engine over a SqliteStore, with a directory in which `users` are members of kGroup.
// Not movable: the engine points at the store and the directory.
class Harness {
 public:
  // Opens the database at `path`. Errors: those of SqliteStore::open.
  static Result<std::unique_ptr<Harness>> open(const std::string& path,
                                               const std::vector<std::string>& users,
                                               const SqliteOptions& options = {});

  Engine& engine() { return *engine_; }
  SqliteStore& store() { return *store_; }

 private:
  Harness(std::unique_ptr<SqliteStore> store, const std::vector<std::string>& users);

  std::unique_ptr<SqliteStore> store_;
  MemoryDirectory directory_;
  std::unique_ptr<Engine> engine_;
};

// `writer DB N PREFIX [--open]`: deploys the process, then starts N cases with keys PREFIX-0 ..
// PREFIX-(N-1) and (unless `open`) completes both tasks of each before starting the next.
// Prints `deployed VERSION`, `started KEY CASE` and `completed TASK CASE writer` after each
// acknowledged call, and `done` at the end. Returns the exit code (non-zero on any refused call).
struct WriterOptions {
  std::string path{};
  long cases = 0;
  std::string prefix{};
  bool leave_open = false;
};
int run_writer(const WriterOptions& options);

// `verify DB ACKLOG [--all-acknowledged] [--all-completed]`: checks the database against the
// acknowledged lines of every run that wrote to it (see verify.cpp for the exact rules). Prints a
// summary, or every violation; returns 0 when there is none.
struct VerifyOptions {
  std::string path{};
  std::string ack_log{};
  // No process was killed: every change in the database must have been acknowledged.
  bool all_acknowledged = false;
  // Every case must have completed (both tasks done).
  bool all_completed = false;
};
int run_verify(const VerifyOptions& options);

// `complete-all DB WORKER [--order forward|reverse|crossed] [--wait-go]`: completes every open
// task it finds, as WORKER, in task id order (forward), its reverse, or case by case with each
// case's tasks in reverse (crossed: against a forward worker, the two complete different tasks of
// the same case at the same moment, so their commits conflict on the case row). Prints `ready
// COUNT` once it has listed the tasks (and, with --wait-go, waits for a line on standard input
// before it starts), then `won TASK CASE WORKER` per completion it made and `lost TASK CASE` per
// task another process completed first, and a closing `summary`. A `conflict` is retried;
// `unavailable`, any other refusal, or a message that mentions a locked database is a failure
// (reported as `error ...`, exit code 1).
enum class TaskOrder { forward, reverse, crossed };
struct CompleteAllOptions {
  std::string path{};
  std::string worker{};
  TaskOrder order = TaskOrder::forward;
  bool wait_go = false;
};
int run_complete_all(const CompleteAllOptions& options);

}  // namespace crmflow::durability
