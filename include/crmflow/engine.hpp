// crmflow: the Engine, which deploys process definitions and runs their cases.
//
//   crmflow::MemoryStore store;
//   crmflow::ManualClock clock{start};
//   crmflow::MemoryDirectory dir;
//   dir.add_user("ali", {"reception"});
//   crmflow::Engine engine{store, {.clock = &clock, .directory = &dir}};
//   engine.deploy(crmflow::load_process_file("phone-repair.yaml").process);
//   crmflow::Result<crmflow::CaseId> id = engine.start("phone-repair", {.key = "R-1001"});
//   for (const crmflow::Task& t : *engine.tasks({.user = "ali"}))
//     engine.complete(t.id, {.by = "ali", .vars = {{"device", "A52"}}});
//   engine.run_due(clock.now());
//
// Every call that changes a case loads it, applies the call, moves its tokens until each waits,
// joins or ends, and writes everything in one Store::commit. A refused call (any error) changes
// nothing. The engine keeps no case state between calls, so several Engine objects may share one
// store; a concurrent change of one case makes the slower call fail with `conflict`.
//
// Thread safety: one Engine may be used from several threads only if its Store, Directory and
// Notifier allow it; handlers() must be filled before that.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/calendar.hpp"
#include "crmflow/case.hpp"
#include "crmflow/channel.hpp"
#include "crmflow/clock.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/error.hpp"
#include "crmflow/handler.hpp"
#include "crmflow/history.hpp"
#include "crmflow/ids.hpp"
#include "crmflow/log.hpp"
#include "crmflow/notification.hpp"
#include "crmflow/process.hpp"
#include "crmflow/store.hpp"
#include "crmflow/task.hpp"
#include "crmflow/value.hpp"
#include "crmflow/waiting.hpp"

namespace crmflow {

namespace runtime {
class EngineCore;
}  // namespace runtime

// The engine's bounds (docs/api.md, "Bounds"). Each is checked where data comes in or work piles
// up, and each refusal names the limit, the size and the place:
// - a call that brings data (start, complete, correlate, signal, retry) is refused with
//   invalid_input and changes nothing;
// - data a run produces on its own (a handler's result, an output mapping, a `set` step, an
//   expression, a template) raises an incident at its step, as a failing expression does; what
//   the step would have written is not written, and retry runs it again;
// - a call that moves too far (steps, notifications) raises a runaway-loop incident.
struct EngineLimits {
  // Steps one call may move a case through before it becomes a runaway-loop incident.
  std::uint32_t max_steps_per_call = 10'000;
  // Notifications one call may queue for one case: once this many are queued, the next step the
  // case enters raises a runaway incident there (so a loop that notifies on each pass cannot
  // flood the outbox). Those queued before it stay queued.
  std::size_t max_notifications_per_call = 1'000;
  // How long a service job stays leased while its handler runs, and how long a job that cannot
  // be fired is set aside; after that it is due again.
  std::chrono::milliseconds job_lease{std::chrono::minutes{5}};

  // Evaluation of one expression (conditions, `set`, input and output mappings, due moments):
  // operations (plus one per 64 bytes or elements a function walks), bytes of any string it
  // builds, elements of any list or object it builds.
  std::uint64_t max_expression_steps = 100'000;
  std::size_t max_string_bytes = 1024 * 1024;
  std::size_t max_list_size = 100'000;
  // Bytes of the text one template renders (task names, assignees, candidates, message keys,
  // notification subjects and texts); refused as the text grows, before it is built.
  std::size_t max_output_bytes = 64 * 1024;

