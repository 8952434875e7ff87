// MemoryStore: every table a std container behind one mutex. Records are copied in and out, so
// nothing the caller holds points into the store; the execution state is shared immutably
// (std::shared_ptr<const CaseState>), which is what makes loading a case cheap. Tasks live in a
// TaskTable (memory_tasks.hpp), whose indexes answer a worklist without a scan; history is kept
// compact (memory_history.hpp). Whatever removes a case's rows removes its tasks through
// TaskTable::erase_case, so that no index keeps an entry of a task that is gone.
#include "crmflow/memory_store.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/case_state.hpp"
#include "store/memory_history.hpp"
#include "store/memory_tasks.hpp"

namespace crmflow {

struct MemoryStore::Tables {
  std::mutex mutex;
  std::array<std::uint64_t, 3> last_id{};
  std::map<std::string, std::vector<DefinitionRecord>, std::less<>> definitions;  // by version
  std::map<CaseId, CaseRecord> cases;
  store::TaskTable tasks;  // every task, and the worklist indexes of the open ones
  std::unordered_map<JobId, JobRecord> jobs;
  std::set<std::pair<Instant, JobId>> jobs_by_due;
  std::map<std::tuple<CaseId, std::uint32_t, std::uint32_t>, Subscription> subscriptions;
  std::unordered_map<CaseId, store::CaseHistory> history;
  store::NamePool names;  // the step ids and user names of the history, each once
  // The outbox: every entry by id (ids increase with queueing), each case's entries in queue
  // order, the pending ones in delivery order ((next_attempt, id), "at once" (nullopt) first),
  // and those due at once by queue moment, which need not follow their ids.
  std::uint64_t last_outbox_id = 0;
  std::unordered_map<std::uint64_t, Notification> notifications;
  std::set<std::pair<CaseId, std::uint64_t>> outbox_by_case;
  std::set<std::pair<std::optional<Instant>, std::uint64_t>> pending;
  std::set<std::pair<Instant, std::uint64_t>> at_once;
};

MemoryStore::MemoryStore() : tables_(std::make_unique<Tables>()) {}
MemoryStore::~MemoryStore() = default;

Result<std::uint64_t> MemoryStore::allocate_id(IdKind kind) {
  std::lock_guard lock{tables_->mutex};
  return ++tables_->last_id[static_cast<std::size_t>(kind)];
}

namespace {

// Adds `record` to its process's versions. conflict when the version exists.
// (A template, because MemoryStore::Tables is private to the class.)
template <typename Tables>
Status insert_definition(Tables& t, const DefinitionRecord& record) {
  auto& versions = t.definitions[record.process_id];
  const bool exists = std::any_of(versions.begin(), versions.end(),
                                  [&](const auto& d) { return d.version == record.version; });
  if (exists) {
    return conflict("process '" + record.process_id + "' version " +
                    std::to_string(record.version) + " is already deployed");
  }
  versions.push_back(record);
  std::sort(versions.begin(), versions.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  return {};
}

}  // namespace

Status MemoryStore::add_definition(const DefinitionRecord& record) {
  std::lock_guard lock{tables_->mutex};
  return insert_definition(*tables_, record);
}

Status MemoryStore::add_definition_with_triggers(const DefinitionRecord& record,
                                                 const std::vector<JobRecord>& triggers) {
  std::lock_guard lock{tables_->mutex};
  Tables& t = *tables_;
  if (auto s = insert_definition(t, record); !s) return s;
  for (auto j = t.jobs.begin(); j != t.jobs.end();) {
    if (j->second.kind == JobKind::trigger && j->second.process_id == record.process_id) {
      t.jobs_by_due.erase({j->second.due, j->first});
      j = t.jobs.erase(j);
    } else {
      ++j;
    }
  }
  for (const JobRecord& job : triggers) {
    auto existing = t.jobs.find(job.id);
    if (existing != t.jobs.end()) t.jobs_by_due.erase({existing->second.due, job.id});
    t.jobs[job.id] = job;
    t.jobs_by_due.insert({job.due, job.id});
  }
  return {};
}

Result<std::optional<DefinitionRecord>> MemoryStore::latest_definition(
    std::string_view process_id) {
  std::lock_guard lock{tables_->mutex};
  auto found = tables_->definitions.find(process_id);
  if (found == tables_->definitions.end() || found->second.empty()) {
    return std::optional<DefinitionRecord>{};
  }
  return std::optional<DefinitionRecord>{found->second.back()};
}

Result<std::optional<DefinitionRecord>> MemoryStore::definition(std::string_view process_id,
                                                                std::int64_t version) {
  std::lock_guard lock{tables_->mutex};
  auto found = tables_->definitions.find(process_id);
  if (found != tables_->definitions.end()) {
    for (const DefinitionRecord& d : found->second) {
      if (d.version == version) return std::optional<DefinitionRecord>{d};
    }
  }
  return std::optional<DefinitionRecord>{};
}

Result<std::vector<DefinitionRecord>> MemoryStore::latest_definitions() {
  std::lock_guard lock{tables_->mutex};
  std::vector<DefinitionRecord> out;
  for (const auto& [id, versions] : tables_->definitions) {
    if (!versions.empty()) out.push_back(versions.back());
  }
  return out;
}

Result<CaseRecord> MemoryStore::load_case(CaseId id) {
  std::lock_guard lock{tables_->mutex};
  auto found = tables_->cases.find(id);
  if (found == tables_->cases.end()) return not_found("no case " + std::to_string(id));
  return found->second;
}

Result<std::vector<CaseRecord>> MemoryStore::find_cases(const CaseQuery& query) {
  std::lock_guard lock{tables_->mutex};
  std::vector<CaseRecord> out;
  std::size_t skipped = 0;
  for (const auto& [id, record] : tables_->cases) {
    if (!query.process_id.empty() && record.process_id != query.process_id) continue;
    if (query.status && record.status != *query.status) continue;
    if (!query.key.empty() && record.key != query.key) continue;
    if (skipped++ < query.offset) continue;
    out.push_back(record);
    if (query.limit != 0 && out.size() == query.limit) break;
  }
  return out;
}

Result<Task> MemoryStore::load_task(TaskId id) {
  std::lock_guard lock{tables_->mutex};
  const Task* found = tables_->tasks.find(id);
  if (found == nullptr) return not_found("no task " + std::to_string(id));
  return *found;
}

// Answered from the task table's indexes (src/store/memory_tasks.hpp): O(log n + page).
Result<std::vector<Task>> MemoryStore::open_tasks(const TaskFilter& filter) {
  std::lock_guard lock{tables_->mutex};
  return tables_->tasks.open(filter);
}

Result<std::optional<JobRecord>> MemoryStore::next_due_job(Instant now) {
  std::lock_guard lock{tables_->mutex};
  for (const auto& [due, id] : tables_->jobs_by_due) {
    if (due > now) break;
    const JobRecord& job = tables_->jobs.at(id);
    if (job.leased_until && *job.leased_until > now) continue;
    return std::optional<JobRecord>{job};
  }
  return std::optional<JobRecord>{};
}

Result<std::optional<Instant>> MemoryStore::next_due() {
  std::lock_guard lock{tables_->mutex};
  // A job's moment is its due moment or its lease's end, whichever is later, never earlier than
  // its due moment: the walk in due order stops at the first job due no sooner than the best
  // moment found. That is the first unleased job at the latest; each leased one before it costs
  // a step.
  std::optional<Instant> best;
  for (const auto& [due, id] : tables_->jobs_by_due) {
    if (best && due >= *best) break;
    const JobRecord& job = tables_->jobs.at(id);
    const Instant moment = job.leased_until ? std::max(due, *job.leased_until) : due;
    if (!best || moment < *best) best = moment;
  }
  return best;
}

Status MemoryStore::lease_job(JobId id, Instant now, Instant until) {
  std::lock_guard lock{tables_->mutex};
  auto found = tables_->jobs.find(id);
  if (found == tables_->jobs.end()) return not_found("no job " + std::to_string(id));
  if (found->second.leased_until && *found->second.leased_until > now) {
    return conflict("job " + std::to_string(id) + " is leased by another worker");
  }
  found->second.leased_until = until;
  return {};
}

Result<std::vector<Notification>> MemoryStore::outbox(CaseId case_id) {
  std::lock_guard lock{tables_->mutex};
  const Tables& t = *tables_;
  // (case, id) pairs: one case's entries are the range from (case, 0) to (case + 1, 0).
  auto first = t.outbox_by_case.begin();
  auto last = t.outbox_by_case.end();
  if (case_id != kNoId) {
    first = t.outbox_by_case.lower_bound({case_id, 0});
    if (case_id != std::numeric_limits<CaseId>::max()) {
      last = t.outbox_by_case.lower_bound({case_id + 1, 0});
    }
  }
  std::vector<Notification> out;
  for (auto entry = first; entry != last; ++entry) {
    out.push_back(t.notifications.at(entry->second));
  }
  return out;
}

Result<std::optional<Notification>> MemoryStore::next_due_delivery(Instant now) {
  std::lock_guard lock{tables_->mutex};
  for (const auto& [next_attempt, id] : tables_->pending) {
    if (next_attempt && *next_attempt > now) break;
    const Notification& entry = tables_->notifications.at(id);
    if (entry.leased_until && *entry.leased_until > now) continue;
    return std::optional<Notification>{entry};
  }
  return std::optional<Notification>{};
}

Result<std::optional<Instant>> MemoryStore::next_delivery_due() {
  std::lock_guard lock{tables_->mutex};
  const Tables& t = *tables_;
  // As next_due, twice: an entry's moment is never earlier than its queue moment (due at once)
  // or its next attempt (a retry), so each walk stops at the first entry that cannot beat the
  // best found, the first unleased one at the latest.
  std::optional<Instant> best;
  auto consider = [&](Instant due, const Notification& entry) {
    const Instant moment = entry.leased_until ? std::max(due, *entry.leased_until) : due;
    if (!best || moment < *best) best = moment;
  };
  for (const auto& [queued, id] : t.at_once) {
    if (best && queued >= *best) break;
    consider(queued, t.notifications.at(id));
  }
  const std::pair<std::optional<Instant>, std::uint64_t> first_retry{Instant::min(), 0};
  for (auto it = t.pending.lower_bound(first_retry); it != t.pending.end(); ++it) {
    const Instant next_attempt = *it->first;
    if (best && next_attempt >= *best) break;
    consider(next_attempt, t.notifications.at(it->second));
  }
  return best;
}

Status MemoryStore::lease_delivery(std::uint64_t id, Instant now, Instant until) {
  std::lock_guard lock{tables_->mutex};
  auto found = tables_->notifications.find(id);
  if (found == tables_->notifications.end() || found->second.status != DeliveryStatus::pending) {
    return not_found("no pending notification " + std::to_string(id) +
                     " in the outbox (delivered, failed or unknown)");
  }
  Notification& entry = found->second;
  if (entry.leased_until && *entry.leased_until > now) {
    return conflict("notification " + std::to_string(id) + " is being delivered by another worker");
  }
  entry.leased_until = until;
  return {};
}

Result<std::vector<Subscription>> MemoryStore::subscriptions(SubscriptionKind kind,
                                                             std::string_view name,
                                                             std::string_view key) {
  std::lock_guard lock{tables_->mutex};
  std::vector<Subscription> out;
  for (const auto& [where, sub] : tables_->subscriptions) {
    if (sub.kind != kind || sub.name != name) continue;
    if (kind == SubscriptionKind::message && sub.key && *sub.key != key) continue;
    out.push_back(sub);
  }
  return out;
}

Result<std::vector<HistoryEvent>> MemoryStore::history(CaseId id) {
  std::lock_guard lock{tables_->mutex};
  if (tables_->cases.count(id) == 0) return not_found("no case " + std::to_string(id));
  auto found = tables_->history.find(id);
  if (found == tables_->history.end()) return std::vector<HistoryEvent>{};
  return found->second.events(id);
}

namespace {

// `n` as the outbox entry `id`: pending, never attempted, whatever delivery state it came with.
Notification queued_entry(const Notification& n, std::uint64_t id) {
  Notification entry = n;
  entry.id = id;
  entry.status = DeliveryStatus::pending;
  entry.attempts = 0;
  entry.next_attempt.reset();
  entry.leased_until.reset();
  entry.sent_at.reset();
  entry.last_error.clear();
  return entry;
}

// Replaces the delivery state of `entry` with that of `delivery` (CaseChange::deliveries).
void record_delivery(Notification& entry, const Notification& delivery) {
  entry.status = delivery.status;
  entry.attempts = delivery.attempts;
  entry.next_attempt = delivery.next_attempt;
  entry.leased_until = delivery.leased_until;
  entry.sent_at = delivery.sent_at;
  entry.last_error = delivery.last_error;
}

// Files a pending entry in the delivery queues (a sent or failed one in none), and takes it out.
template <typename Tables>
void enqueue(Tables& t, const Notification& entry) {
  if (entry.status != DeliveryStatus::pending) return;
  t.pending.insert({entry.next_attempt, entry.id});
  if (!entry.next_attempt) t.at_once.insert({entry.at, entry.id});
}

template <typename Tables>
void dequeue(Tables& t, const Notification& entry) {
  t.pending.erase({entry.next_attempt, entry.id});
  t.at_once.erase({entry.at, entry.id});
}

// Whether `change` may be applied to `t`: its case exists (or not, for a new one) at the
// expected row version, and the deliveries it records are of outbox entries of that case.
// (Templates, because MemoryStore::Tables is private to the class.)
template <typename Tables>
Status check_change(const Tables& t, const CaseChange& change) {
  const CaseId id = change.record.id;
  if (change.record.state == nullptr) {
    return internal_error("commit of case " + std::to_string(id) + " without execution state");
  }
  auto found = t.cases.find(id);
  if (change.is_new) {
    if (found != t.cases.end()) return conflict("case " + std::to_string(id) + " already exists");
  } else {
    if (found == t.cases.end()) return not_found("no case " + std::to_string(id));
    if (found->second.row_version != change.expected_row_version) {
      return conflict("case " + std::to_string(id) +
                      " was changed by another call meanwhile; load it again and retry");
    }
  }
  for (const Notification& delivery : change.deliveries) {
    auto entry = t.notifications.find(delivery.id);
    if (entry == t.notifications.end() || entry->second.case_id != id) {
      return not_found("notification " + std::to_string(delivery.id) +
                       " is not in the outbox of case " + std::to_string(id));
    }
  }
  return {};
}

// Applies a checked change. It only inserts or replaces: it cannot fail half way.
template <typename Tables>
void apply_change(Tables& t, const CaseChange& change) {
  const CaseId id = change.record.id;
  t.cases[id] = change.record;
  for (const Task& task : change.tasks) t.tasks.put(task);
  for (JobId job : change.jobs_removed) {
    auto j = t.jobs.find(job);
    if (j == t.jobs.end()) continue;
    t.jobs_by_due.erase({j->second.due, job});
    t.jobs.erase(j);
  }
  for (const JobRecord& job : change.jobs_added) {
    auto existing = t.jobs.find(job.id);
    if (existing != t.jobs.end()) t.jobs_by_due.erase({existing->second.due, job.id});
    t.jobs[job.id] = job;
    t.jobs_by_due.insert({job.due, job.id});
  }
  for (std::uint32_t token : change.subscriptions_removed) {
    t.subscriptions.erase(t.subscriptions.lower_bound({id, token, 0}),
                          t.subscriptions.upper_bound({id, token, UINT32_MAX}));
  }
  for (const Subscription& sub : change.subscriptions_added) {
    t.subscriptions[{sub.case_id, sub.token, sub.boundary}] = sub;
  }
  // Kept in sequence order whatever order the change lists them in.
  if (!change.history.empty()) t.history[id].append(change.history, t.names);
  for (const Notification& n : change.outbox) {
    Notification entry = queued_entry(n, ++t.last_outbox_id);
    t.outbox_by_case.insert({entry.case_id, entry.id});
    enqueue(t, entry);
    t.notifications.emplace(entry.id, std::move(entry));
  }
  for (const Notification& delivery : change.deliveries) {
    Notification& entry = t.notifications.at(delivery.id);
    dequeue(t, entry);
    record_delivery(entry, delivery);
    enqueue(t, entry);
  }
}

}  // namespace

Status MemoryStore::commit(const CaseChange& change) {
  std::lock_guard lock{tables_->mutex};
  Tables& t = *tables_;
  // Every case of the call is checked before any is written: all or nothing.
  if (auto s = check_change(t, change); !s) return s;
  for (const CaseChange& linked : change.linked) {
    if (auto s = check_change(t, linked); !s) return s;
  }
  apply_change(t, change);
  for (const CaseChange& linked : change.linked) apply_change(t, linked);
  return {};
}

// ---- retention (Store::ended_cases, Store::remove_ended_case) --------------------------------

namespace {

// Removes every row of case `id` from every table and index. (A template, because
// MemoryStore::Tables is private to the class.) Whoever adds a table or an index to Tables adds
// its removal here.
template <typename Tables>
void remove_case_rows(Tables& t, CaseId id) {
  t.tasks.erase_case(id);  // its tasks, and their entries in the worklist indexes
  for (auto job = t.jobs.begin(); job != t.jobs.end();) {
    if (job->second.case_id == id) {
      t.jobs_by_due.erase({job->second.due, job->first});
      job = t.jobs.erase(job);
    } else {
      ++job;
    }
  }
  t.subscriptions.erase(t.subscriptions.lower_bound({id, 0, 0}),
                        t.subscriptions.upper_bound({id, UINT32_MAX, UINT32_MAX}));
  t.history.erase(id);
  auto first = t.outbox_by_case.lower_bound({id, 0});
  auto last = first;
  while (last != t.outbox_by_case.end() && last->first == id) {
    auto entry = t.notifications.find(last->second);
    if (entry != t.notifications.end()) {
      dequeue(t, entry->second);
      t.notifications.erase(entry);
    }
    ++last;
  }
  t.outbox_by_case.erase(first, last);
  t.cases.erase(id);
}

}  // namespace

Result<std::vector<CaseId>> MemoryStore::ended_cases(Instant ended_before, CaseId after,
                                                     std::size_t limit) {
  std::lock_guard lock{tables_->mutex};
  std::vector<CaseId> out;
  for (auto c = tables_->cases.upper_bound(after); c != tables_->cases.end(); ++c) {
    const CaseRecord& record = c->second;
    if (!is_final(record.status) || !record.ended_at || *record.ended_at >= ended_before) continue;
    out.push_back(c->first);
    if (limit != 0 && out.size() == limit) break;
  }
  return out;
}

Status MemoryStore::remove_ended_case(CaseId id, Instant ended_before) {
  std::lock_guard lock{tables_->mutex};
  Tables& t = *tables_;
  auto found = t.cases.find(id);
  if (found == t.cases.end()) return not_found("no case " + std::to_string(id));
  const CaseRecord& record = found->second;
  if (!is_final(record.status) || !record.ended_at || *record.ended_at >= ended_before) {
    return invalid_state("case " + std::to_string(id) + " is " +
                         std::string{to_string(record.status)} +
                         (record.ended_at ? ", ended at or after the cutoff" : "") +
                         "; only a case that ended before the cutoff is removed");
  }
  std::size_t pending = 0;
  for (auto entry = t.outbox_by_case.lower_bound({id, 0});
       entry != t.outbox_by_case.end() && entry->first == id; ++entry) {
    if (t.notifications.at(entry->second).status == DeliveryStatus::pending) ++pending;
  }
  if (pending > 0) {
    return invalid_state("case " + std::to_string(id) + " has " + std::to_string(pending) +
                         " notification(s) still to deliver; it is kept until they are "
                         "delivered or given up");
  }
  remove_case_rows(t, id);
  return {};
}

}  // namespace crmflow
