// crmflow: the Store interface, where the engine keeps definitions, cases, tasks, jobs,
// subscriptions, history and the notification outbox.
//
// The engine works in records and writes everything one call changed in one commit(CaseChange),
// checked against the case's row version, so two engines (or threads) that change one case at
// once see `conflict` instead of losing an update. Stores keep records and run no cases.
// Records are values: nothing a store returns points into the store.
//
//   crmflow::MemoryStore store;              // crmflow/memory_store.hpp
//   crmflow::Engine engine{store, {...}};
//
// Errors: `unavailable` when the backing database cannot be reached, `conflict` for a version
// mismatch, `not_found` for an unknown id, `internal` for a corrupt record.
// Thread safety: every method may be called from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/case.hpp"
#include "crmflow/error.hpp"
#include "crmflow/history.hpp"
#include "crmflow/ids.hpp"
#include "crmflow/notification.hpp"
#include "crmflow/process.hpp"
#include "crmflow/task.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow {

// The execution state of a case (tokens, joins, path, incidents). Defined by the library
// (src/store/case_state.hpp); stores keep it as they get it (MemoryStore) or serialise it with
// the library's functions (SqliteStore).
struct CaseState;

// One deployed version of a process.
struct DefinitionRecord {
  std::string process_id{};
  std::int64_t version = 0;  // 1, 2, 3, ... per process id
  std::string content_hash{};
  std::string canonical{};  // the canonical JSON text: enough to load the definition again
  Instant deployed_at{};
  std::shared_ptr<const Process> process{};  // may be null in a record read from disk
};

struct CaseRecord {
  CaseId id = kNoId;
  std::string process_id{};
  std::int64_t version = 0;  // of the definition
  std::string key{};
  CaseStatus status = CaseStatus::active;
  int progress = 0;
  std::string initiator{};
  Instant started_at{};
  std::optional<Instant> ended_at{};
  Value variables{};  // an object
  // A case started by a `call` step: the calling case, and its token waiting at the step
  // (kNoId and 0 for a case started otherwise).
  CaseId parent_case = kNoId;
  std::uint32_t parent_token = 0;
  // Incremented by every commit; commit(CaseChange) requires the stored one to equal
  // CaseChange::expected_row_version.
  std::uint64_t row_version = 0;
  std::shared_ptr<const CaseState> state{};  // never null in a stored record
};

enum class JobKind : std::uint8_t { timer, boundary_timer, alarm, service, delivery, trigger };

// Something to do at a moment: fire a timer, call a handler, raise an alarm, or start a case of a
// process on its schedule (a trigger).
struct JobRecord {
  JobId id = kNoId;        // ids increase with creation: (due, id) is the firing order
  CaseId case_id = kNoId;  // kNoId for a trigger: it belongs to its process, not to a case
  JobKind kind = JobKind::timer;
  Instant due{};
  std::uint32_t token = 0;    // the token of the case it belongs to
  std::uint32_t attempt = 1;  // service jobs: the try this job is (1 = first)
  // Boundary / alarm: the index within its step; trigger: the index in the process's `triggers`.
  std::uint32_t index = 0;
  std::optional<Instant> leased_until{};  // set while a worker runs it
  // Triggers: the process and the version whose deploy armed the job, and which occurrence of
  // the schedule it is (1 = the first). Empty and 0 for every other kind.
  std::string process_id{};
  std::int64_t version = 0;
  std::uint32_t occurrence = 0;
};

enum class SubscriptionKind : std::uint8_t { message, signal };

// A token waiting for a message (name and key) or a signal (name). Identified by (case, token,
// boundary).
struct Subscription {
  CaseId case_id = kNoId;
  std::uint32_t token = 0;
  // 0: the wait of the token's own step; n > 0: the step's boundary event n - 1.
  std::uint32_t boundary = 0;
  SubscriptionKind kind = SubscriptionKind::message;
  std::string name{};
  std::optional<std::string> key{};  // nullopt: any key (message waits without `key`)
};

