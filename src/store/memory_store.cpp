// MemoryStore: every table a std container behind one mutex. Records are copied in and out, so
// nothing the caller holds points into the store; the execution state is shared immutably
// (std::shared_ptr<const CaseState>), which is what makes loading a case cheap.
#include "crmflow/memory_store.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/case_state.hpp"

namespace crmflow {

struct MemoryStore::Tables {
  std::mutex mutex;
  std::array<std::uint64_t, 3> last_id{};
  std::map<std::string, std::vector<DefinitionRecord>, std::less<>> definitions;  // by version
  std::map<CaseId, CaseRecord> cases;
  std::unordered_map<TaskId, Task> tasks;
  std::set<TaskId> open_tasks;
  std::unordered_map<JobId, JobRecord> jobs;
  std::set<std::pair<Instant, JobId>> jobs_by_due;
  std::map<std::tuple<CaseId, std::uint32_t, std::uint32_t>, Subscription> subscriptions;
  std::unordered_map<CaseId, std::vector<HistoryEvent>> history;
  std::map<CaseId, std::vector<Notification>> outbox;  // by case, each in queue order
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
  auto found = tables_->tasks.find(id);
  if (found == tables_->tasks.end()) return not_found("no task " + std::to_string(id));
  return found->second;
}

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

bool matches(const Task& task, const TaskFilter& filter) {
  if (filter.case_id != kNoId && task.case_id != filter.case_id) return false;
  if (!filter.step_id.empty() && task.step_id != filter.step_id) return false;
  if (filter.due_at_or_before && (!task.due || *task.due > *filter.due_at_or_before)) return false;
  if (!filter.user.empty()) {
    if (task.assignee == filter.user) return true;
    if (!task.assignee.empty()) return false;
    if (contains(task.candidate_users, filter.user)) return true;
    return std::any_of(filter.groups.begin(), filter.groups.end(),
                       [&](const std::string& g) { return contains(task.candidate_groups, g); });
  }
  if (!filter.group.empty()) {
    return task.assignee.empty() && contains(task.candidate_groups, filter.group);
  }
  return true;
}

}  // namespace

Result<std::vector<Task>> MemoryStore::open_tasks(const TaskFilter& filter) {
  std::lock_guard lock{tables_->mutex};
  std::vector<const Task*> found;
  for (TaskId id : tables_->open_tasks) {
    const Task& task = tables_->tasks.at(id);
    if (matches(task, filter)) found.push_back(&task);
  }
  std::sort(found.begin(), found.end(), [](const Task* a, const Task* b) {
    if (a->priority != b->priority) return a->priority > b->priority;
    if (a->due != b->due) {
      if (!a->due) return false;
      if (!b->due) return true;
      return *a->due < *b->due;
    }
    return a->id < b->id;
  });
  std::vector<Task> out;
  for (std::size_t i = filter.offset; i < found.size(); ++i) {
    out.push_back(*found[i]);
    if (filter.limit != 0 && out.size() == filter.limit) break;
  }
  return out;
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
  if (tables_->jobs_by_due.empty()) return std::optional<Instant>{};
  return std::optional<Instant>{tables_->jobs_by_due.begin()->first};
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
  if (case_id != kNoId) {
    auto found = tables_->outbox.find(case_id);
    if (found == tables_->outbox.end()) return std::vector<Notification>{};
    return found->second;
  }
  std::vector<Notification> out;
  for (const auto& [id, queued] : tables_->outbox) {
    out.insert(out.end(), queued.begin(), queued.end());
  }
  return out;
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
  return found->second;
}

namespace {

// Whether `change` may be applied to `t`: its case exists (or not, for a new one) at the
// expected row version.
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
  return {};
}

// Applies a checked change. It only inserts or replaces: it cannot fail half way.
template <typename Tables>
void apply_change(Tables& t, const CaseChange& change) {
  const CaseId id = change.record.id;
  t.cases[id] = change.record;
  for (const Task& task : change.tasks) {
    t.tasks[task.id] = task;
    if (task.status == TaskStatus::open) {
      t.open_tasks.insert(task.id);
    } else {
      t.open_tasks.erase(task.id);
    }
  }
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
  if (!change.history.empty()) {
    // Kept in sequence order whatever order the change lists them in; the engine's events
    // come in order, so each lands at the end.
    auto& events = t.history[id];
    for (const HistoryEvent& event : change.history) {
      auto later = std::upper_bound(
          events.begin(), events.end(), event.sequence,
          [](std::uint64_t sequence, const HistoryEvent& e) { return sequence < e.sequence; });
      events.insert(later, event);
    }
  }
  // Filed by case, so reading one case's queue or all of them in (case, queue) order is a walk.
  for (const Notification& n : change.outbox) t.outbox[n.case_id].push_back(n);
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

}  // namespace crmflow
