// Worklists as tasks change: claim, unclaim, delegate, completion, a new priority or due moment,
// candidates named in several ways at once, and paging. A store that answers worklists from
// indexes (MemoryStore's per-user and per-group sets, SQLite's task_candidates) must keep them in
// step with every commit; the last test checks every page of many filters against the rules of
// TaskFilter applied by hand, through a long run of random changes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

using Ids = std::vector<std::uint64_t>;

Ids open_ids(Store& store, const TaskFilter& filter) {
  auto tasks = store.open_tasks(filter);
  REQUIRE(tasks.ok());
  for (const Task& t : *tasks) CHECK(t.status == TaskStatus::open);
  return ids_of(*tasks);
}

// Commits `tasks` (new or replacing) in one change of case `case_id`, which must exist.
void save(Store& store, CaseId case_id, std::vector<Task> tasks) {
  auto record = store.load_case(case_id);
  REQUIRE(record.ok());
  CaseChange change = update_of(*record);
  change.tasks = std::move(tasks);
  REQUIRE(store.commit(change).ok());
}

Task offered(TaskId id, CaseId case_id, std::vector<std::string> users,
             std::vector<std::string> groups) {
  Task t = open_task(id, case_id);
  t.candidate_users = std::move(users);
  t.candidate_groups = std::move(groups);
  return t;
}

TEST_CASE("worklist: a claim moves a task from the group's queue to the user's own list",
          "[tasks][worklist]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  Task t = offered(1, 1, {"sara"}, {"sales"});
  c.tasks = {t, offered(2, 1, {}, {"sales"})};
  REQUIRE(sut->store().commit(c).ok());
  Store& store = sut->store();
  CHECK(open_ids(store, {.group = "sales"}) == Ids{1, 2});
  CHECK(open_ids(store, {.user = "sara"}) == Ids{1});

  t.assignee = "ali";  // claimed by ali, a member of sales
  save(store, 1, {t});
  sut->reopen();
  Store& after = sut->store();
  CHECK(open_ids(after, {.group = "sales"}) == Ids{2});
  CHECK(open_ids(after, {.user = "ali", .groups = {"sales"}}) == Ids{1, 2});
  CHECK(open_ids(after, {.user = "ali"}) == Ids{1});
  CHECK(open_ids(after, {.user = "sara", .groups = {"sales"}}) == Ids{2});  // held by ali now
  CHECK(open_ids(after, {.any_group = {"sales"}}) == Ids{1, 2});  // the manager still sees it

  t.assignee.clear();  // unclaimed: back in the queue, off ali's own list
  save(after, 1, {t});
  sut->reopen();
  CHECK(open_ids(sut->store(), {.group = "sales"}) == Ids{1, 2});
  CHECK(open_ids(sut->store(), {.user = "ali"}).empty());
  CHECK(open_ids(sut->store(), {.user = "sara"}) == Ids{1});
}

TEST_CASE("worklist: a delegated task leaves the old assignee's list for the new one's",
          "[tasks][worklist]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  Task t = offered(1, 1, {}, {"support"});
  t.assignee = "ali";
  c.tasks = {t};
  REQUIRE(sut->store().commit(c).ok());
  t.assignee = "sara";
  save(sut->store(), 1, {t});
  sut->reopen();
  Store& store = sut->store();
  CHECK(open_ids(store, {.user = "ali", .groups = {"support"}}).empty());
  CHECK(open_ids(store, {.user = "sara"}) == Ids{1});
  CHECK(open_ids(store, {.group = "support"}).empty());
  CHECK(open_ids(store, {.any_group = {"support"}}) == Ids{1});
}

TEST_CASE("worklist: a completed or withdrawn task leaves every list it was on",
          "[tasks][worklist]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  Task held = offered(1, 1, {"sara"}, {"sales", "support"});
  held.assignee = "ali";
  Task queued = offered(2, 1, {"ali", "sara"}, {"sales", "support"});
  c.tasks = {held, queued, offered(3, 1, {}, {"sales"})};
  REQUIRE(sut->store().commit(c).ok());
  held.status = TaskStatus::completed;
  held.ended_at = at(5);
  held.completed_by = "ali";
  queued.status = TaskStatus::withdrawn;
  queued.ended_at = at(5);
  save(sut->store(), 1, {held, queued});
  sut->reopen();
  Store& store = sut->store();
  for (const TaskFilter& filter :
       std::vector<TaskFilter>{{.user = "ali"},
                               {.user = "ali", .groups = {"sales", "support"}},
                               {.user = "sara", .groups = {"sales"}},
                               {.group = "sales"},
                               {.any_group = {"sales", "support"}},
                               {}}) {
    CHECK(open_ids(store, filter) ==
          (filter.user == "ali" && filter.groups.empty() ? Ids{} : Ids{3}));
  }
  CHECK(open_ids(store, {.group = "support"}).empty());
  CHECK(open_ids(store, {.case_id = 1}) == Ids{3});
  CHECK((*store.load_task(1)).status == TaskStatus::completed);  // still loadable
  // Committing the ended task again (say, an unchanged copy) does not bring it back.
  save(store, 1, {held});
  CHECK(open_ids(sut->store(), {.user = "ali"}).empty());
}