  // A case's variables as compact JSON, after any change (a call's variables merged, a handler's
  // result mapped, a `set` step).
  std::size_t max_variables_bytes = 1024 * 1024;
  // How deep any value brought into a case may nest (1: a list or object of scalars).
  std::size_t max_value_depth = 32;
};

// How notifications are delivered when EngineOptions::channels is given.
struct DeliveryPolicy {
  // Attempts in all, the first included, before a notification that keeps failing is given up
  // (status failed, history notification_failed, shown by reports). REQUIRES: >= 1.
  std::uint32_t max_attempts = 8;
  // The wait before the second attempt; it doubles with each further one, up to max_backoff.
  // Each wait is drawn at random between half and all of that (jitter), and is never shorter
  // than a receiver's Retry-After.
  std::chrono::milliseconds first_backoff{std::chrono::seconds{10}};
  std::chrono::milliseconds max_backoff{std::chrono::hours{1}};
  // How long a worker holds a notification while its channel works on it; after that another
  // worker may try it again (with the same idempotency key).
  std::chrono::milliseconds lease{std::chrono::minutes{5}};
};

struct EngineOptions {
  // Where "now" comes from; nullptr: SystemClock. Must outlive the engine.
  const Clock* clock = nullptr;
  // Users and groups; nullptr: an empty directory (every user is unknown). Must outlive the engine.
  const Directory* directory = nullptr;
  // Receives notifications after their commit; nullptr: they are only stored.
  Notifier* notifier = nullptr;
  // Deliver the outbox through these channels (run_due does, after the jobs); nullptr: the
  // notifications stay pending in the store. Must outlive the engine.
  const ChannelRegistry* channels = nullptr;
  DeliveryPolicy delivery{};
  // What the engine did on its own that an operator should know (a parked job, a notification
  // given up). Empty: nothing is reported beyond the case's history.
  LogHook log{};
  // The business calendars processes name (`calendar:`); nullptr: none. Must outlive the engine.
  const Calendars* calendars = nullptr;
  EngineLimits limits{};
  // The bounds a definition read back from the store is loaded again with (a SQLite store keeps
  // a definition's canonical text, not its compiled form). Give the same limits the host loads
  // new definitions with (LoadOptions::limits), or a definition deployed under raised limits
  // would not load again after a restart.
  DefinitionLimits definition_limits{};
};

// What one run_due call did, for hosts that report the two apart.
struct RunDueCounts {
  std::size_t jobs = 0;        // jobs fired or set aside
  std::size_t deliveries = 0;  // delivery attempts
};

struct RunDueOptions {
  // Stop after this many jobs and deliveries; 0: no limit.
  std::size_t max_items = 0;
  // Checked between two items: once stop is requested, run_due returns what it did so far
  // (nothing is half-done: each item is committed on its own).
  std::stop_token stop{};
  // When given, filled with the jobs and the deliveries of this call.
  RunDueCounts* counts = nullptr;
};

// What deploy() did.
struct Deployment {
  std::string process_id{};
  std::int64_t version = 0;  // the version now deployed for this content
  bool changed = false;      // false: the latest version already had this content
};

struct StartOptions {
  std::string key{};  // the business key (message keys often use it); may be empty
  std::string by{};   // the initiator (`case.initiator`); may be empty
  Value vars{};       // an object, or null for none
  std::optional<std::int64_t> version{};  // nullopt: the latest deployed
};

struct CompleteOptions {
  std::string by{};
  Value vars{};  // an object, or null: checked against the step's form
  // Skips the assignee/candidate check (administrators). `by` is still required (not_authorized
  // when empty) and recorded: task_completed carries {"admin_override": true}.
  bool admin_override = false;
};

struct ReassignOptions {
  std::string by{};  // who reassigns: a manager of one of the task's candidate groups
  std::string to{};  // the new assignee; empty: back to its candidates, unassigned
  // Skips the manager check (administrators). `by` is still recorded.
  bool admin_override = false;
};

// One ended case as Engine::archive exports it: everything the store held about it, as one JSON
// object (docs/retention.md gives the form):
//   {"format": "crmflow.archive/1", "archived_at", "case": case_detail_to_json,
//    "tasks": [task_record_to_json...], "history": [event_to_json...],
//    "notifications": [notification_to_json...]}
struct ArchivedCase {
  CaseId id = kNoId;
  Value record{};
};

// Receives each archived case before it is removed. It returns ok only once the record is
// durable where it keeps it (a file written and flushed to disk, a row committed elsewhere); any
// error keeps the case in the store.
using ArchiveSink = std::function<Status(const ArchivedCase&)>;

// A sink that appends each record as one line of compact JSON (JsonStyle::typed, so dates among
// the variables read back as dates) to the file at `path` (created when missing, never
// truncated) and flushes it to disk (fsync) before it returns. The sink
// owns the open file; copies share it. Errors: unavailable naming the path (cannot open or
// create it); the sink's own: unavailable naming the path and the case (a write or an fsync
// failed: the case stays in the store).
[[nodiscard]] Result<ArchiveSink> jsonl_archive_sink(const std::string& path);

// The retention policy of one Engine::archive call (docs/retention.md).
struct ArchiveOptions {
  // Cases that ended (completed, cancelled or terminated) before this moment are archived.
  Instant ended_before{};
  // At most this many cases in this call; 0: all there are.
  std::size_t max_cases = 0;
  // Where each case's record goes before the case is removed. REQUIRES: not empty.
  ArchiveSink sink{};
  // Checked between two cases: once stop is requested, archive returns what it did so far.
  std::stop_token stop{};
};

// What one Engine::archive call did.
struct ArchiveOutcome {
  std::size_t archived = 0;  // handed to the sink and removed from the store
  // Ended before the cutoff but kept for now: a called case whose caller still runs (it is
  // archived once its caller has ended), a case with notifications still to deliver, a case
  // whose definition no longer loads (see Engine::archive).
  std::size_t kept = 0;
};

class Engine {
 public:
  // REQUIRES: store (and every pointer in options) outlives the engine.
  Engine(Store& store, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The service handlers, by name.
  HandlerRegistry& handlers() { return handlers_; }

  // Deploys a definition. A new version is created only when its content hash differs from the
  // latest deployed version's. A declared `version` that is deployed with other content is
  // refused (conflict); one that is deployed with this content returns that version unchanged.
  // Errors: invalid_input for a null process; the store's errors.
  [[nodiscard]] Result<Deployment> deploy(std::shared_ptr<const Process> process);

  // Starts a case of the latest (or the given) version and runs it until it waits. Variables are
  // checked against the definition's `variables:` (required, types; defaults filled in).
  // Errors: not_found (no such process or version), invalid_input (a variable check, naming the
  // variable; vars not an object).
  [[nodiscard]] Result<CaseId> start(std::string_view process_id, const StartOptions& options = {});

  // Queries. not_found for an unknown id.
  [[nodiscard]] Result<Case> get_case(CaseId id);
  [[nodiscard]] Result<std::vector<Case>> cases(const CaseQuery& query = {});
  [[nodiscard]] Result<Task> task(TaskId id);
  // Open tasks matching the query (see TaskQuery for the worklist rule and the order).
  [[nodiscard]] Result<std::vector<Task>> tasks(const TaskQuery& query = {});
  [[nodiscard]] Result<std::vector<HistoryEvent>> history(CaseId id);
  // What the case waits for, one entry per wait (open tasks, timers, messages, signals, service
  // jobs, called cases, multi-instance steps, partial joins, incidents, armed boundary events),
  // in the order its tokens began waiting (each activity followed by its armed boundary events),
  // then partial joins. Empty for an ended case. Errors: not_found.
  [[nodiscard]] Result<std::vector<Waiting>> waiting(CaseId id);

  // Completes a task with the submitted variables and moves the case on.
  // Errors: not_found (no such task); invalid_state (task not open, or its case has ended);
  // not_authorized (`by` unknown to the directory, or not the assignee, or not a candidate of an
  // unassigned task); invalid_input (form check, naming the field).
  [[nodiscard]] Status complete(TaskId id, const CompleteOptions& options);
  // Whether `by` may complete the task now: the checks of complete() except the form (ok, or the
  // error complete() would return). Changes nothing. For hosts that show only actionable tasks,
  // and for the scenario runner, which picks among several open tasks of one step.
  [[nodiscard]] Status may_complete(TaskId id, std::string_view by);
  // Assigns an open task to `by`, who must be a candidate (or its assignee already: no change).
  // Errors: as complete; conflict when someone else holds it.
  [[nodiscard]] Status claim(TaskId id, std::string_view by);
  // Returns a task to its candidates. Only its assignee may. Errors: as complete; invalid_state
  // when it is not assigned.
  [[nodiscard]] Status unclaim(TaskId id, std::string_view by);
  // Hands a task to `to` (a known user). Only the assignee, or a candidate of an unassigned task.
  [[nodiscard]] Status delegate(TaskId id, std::string_view by, std::string_view to);

  // Gives an open task to another user, or back to its candidates, on a manager's authority: `by`
  // must manage (Directory::managed_groups) one of the task's candidate groups, whoever holds
  // it now. Recorded as task_delegated (or task_unclaimed when `to` is empty) with data
  // {"from", "to", "reassigned": true}. Reassigning to the current assignee changes nothing.
  // Errors: as complete; not_authorized when `by` manages none of its groups; invalid_input
  // when `to` is unknown to the directory.
  [[nodiscard]] Status reassign(TaskId id, const ReassignOptions& options);
  // Delivers a message to every case waiting for `name` with this key; with none waiting, starts
  // a case of each process with a message trigger of that name. Returns the cases reached.
  // Errors: not_found (nobody waits and no trigger).
  [[nodiscard]] Result<std::vector<CaseId>> correlate(std::string_view name, std::string_view key,
                                                      const Value& vars = {});
  // Delivers a signal to every case waiting for it (possibly none).
  [[nodiscard]] Result<std::vector<CaseId>> signal(std::string_view name, const Value& vars = {});
  // Ends a case: its tasks are withdrawn, its jobs and waits removed. Errors: not_found;
  // invalid_state when it has already ended.
  [[nodiscard]] Status cancel(CaseId id, std::string_view reason = {});
  // Resolves the open incident at `step_id` after merging `vars` into the case, and runs the step
  // again (service steps with a fresh retry counter). Errors: not_found (case or step);
  // invalid_state (no open incident at that step).
  [[nodiscard]] Status retry(CaseId id, std::string_view step_id, const Value& vars = {});

  // Fires every job due at or before `now`, in (due, creation) order, each in its own commit,
  // the clock reading the job's due moment while it fires; then, when channels are given,
  // delivers every notification due at `now` (a first attempt, or a retry whose backoff has
  // passed). Returns how many jobs fired and deliveries were attempted.
  //
  // A job that cannot be fired (its case cannot be read, its process version cannot be planned,
  // a trigger's case cannot start) does not block those due after it: it is reported to the log
  // hook and set aside for EngineLimits::job_lease, after which it is tried again; the problem
  // may have been mended meanwhile (a calendar added, a store repaired). Errors: the store's
  // `unavailable`, which ends the call; what was fired before stays fired.
  [[nodiscard]] Result<std::size_t> run_due(Instant now, const RunDueOptions& options = {});
  // The earliest moment run_due has something to do (a job due, a lease that ends, a delivery
  // due when channels are given), or nullopt when nothing is scheduled.
  [[nodiscard]] Result<std::optional<Instant>> next_due();

  // History retention: hands every case that ended before options.ended_before to
  // options.sink, in id order, and removes the case and all its rows from the store (one
  // transaction) only once the sink has returned ok. Nothing is removed that was not exported
  // first. A case called by another (a `call` step) waits until its caller has ended; a case
  // with notifications still pending waits until they are delivered or given up; a case whose
  // definition no longer loads stays and is reported to the log hook (`archive_skipped`) (all
  // counted in `kept`). A crash between the sink and the removal exports the case again next
  // time (the record's case id tells the copies apart): at least once, never lost.
  // Errors: invalid_input (no sink); the sink's error, naming the case (that case and the
  // ones after it stay; those before are archived); the store's (`unavailable`).
  [[nodiscard]] Result<ArchiveOutcome> archive(const ArchiveOptions& options);

 private:
  // run_due's second half: delivers the notifications due at `now`, counting each attempt in
  // `done` and stopping as `options` says.
  Result<std::size_t> deliver_due(Instant now, const RunDueOptions& options, std::size_t& done);

  Store& store_;
  EngineOptions options_;
  HandlerRegistry handlers_;
  std::unique_ptr<runtime::EngineCore> impl_;
};

}  // namespace crmflow