// Everything one engine call changed in one case, written atomically by Store::commit.
struct CaseChange {
  CaseRecord record{};  // the new record; record.row_version must be expected_row_version + 1
  bool is_new = false;  // insert (expected_row_version ignored) rather than update
  std::uint64_t expected_row_version = 0;
  std::vector<Task> tasks{};  // inserted or replaced by id
  // Jobs are keyed by id, not by case: a change may add or remove jobs of no case (the trigger
  // that started this case, and its next occurrence). Removing a job that is gone is no error.
  std::vector<JobRecord> jobs_added{};
  std::vector<JobId> jobs_removed{};
  std::vector<Subscription> subscriptions_added{};
  // Tokens of this case whose subscriptions (own and boundary) are all removed.
  std::vector<std::uint32_t> subscriptions_removed{};
  std::vector<HistoryEvent> history{};  // appended; sequence numbers assigned by the engine
  // Appended to the outbox as pending; the store gives each its id (increasing) and ignores the
  // delivery fields given.
  std::vector<Notification> outbox{};
  // The delivery state of existing outbox entries of this case, by id: status, attempts,
  // next_attempt, leased_until, sent_at and last_error are replaced; the other fields are not
  // read. An id that is not an entry of this case fails the commit with not_found.
  std::vector<Notification> deliveries{};
  // Other cases the same engine call changed (a case a `call` step started, cancelled or that
  // resumed its caller): committed in the same transaction as this one, each checked against its
  // own expected_row_version, all or nothing. Their own `linked` lists are empty (flattened).
  std::vector<CaseChange> linked{};
};

// What Store::open_tasks filters on (the engine resolves the directory first).
struct TaskFilter {
  CaseId case_id = kNoId;
  std::string step_id{};
  // When non-empty: tasks assigned to `user`, or unassigned with `user` among the candidate users
  // or one of `groups` among the candidate groups. A task assigned to someone else is never
  // listed, even to one of its candidates. `groups` is read only together with `user`.
  std::string user{};
  std::vector<std::string> groups{};
  // When non-empty (and user is empty): unassigned tasks offered to this group.
  std::string group{};
  // When non-empty (and user and group are empty): a manager's view, every task offered to one
  // of these groups, whoever holds it now.
  std::vector<std::string> any_group{};
  std::optional<Instant> due_at_or_before{};
  std::size_t limit = 0;
  std::size_t offset = 0;
};

enum class IdKind : std::uint8_t { case_id, task_id, job_id };

class Store {
 public:
  virtual ~Store() = default;

  // A fresh id of that kind: increasing, never returned twice, never kNoId. Ids taken but never
  // committed are simply skipped.
  [[nodiscard]] virtual Result<std::uint64_t> allocate_id(IdKind kind) = 0;

  // Definitions. add_definition refuses an existing (process_id, version) with `conflict`.
  [[nodiscard]] virtual Status add_definition(const DefinitionRecord& record) = 0;
  // Adds a definition that becomes its process's latest version together with the schedule of
  // that version, in one transaction: every job of kind `trigger` whose process_id is
  // record.process_id (of any version) is removed and `triggers` are added. Refuses an existing
  // (process_id, version) with `conflict`, writing nothing. REQUIRES: every job in `triggers` is
  // of kind trigger, belongs to no case and names record.process_id and record.version.
  [[nodiscard]] virtual Status add_definition_with_triggers(
      const DefinitionRecord& record, const std::vector<JobRecord>& triggers) = 0;
  // The highest version of the process, or nullopt when none is deployed.
  [[nodiscard]] virtual Result<std::optional<DefinitionRecord>> latest_definition(
      std::string_view process_id) = 0;
  [[nodiscard]] virtual Result<std::optional<DefinitionRecord>> definition(
      std::string_view process_id, std::int64_t version) = 0;
  // The latest version of every deployed process, ordered by process id (byte order).
  [[nodiscard]] virtual Result<std::vector<DefinitionRecord>> latest_definitions() = 0;

  // Cases. not_found for an unknown id.
  [[nodiscard]] virtual Result<CaseRecord> load_case(CaseId id) = 0;
  // Ordered by id.
  [[nodiscard]] virtual Result<std::vector<CaseRecord>> find_cases(const CaseQuery& query) = 0;

  // Tasks. load_task: not_found for an unknown id.
  [[nodiscard]] virtual Result<Task> load_task(TaskId id) = 0;
  // Open tasks only, ordered by priority desc, due asc (none last), id asc.
  [[nodiscard]] virtual Result<std::vector<Task>> open_tasks(const TaskFilter& filter) = 0;