TEST_CASE("worklist: a task offered in several ways to one user is listed once",
          "[tasks][worklist]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  // Offered to ali by name and through three of ali's groups (one named twice in the task).
  c.tasks = {offered(1, 1, {"ali"}, {"g1", "g2", "g3", "g2"}), offered(2, 1, {}, {"g3"}),
             offered(3, 1, {"ali", "ali"}, {}), offered(4, 1, {}, {"g4"})};
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  Store& store = sut->store();
  CHECK(open_ids(store, {.user = "ali", .groups = {"g1", "g2", "g3"}}) == Ids{1, 2, 3});
  // The filter may name a group twice; each task is still listed once.
  CHECK(open_ids(store, {.user = "ali", .groups = {"g3", "g1", "g3"}}) == Ids{1, 2, 3});
  CHECK(open_ids(store, {.any_group = {"g2", "g1", "g3", "g2"}}) == Ids{1, 2});
  CHECK(open_ids(store, {.group = "g2"}) == Ids{1});
  // Pages of the merged list: no task twice, none lost at the seams.
  CHECK(open_ids(store, {.user = "ali", .groups = {"g1", "g2", "g3"}, .limit = 1}) == Ids{1});
  CHECK(open_ids(store, {.user = "ali", .groups = {"g1", "g2", "g3"}, .limit = 1, .offset = 1}) ==
        Ids{2});
  CHECK(open_ids(store, {.user = "ali", .groups = {"g1", "g2", "g3"}, .limit = 5, .offset = 2}) ==
        Ids{3});
  CHECK(open_ids(store, {.any_group = {"g1", "g2", "g3", "g4"}, .limit = 2, .offset = 2}) ==
        Ids{4});

  // Completing it takes it off every one of those lists; a duplicate name leaves nothing behind.
  Task done = offered(1, 1, {"ali"}, {"g1", "g2", "g3", "g2"});
  done.status = TaskStatus::completed;
  done.completed_by = "ali";
  save(store, 1, {done});
  sut->reopen();
  CHECK(open_ids(sut->store(), {.user = "ali", .groups = {"g1", "g2", "g3"}}) == Ids{2, 3});
  CHECK(open_ids(sut->store(), {.group = "g2"}).empty());
  CHECK(open_ids(sut->store(), {.any_group = {"g1", "g2"}}).empty());
}

TEST_CASE("worklist: a new priority, due moment or candidate list re-orders and re-files a task",
          "[tasks][worklist]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  Task a = offered(1, 1, {}, {"sales"});
  Task b = offered(2, 1, {}, {"sales"});
  Task d = offered(3, 1, {}, {"sales"});
  c.tasks = {a, b, d};
  REQUIRE(sut->store().commit(c).ok());
  Store& store = sut->store();
  CHECK(open_ids(store, {.group = "sales"}) == Ids{1, 2, 3});

  d.priority = 90;  // escalated
  b.due = at(30);
  save(store, 1, {d, b});
  sut->reopen();
  CHECK(open_ids(sut->store(), {.group = "sales"}) == Ids{3, 2, 1});
  CHECK(open_ids(sut->store(), {.group = "sales", .limit = 1, .offset = 1}) == Ids{2});

  // Moved to another group: off the old queue, on the new one, in order.
  a.candidate_groups = {"support"};
  a.priority = 95;
  save(sut->store(), 1, {a});
  sut->reopen();
  CHECK(open_ids(sut->store(), {.group = "sales"}) == Ids{3, 2});
  CHECK(open_ids(sut->store(), {.group = "support"}) == Ids{1});
  CHECK(open_ids(sut->store(), {.user = "reza", .groups = {"sales", "support"}}) == Ids{1, 3, 2});
  CHECK(open_ids(sut->store(), {}) == Ids{1, 3, 2});
}

// ---- every page of many filters, through random changes, against TaskFilter's rules by hand ----

bool listed(const Task& t, const TaskFilter& f) {
  auto has = [](const std::vector<std::string>& list, const std::string& x) {
    return std::find(list.begin(), list.end(), x) != list.end();
  };
  if (t.status != TaskStatus::open) return false;
  if (f.case_id != kNoId && t.case_id != f.case_id) return false;
  if (!f.step_id.empty() && t.step_id != f.step_id) return false;
  if (f.due_at_or_before && (!t.due || *t.due > *f.due_at_or_before)) return false;
  if (!f.user.empty()) {
    if (t.assignee == f.user) return true;
    if (!t.assignee.empty()) return false;
    if (has(t.candidate_users, f.user)) return true;
    return std::any_of(f.groups.begin(), f.groups.end(),
                       [&](const std::string& g) { return has(t.candidate_groups, g); });
  }
  if (!f.group.empty()) return t.assignee.empty() && has(t.candidate_groups, f.group);
  if (!f.any_group.empty()) {
    return std::any_of(f.any_group.begin(), f.any_group.end(),
                       [&](const std::string& g) { return has(t.candidate_groups, g); });
  }
  return true;
}

