// Tasks: load_task, and open_tasks, the worklist query: which tasks a filter matches, the order
// (priority desc, due asc with no due last, id asc) and paging.
#include <catch2/catch.hpp>

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

TEST_CASE("tasks: load_task of an unknown id is not_found naming it", "[tasks]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  auto unknown = sut->store().load_task(77);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK_THAT(unknown.error().message, Catch::Contains("77"));
}

// The worklist of the examples below (all open, equal priority and no due unless stated):
//   1 assigned to ali (candidates: sara, group sales)
//   2 unassigned, candidate user ali
//   3 unassigned, candidate group sales
//   4 unassigned, candidate groups support and sales
//   5 assigned to sara, candidate user ali and group sales
//   6 unassigned, no candidates at all
//   7 unassigned, candidate user sara, group support
//   8 completed, assigned to ali          9 withdrawn, candidate group sales
void seed_worklist(Store& store) {
  CaseChange c = new_case(1);
  auto add = [&](TaskId id, std::string assignee, std::vector<std::string> users,
                 std::vector<std::string> groups, TaskStatus status = TaskStatus::open) {
    Task t = open_task(id, 1);
    t.assignee = std::move(assignee);
    t.candidate_users = std::move(users);
    t.candidate_groups = std::move(groups);
    t.status = status;
    c.tasks.push_back(t);
  };
  add(1, "ali", {"sara"}, {"sales"});
  add(2, "", {"ali"}, {});
  add(3, "", {}, {"sales"});
  add(4, "", {}, {"support", "sales"});
  add(5, "sara", {"ali"}, {"sales"});
  add(6, "", {}, {});
  add(7, "", {"sara"}, {"support"});
  add(8, "ali", {}, {}, TaskStatus::completed);
  add(9, "", {}, {"sales"}, TaskStatus::withdrawn);
  REQUIRE(store.commit(c).ok());
}

TEST_CASE("tasks: a user's worklist: assigned to them, or unassigned and offered to them",
          "[tasks]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  seed_worklist(sut->store());
  sut->reopen();
  Store& store = sut->store();
  // Assigned (1), candidate user (2); not 5: assigned to someone else though ali is a candidate.
  CHECK(open_ids(store, {.user = "ali"}) == Ids{1, 2});
  // With groups: also unassigned tasks offered to one of them (3, 4), never assigned ones (5).
  CHECK(open_ids(store, {.user = "ali", .groups = {"sales"}}) == Ids{1, 2, 3, 4});
  CHECK(open_ids(store, {.user = "ali", .groups = {"support"}}) == Ids{1, 2, 4, 7});
  CHECK(open_ids(store, {.user = "ali", .groups = {"nobody", "support"}}) == Ids{1, 2, 4, 7});
  CHECK(open_ids(store, {.user = "sara"}) == Ids{5, 7});  // 1 is assigned to ali
  CHECK(open_ids(store, {.user = "reza"}).empty());
  CHECK(open_ids(store, {.user = "Ali"}).empty());  // names are compared exactly
  // `group` is not read when `user` is given.
  CHECK(open_ids(store, {.user = "ali", .group = "support"}) == Ids{1, 2});
}

