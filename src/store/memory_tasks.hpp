// The tasks of a MemoryStore, and the indexes that answer a worklist (Store::open_tasks) without
// looking at every open task.
//
// Every open task is filed under its worklist order key (priority desc, due asc with no due last,
// id asc) in ordered sets: one of all open tasks, one per assignee, one per candidate user and one
// per candidate group (unassigned and assigned tasks apart, since a group's queue lists only the
// unassigned ones while a manager's view lists both). A query picks the sets that hold every task
// it can match, walks them together in key order (a k-way merge that lists a task found in
// several sets once), checks each task against the whole filter and stops once the page is full:
// O(k log n + (offset + limit) log k) for k sets, instead of a scan and a sort of every open task.
// A query by case reads the case's own tasks (every task is also filed by case, open or not).
//
//   TaskTable tasks;
//   tasks.put(task);                                      // insert or replace, re-filed
//   std::vector<Task> page = tasks.open({.user = "ali", .groups = {"sales"}, .limit = 50});
//   tasks.erase_case(17);                                 // a removed case takes its tasks along
//
// What still walks more than a page: filters the indexes do not cover (step_id, due_at_or_before)
// skip the tasks of the chosen sets that fail them, so an overdue-only or step-only query without
// a user, group or case walks the open tasks in order until the page is full.
//
// Thread safety: none; MemoryStore calls it under its mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crmflow/store.hpp"
#include "crmflow/task.hpp"

namespace crmflow::store {

class TaskTable {
 public:
  // The task with this id (open or not), or nullptr. Valid until the next put or erase.
  const Task* find(TaskId id) const;

  // Inserts the task, or replaces the one with its id: the old one leaves every index (by what it
  // was: its key, assignee, candidates, case), the new one joins those it belongs to.
  void put(const Task& task);

  // Removes a task and every index entry of it; nothing when the id is unknown.
  void erase(TaskId id);
  // Removes every task of the case (open or not), as erase does.
  void erase_case(CaseId case_id);

  // Open tasks matching `filter` in worklist order, paged: exactly what a scan of every open task
  // with the filter's rules (store.hpp, TaskFilter) would give.
  std::vector<Task> open(const TaskFilter& filter) const;

  std::size_t size() const { return tasks_.size(); }
  std::size_t open_count() const { return open_.size(); }

 private:
  // Where an open task stands in every worklist: priority desc, due asc (none last), id asc.
  struct Key {
    std::int32_t priority = 0;
    bool has_due = false;
    Instant due{};
    TaskId id = kNoId;
    friend bool operator<(const Key& a, const Key& b) {
      if (a.priority != b.priority) return a.priority > b.priority;
      if (a.has_due != b.has_due) return a.has_due;  // a due moment first, none last
      if (a.has_due && a.due != b.due) return a.due < b.due;
      return a.id < b.id;
    }
  };
  using KeySet = std::set<Key>;
  // By name: hashed, since a name is looked up on every filing (an ordered map of 10,000 users
  // costs a dozen string comparisons a filing).
  using Index = std::unordered_map<std::string, KeySet>;

  static Key key_of(const Task& task);
  void file(const Task& task);
  void unfile(const Task& task);
  static void add(Index& index, const std::string& name, const Key& key);
  static void remove(Index& index, const std::string& name, const Key& key);
  static const KeySet* lookup(const Index& index, std::string_view name);

  std::vector<Task> by_case(const TaskFilter& filter) const;
  std::vector<Task> merged(const std::vector<const KeySet*>& sources,
                           const TaskFilter& filter) const;

  std::unordered_map<TaskId, Task> tasks_;     // every task, open or not
  std::set<std::pair<CaseId, TaskId>> cases_;  // every task, by case
  KeySet open_;                                // open tasks
  Index assigned_;                             // open tasks by assignee
  Index offered_to_user_;                      // open unassigned tasks by candidate user
  Index offered_to_group_;                     // open unassigned tasks by candidate group
  Index held_in_group_;                        // open assigned tasks by candidate group
};

}  // namespace crmflow::store
