// TaskTable: the tasks of a MemoryStore and the worklist indexes over its open ones.
#include "store/memory_tasks.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

namespace crmflow::store {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The filter's rules (store.hpp, TaskFilter), on one open task. The indexes only choose which
// tasks to look at; this decides, so a query lists exactly what a scan would.
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
  if (!filter.any_group.empty()) {
    return std::any_of(filter.any_group.begin(), filter.any_group.end(),
                       [&](const std::string& g) { return contains(task.candidate_groups, g); });
  }
  return true;
}

}  // namespace

TaskTable::Key TaskTable::key_of(const Task& task) {
  return Key{.priority = task.priority,
             .has_due = task.due.has_value(),
             .due = task.due.value_or(Instant{}),
             .id = task.id};
}

const Task* TaskTable::find(TaskId id) const {
  auto found = tasks_.find(id);
  return found == tasks_.end() ? nullptr : &found->second;
}

void TaskTable::add(Index& index, const std::string& name, const Key& key) {
  index[name].insert(key);
}

void TaskTable::remove(Index& index, const std::string& name, const Key& key) {
  auto found = index.find(name);
  if (found == index.end()) return;
  found->second.erase(key);
  // No empty sets left behind: names come and go (users leave, groups are renamed).
  if (found->second.empty()) index.erase(found);
}

const TaskTable::KeySet* TaskTable::lookup(const Index& index, std::string_view name) {
  auto found = index.find(std::string{name});
  return found == index.end() ? nullptr : &found->second;
}

// Files an open task in every set it belongs to (a candidate named twice is filed once: sets).
void TaskTable::file(const Task& task) {
  if (task.status != TaskStatus::open) return;
  const Key key = key_of(task);
  open_.insert(key);
  if (!task.assignee.empty()) {
    add(assigned_, task.assignee, key);
    for (const std::string& g : task.candidate_groups) add(held_in_group_, g, key);
    return;
  }
  for (const std::string& u : task.candidate_users) add(offered_to_user_, u, key);
  for (const std::string& g : task.candidate_groups) add(offered_to_group_, g, key);
}

// Takes a task out of every set file() put it in, by the fields it was filed with.
void TaskTable::unfile(const Task& task) {
  if (task.status != TaskStatus::open) return;
  const Key key = key_of(task);
  open_.erase(key);
  if (!task.assignee.empty()) {
    remove(assigned_, task.assignee, key);
    for (const std::string& g : task.candidate_groups) remove(held_in_group_, g, key);
    return;
  }
  for (const std::string& u : task.candidate_users) remove(offered_to_user_, u, key);
  for (const std::string& g : task.candidate_groups) remove(offered_to_group_, g, key);
}

void TaskTable::put(const Task& task) {
  auto found = tasks_.find(task.id);
  if (found == tasks_.end()) {
    found = tasks_.emplace(task.id, task).first;
  } else {
    unfile(found->second);
    if (found->second.case_id != task.case_id) {
      cases_.erase({found->second.case_id, task.id});
    }
    found->second = task;
  }
  cases_.insert({task.case_id, task.id});
  file(found->second);
}

void TaskTable::erase(TaskId id) {
  auto found = tasks_.find(id);
  if (found == tasks_.end()) return;
  unfile(found->second);
  cases_.erase({found->second.case_id, id});
  tasks_.erase(found);
}

void TaskTable::erase_case(CaseId case_id) {
  auto first = cases_.lower_bound({case_id, 0});
  while (first != cases_.end() && first->first == case_id) {
    auto found = tasks_.find(first->second);
    if (found != tasks_.end()) {
      unfile(found->second);
      tasks_.erase(found);
    }
    first = cases_.erase(first);
  }
}

std::vector<Task> TaskTable::open(const TaskFilter& filter) const {
  if (filter.case_id != kNoId) return by_case(filter);
  std::vector<const KeySet*> sources;
  if (!filter.user.empty()) {
    // Assigned to the user; or unassigned and offered to them or to one of their groups.
    sources.push_back(lookup(assigned_, filter.user));
    sources.push_back(lookup(offered_to_user_, filter.user));
    for (const std::string& g : filter.groups) sources.push_back(lookup(offered_to_group_, g));
  } else if (!filter.group.empty()) {
    sources.push_back(lookup(offered_to_group_, filter.group));
  } else if (!filter.any_group.empty()) {
    for (const std::string& g : filter.any_group) {
      sources.push_back(lookup(offered_to_group_, g));
      sources.push_back(lookup(held_in_group_, g));
    }
  } else {
    sources.push_back(&open_);
  }
  // A name no task is filed under, or one listed twice, adds nothing to walk.
  std::erase(sources, nullptr);
  std::sort(sources.begin(), sources.end());
  sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
  return merged(sources, filter);
}

// A case has few tasks: its own, checked one by one and sorted.
std::vector<Task> TaskTable::by_case(const TaskFilter& filter) const {
  std::vector<std::pair<Key, const Task*>> found;
  for (auto it = cases_.lower_bound({filter.case_id, 0});
       it != cases_.end() && it->first == filter.case_id; ++it) {
    const Task& task = tasks_.at(it->second);
    if (task.status == TaskStatus::open && matches(task, filter)) {
      found.emplace_back(key_of(task), &task);
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Task> out;
  for (std::size_t i = filter.offset; i < found.size(); ++i) {
    out.push_back(*found[i].second);
    if (filter.limit != 0 && out.size() == filter.limit) break;
  }
  return out;
}

// Walks the sets together in key order, each task once, and pages what the filter matches.
std::vector<Task> TaskTable::merged(const std::vector<const KeySet*>& sources,
                                    const TaskFilter& filter) const {
  using Cursor = std::pair<KeySet::const_iterator, KeySet::const_iterator>;  // (next, end)
  std::vector<Cursor> heap;
  heap.reserve(sources.size());
  for (const KeySet* set : sources) {
    if (!set->empty()) heap.emplace_back(set->begin(), set->end());
  }
  // std::*_heap keep the greatest first: "greater" cursors are those with the later key.
  auto later = [](const Cursor& a, const Cursor& b) { return *b.first < *a.first; };
  std::make_heap(heap.begin(), heap.end(), later);
  std::vector<Task> out;
  std::size_t skipped = 0;
  TaskId last = kNoId;
  bool any = false;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Cursor& cursor = heap.back();
    const Key key = *cursor.first;
    if (++cursor.first == cursor.second) {
      heap.pop_back();
    } else {
      std::push_heap(heap.begin(), heap.end(), later);
    }
    // Equal keys come out one after another: a task filed in several of the sets.
    if (any && key.id == last) continue;
    any = true;
    last = key.id;
    const Task& task = tasks_.at(key.id);
    if (!matches(task, filter)) continue;
    if (skipped < filter.offset) {
      ++skipped;
      continue;
    }
    out.push_back(task);
    if (filter.limit != 0 && out.size() == filter.limit) break;
  }
  return out;
}

}  // namespace crmflow::store