TEST_CASE("tasks: a group's queue: unassigned tasks offered to the group", "[tasks]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  seed_worklist(sut->store());
  Store& store = sut->store();
  CHECK(open_ids(store, {.group = "sales"}) == Ids{3, 4});  // not 1 or 5 (assigned), not 9
  CHECK(open_ids(store, {.group = "support"}) == Ids{4, 7});
  CHECK(open_ids(store, {.group = "Sales"}).empty());
  // No filter: every open task, none of the completed or withdrawn ones.
  CHECK(open_ids(store, {}) == Ids{1, 2, 3, 4, 5, 6, 7});
  // `groups` belongs to `user`: alone it filters nothing.
  CHECK(open_ids(store, {.groups = {"nobody"}}) == Ids{1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("tasks: a manager's view: every open task offered to one of the groups, held or not",
          "[tasks]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  seed_worklist(sut->store());
  sut->reopen();
  Store& store = sut->store();
  // Assigned ones too (1, 5), never completed or withdrawn ones (9), each task once (4).
  CHECK(open_ids(store, {.any_group = {"sales"}}) == Ids{1, 3, 4, 5});
  CHECK(open_ids(store, {.any_group = {"support"}}) == Ids{4, 7});
  CHECK(open_ids(store, {.any_group = {"support", "sales"}}) == Ids{1, 3, 4, 5, 7});
  CHECK(open_ids(store, {.any_group = {"nobody"}}).empty());
  CHECK(open_ids(store, {.any_group = {"Sales"}}).empty());
  // With paging and the other filters.
  CHECK(open_ids(store, {.any_group = {"sales"}, .limit = 2, .offset = 1}) == Ids{3, 4});
  CHECK(open_ids(store, {.case_id = 2, .any_group = {"sales"}}).empty());
  // `user` and `group` take precedence: any_group is not read with them.
  CHECK(open_ids(store, {.group = "support", .any_group = {"sales"}}) == Ids{4, 7});
  CHECK(open_ids(store, {.user = "sara", .any_group = {"sales"}}) == Ids{5, 7});
}

TEST_CASE("tasks: filters by case, step and due moment combine", "[tasks]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange one = new_case(1);
  CaseChange two = new_case(2);
  Task a = open_task(1, 1);
  a.step_id = "review";
  a.due = at(10);
  Task b = open_task(2, 1);
  b.step_id = "approve";
  b.due = at(20);
  Task c = open_task(3, 2);
  c.step_id = "review";
  c.due = at(5);
  c.candidate_groups = {"sales"};
  Task d = open_task(4, 2);
  d.step_id = "review";  // no due moment
  d.candidate_groups = {"sales"};
  one.tasks = {a, b};
  two.tasks = {c, d};
  REQUIRE(sut->store().commit(one).ok());
  REQUIRE(sut->store().commit(two).ok());
  sut->reopen();
  Store& store = sut->store();
  CHECK(open_ids(store, {.case_id = 1}) == Ids{1, 2});
  CHECK(open_ids(store, {.case_id = 3}).empty());
  CHECK(open_ids(store, {.step_id = "review"}) == Ids{3, 1, 4});  // due asc, none last
  CHECK(open_ids(store, {.case_id = 2, .step_id = "review"}) == Ids{3, 4});
  // Due at or before: the bound itself counts; tasks without a due moment never match.
  CHECK(open_ids(store, {.due_at_or_before = at(10)}) == Ids{3, 1});
  CHECK(open_ids(store, {.due_at_or_before = at(4)}).empty());
  CHECK(open_ids(store, {.due_at_or_before = at(10) - std::chrono::milliseconds{1}}) == Ids{3});
  CHECK(open_ids(store, {.group = "sales", .due_at_or_before = at(100)}) == Ids{3});
}

TEST_CASE("tasks: ordered by priority desc, then due asc (none last), then id asc", "[tasks]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  auto add = [&](TaskId id, int priority, std::optional<Instant> due) {
    Task t = open_task(id, 1);
    t.priority = priority;
    t.due = due;
    c.tasks.push_back(t);
  };
  add(1, 50, std::nullopt);
  add(2, 50, at(30));
  add(3, 90, std::nullopt);
  add(4, 50, at(10));
  add(5, 0, at(1));
  add(6, 50, at(10));
  add(7, 100, at(60));
  add(8, 90, at(-60));  // before the others, and before the suite's epoch
  add(9, 50, std::nullopt);
  add(10, 5, std::nullopt);  // 5 < 50 as numbers
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  Store& store = sut->store();
  const Ids all{7, 8, 3, 4, 6, 2, 1, 9, 10, 5};
  CHECK(open_ids(store, {}) == all);
  // Paging cuts the ordered list.
  CHECK(open_ids(store, {.limit = 3}) == Ids{7, 8, 3});
  CHECK(open_ids(store, {.limit = 3, .offset = 3}) == Ids{4, 6, 2});
  CHECK(open_ids(store, {.limit = 100, .offset = 8}) == Ids{10, 5});
  CHECK(open_ids(store, {.offset = 9}) == Ids{5});
  CHECK(open_ids(store, {.offset = 10}).empty());
  CHECK(open_ids(store, {.offset = 1000}).empty());
}

TEST_CASE("tasks: a task committed again replaces the one with its id", "[tasks][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  Task t = open_task(1, 1);
  t.candidate_groups = {"sales"};
  c.tasks = {t, open_task(2, 1)};
  REQUIRE(sut->store().commit(c).ok());

  // Claimed: assigned, no longer in the group queue, on the user's worklist.
  CaseChange claim = update_of(*sut->store().load_case(1));
  t.assignee = "ali";
  claim.tasks = {t};
  REQUIRE(sut->store().commit(claim).ok());
  sut->reopen();
  CHECK(open_ids(sut->store(), {.group = "sales"}).empty());
  CHECK(open_ids(sut->store(), {.user = "ali"}) == Ids{1});
  check_same(*sut->store().load_task(1), t);

  // Completed: off every worklist, still loadable with its end.
  CaseChange complete = update_of(*sut->store().load_case(1));
  t.status = TaskStatus::completed;
  t.ended_at = at(3);
  t.completed_by = "ali";
  complete.tasks = {t};
  REQUIRE(sut->store().commit(complete).ok());
  sut->reopen();
  CHECK(open_ids(sut->store(), {}) == Ids{2});
  CHECK(open_ids(sut->store(), {.user = "ali"}).empty());
  check_same(*sut->store().load_task(1), t);
  check_same(*sut->store().load_task(2), open_task(2, 1));  // untouched
}

}  // namespace
}  // namespace crmflow::conformance
