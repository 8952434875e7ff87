// TaskTable (src/store/memory_tasks.hpp) beyond the Store contract, which the conformance suite
// checks through MemoryStore: removing tasks (the path a removed case takes) leaves no entry in
// any worklist index, and a worklist reads only the sets of the names it asks for.
#include "store/memory_tasks.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crmflow::store {
namespace {

using Ids = std::vector<std::uint64_t>;

Task task(TaskId id, CaseId case_id, std::string assignee, std::vector<std::string> users,
          std::vector<std::string> groups) {
  Task t;
  t.id = id;
  t.case_id = case_id;
  t.step_id = "review";
  t.assignee = std::move(assignee);
  t.candidate_users = std::move(users);
  t.candidate_groups = std::move(groups);
  return t;
}

Ids ids(const std::vector<Task>& tasks) {
  Ids out;
  for (const Task& t : tasks) out.push_back(t.id);
  return out;
}

TEST_CASE("TaskTable: erasing a case's tasks takes them off every worklist", "[store]") {
  TaskTable table;
  table.put(task(1, 1, "ali", {"sara"}, {"sales"}));
  table.put(task(2, 1, "", {"ali"}, {"sales", "support"}));
  table.put(task(3, 2, "", {"ali"}, {"sales"}));
  Task done = task(4, 1, "ali", {}, {"sales"});
  done.status = TaskStatus::completed;
  table.put(done);
  REQUIRE(table.size() == 4);
  REQUIRE(table.open_count() == 3);

  table.erase_case(1);
  CHECK(table.size() == 1);
  CHECK(table.open_count() == 1);
  CHECK(table.find(1) == nullptr);
  CHECK(table.find(4) == nullptr);  // ended tasks go too
  CHECK(ids(table.open({})) == Ids{3});
  CHECK(ids(table.open({.user = "ali", .groups = {"sales", "support"}})) == Ids{3});
  CHECK(ids(table.open({.group = "support"})).empty());
  CHECK(ids(table.open({.any_group = {"sales", "support"}})) == Ids{3});
  CHECK(ids(table.open({.case_id = 1})).empty());

  table.erase(3);
  table.erase(3);  // an unknown id: nothing
  CHECK(table.size() == 0);
  CHECK(table.open({}).empty());
  CHECK(table.open({.user = "ali", .groups = {"sales"}}).empty());

  // The ids may come back (another case reuses nothing in practice; the table does not care).
  table.put(task(1, 3, "", {}, {"support"}));
  CHECK(ids(table.open({.group = "support"})) == Ids{1});
  CHECK(ids(table.open({.case_id = 3})) == Ids{1});
}

TEST_CASE("TaskTable: a task re-committed under another case is listed under the new one",
          "[store]") {
  TaskTable table;
  table.put(task(1, 1, "", {"ali"}, {}));
  table.put(task(1, 2, "", {"ali"}, {}));
  CHECK(table.open({.case_id = 1}).empty());
  CHECK(ids(table.open({.case_id = 2})) == Ids{1});
  table.erase_case(1);
  CHECK(table.find(1) != nullptr);
  table.erase_case(2);
  CHECK(table.find(1) == nullptr);
  CHECK(table.open({.user = "ali"}).empty());
}

TEST_CASE("TaskTable: a worklist of many tasks is paged from the indexes in order", "[store]") {
  TaskTable table;
  // 3,000 tasks: every third assigned to ali, the others offered to one of 10 groups; priorities
  // in three bands, so the order interleaves the sets.
  for (TaskId id = 1; id <= 3000; ++id) {
    Task t = id % 3 == 0 ? task(id, id, "ali", {}, {"g" + std::to_string(id % 10)})
                         : task(id, id, "", {}, {"g" + std::to_string(id % 10)});
    t.priority = static_cast<std::int32_t>(id % 7 == 0 ? 90 : id % 5 == 0 ? 10 : 50);
    table.put(t);
  }
  const TaskFilter all{.user = "ali", .groups = {"g1", "g2"}};
  const std::vector<Task> whole = table.open(all);
  // ali's 1,000 plus the unassigned ones of g1 and g2 (ids ending in 1 or 2, not multiples of 3).
  std::size_t expected = 1000;
  for (TaskId id = 1; id <= 3000; ++id) {
    if (id % 3 != 0 && (id % 10 == 1 || id % 10 == 2)) ++expected;
  }
  REQUIRE(whole.size() == expected);
  for (std::size_t i = 1; i < whole.size(); ++i) {
    const Task& a = whole[i - 1];
    const Task& b = whole[i];
    CHECK((a.priority > b.priority || (a.priority == b.priority && a.id < b.id)));
  }
  std::vector<Task> paged;
  for (std::size_t offset = 0; offset < whole.size(); offset += 50) {
    TaskFilter page = all;
    page.limit = 50;
    page.offset = offset;
    for (Task& t : table.open(page)) paged.push_back(std::move(t));
  }
  CHECK(ids(paged) == ids(whole));
}

}  // namespace
}  // namespace crmflow::store