  // Jobs. The first job by (due, id) that is due at `now` and not leased past `now`.
  [[nodiscard]] virtual Result<std::optional<JobRecord>> next_due_job(Instant now) = 0;
  // The earliest moment at which next_due_job could return a job: a job's due moment, or the end
  // of its lease when that is later. nullopt when there is no job.
  [[nodiscard]] virtual Result<std::optional<Instant>> next_due() = 0;
  // Leases the job until `until`, atomically: only when it exists and is not leased past `now`
  // (a lease that ran out, say of a worker that died, may be taken over). not_found when the job
  // is gone (someone else finished it); conflict when another worker holds a lease past `now`.
  // A later commit that removes the job ends the lease with it.
  [[nodiscard]] virtual Status lease_job(JobId id, Instant now, Instant until) = 0;

  // Subscriptions waiting for a message `name` whose key equals `key` (or that take any key; the
  // empty key is an ordinary key), or for a signal `name` (`key` is ignored); ordered by case id,
  // then token, then boundary.
  [[nodiscard]] virtual Result<std::vector<Subscription>> subscriptions(SubscriptionKind kind,
                                                                        std::string_view name,
                                                                        std::string_view key) = 0;

  // The case's history in sequence order (whatever order a change listed its events in).
  // not_found for an unknown case.
  [[nodiscard]] virtual Result<std::vector<HistoryEvent>> history(CaseId id) = 0;

  // Notifications committed to the outbox, in the order they were queued (case id, then the
  // order within the case): those of one case, or of every case when `case_id` is kNoId.
  // Delivery (marking them sent or failed) comes with the notification channels.
  [[nodiscard]] virtual Result<std::vector<Notification>> outbox(CaseId case_id) = 0;

  // Delivery. The first pending outbox entry whose next attempt is due at `now` (no
  // next_attempt: due at once) and that is not leased past `now`, by (next_attempt, id) with
  // "at once" first; nullopt when there is none.
  [[nodiscard]] virtual Result<std::optional<Notification>> next_due_delivery(Instant now) = 0;
  // The earliest moment at which next_due_delivery could return an entry (its next attempt, or
  // the end of its lease when that is later; an entry due at once: its queue moment), nullopt
  // when nothing is pending.
  [[nodiscard]] virtual Result<std::optional<Instant>> next_delivery_due() = 0;
  // Leases a pending entry until `until`, as lease_job does for jobs: not_found when there is no
  // pending entry with that id (delivered, failed, or unknown), conflict when another worker
  // holds it past `now`. A commit that records its delivery state ends the lease.
  [[nodiscard]] virtual Status lease_delivery(std::uint64_t id, Instant now, Instant until) = 0;

  // Retention (docs/retention.md). The ids of ended cases (completed, cancelled or terminated)
  // whose end lies before `ended_before`, greater than `after`, in id order, at most `limit`
  // of them (0: all).
  [[nodiscard]] virtual Result<std::vector<CaseId>> ended_cases(Instant ended_before, CaseId after,
                                                                std::size_t limit) = 0;
  // Removes an ended case and every row of it (its tasks, jobs, subscriptions, history and
  // outbox entries) in one transaction. Its definitions stay, and so do the cases it called or
  // that called it (their parent_case may then name a case that is gone). Errors: not_found for
  // an unknown case; invalid_state, removing nothing, when the case has not ended, ended at or
  // after `ended_before` (the caller's view of it is out of date), or has outbox entries still
  // pending (a notification is never dropped undelivered); the store's.
  [[nodiscard]] virtual Status remove_ended_case(CaseId id, Instant ended_before) = 0;

  // Writes the change atomically. `conflict` when the stored row version is not
  // expected_row_version (or, for is_new, the case exists); `not_found` when an update names a
  // case that does not exist; `internal` for a record without state; nothing is written then.
  // Within one change, removals (jobs, subscriptions) apply before additions; a job with an
  // existing id, or a subscription with an existing (case, token, boundary), replaces it.
  [[nodiscard]] virtual Status commit(const CaseChange& change) = 0;
};

}  // namespace crmflow