Ids expected(const std::vector<Task>& all, const TaskFilter& f) {
  std::vector<const Task*> hits;
  for (const Task& t : all) {
    if (listed(t, f)) hits.push_back(&t);
  }
  std::sort(hits.begin(), hits.end(), [](const Task* a, const Task* b) {
    if (a->priority != b->priority) return a->priority > b->priority;
    if (a->due.has_value() != b->due.has_value()) return a->due.has_value();
    if (a->due && *a->due != *b->due) return *a->due < *b->due;
    return a->id < b->id;
  });
  Ids out;
  for (std::size_t i = f.offset; i < hits.size(); ++i) {
    out.push_back(hits[i]->id);
    if (f.limit != 0 && out.size() == f.limit) break;
  }
  return out;
}

TEST_CASE("worklist: every page of every filter matches TaskFilter's rules through changes",
          "[tasks][worklist]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  const std::vector<std::string> users{"ali", "sara", "reza", "mina"};
  const std::vector<std::string> groups{"sales", "support", "repair", "office"};
  std::mt19937 random{2026};
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  auto some = [&](const std::vector<std::string>& from) {
    std::vector<std::string> out;
    for (const std::string& x : from) {
      if (pick(3) == 0) out.push_back(x);
    }
    return out;
  };
  auto random_task = [&](TaskId id, CaseId case_id) {
    Task t = offered(id, case_id, some(users), some(groups));
    if (pick(3) == 0) t.assignee = users[static_cast<std::size_t>(pick(4))];
    t.priority = std::vector<int>{0, 50, 50, 50, 90}[static_cast<std::size_t>(pick(5))];
    if (pick(2) == 0) t.due = at(pick(6) * 10);
    t.step_id = pick(2) == 0 ? "review" : "approve";
    return t;
  };

  constexpr CaseId kCases = 4;
  std::vector<Task> all;
  for (CaseId c = 1; c <= kCases; ++c) {
    CaseChange change = new_case(c);
    for (int i = 0; i < 15; ++i) {
      all.push_back(random_task(all.size() + 1, c));
      change.tasks.push_back(all.back());
    }
    REQUIRE(sut->store().commit(change).ok());
  }

  std::vector<TaskFilter> filters{{}, {.group = "sales"}, {.any_group = {"repair", "sales"}}};
  for (const std::string& u : users) {
    filters.push_back({.user = u});
    filters.push_back({.user = u, .groups = {"sales", "support"}});
    filters.push_back({.user = u, .groups = {"office", "repair", "sales", "support"}});
  }
  filters.push_back({.step_id = "review", .user = "ali", .groups = {"sales"}});
  filters.push_back({.user = "sara", .groups = {"repair"}, .due_at_or_before = at(30)});
  filters.push_back({.case_id = 2, .user = "ali", .groups = {"office"}});
  filters.push_back({.due_at_or_before = at(20)});
  filters.push_back({.case_id = 3});

  auto check_all = [&](Store& store) {
    for (const TaskFilter& base : filters) {
      INFO("user '" << base.user << "' group '" << base.group << "' groups " << base.groups.size()
                    << " any_group " << base.any_group.size());
      const Ids whole = expected(all, base);
      CHECK(open_ids(store, base) == whole);
      for (std::size_t limit : {1u, 3u, 7u}) {
        for (std::size_t offset = 0; offset <= whole.size(); offset += limit) {
          TaskFilter page = base;
          page.limit = limit;
          page.offset = offset;
          CHECK(open_ids(store, page) == expected(all, page));
        }
      }
    }
  };

  for (int round = 0; round < 6; ++round) {
    // Claims, unclaims, delegations, new priorities and due moments, completions, new tasks.
    for (CaseId c = 1; c <= kCases; ++c) {
      std::vector<Task> changed;
      for (Task& t : all) {
        if (t.case_id != c || t.status != TaskStatus::open || pick(3) != 0) continue;
        switch (pick(6)) {
          case 0:
            t.assignee = users[static_cast<std::size_t>(pick(4))];
            break;
          case 1:
            t.assignee.clear();
            break;
          case 2:
            t.priority = pick(101);
            break;
          case 3:
            t.due = pick(2) == 0 ? std::optional<Instant>{} : at(pick(6) * 10);
            break;
          case 4:
            t.candidate_groups = some(groups);
            break;
          default:
            t.status = pick(2) == 0 ? TaskStatus::completed : TaskStatus::withdrawn;
            t.ended_at = at(60);
            break;
        }
        changed.push_back(t);
      }
      all.push_back(random_task(all.size() + 1, c));
      changed.push_back(all.back());
      save(sut->store(), c, changed);
    }
    sut->reopen();
    check_all(sut->store());
  }
}

}  // namespace
}  // namespace crmflow::conformance
