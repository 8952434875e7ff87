// A manager's view of a group's tasks and reassigning on a manager's authority
// (Engine::reassign, TaskQuery::manager).
#include "world.hpp"

namespace crmflow::test {
namespace {

const char* const kTwoQueues = R"(
process: queues
steps:
  - {id: intake, type: user, candidates: {groups: [reception]}, next: bench}
  - {id: bench, type: user, candidates: {groups: [technicians]}, next: done}
  - {id: done, type: end}
)";

const char* const kParallelQueues = R"(
process: both
steps:
  - {id: split, type: parallel, next: [intake, bench]}
  - {id: intake, type: user, candidates: {groups: [reception]}, next: join}
  - {id: bench, type: user, candidates: {groups: [technicians]}, next: join}
  - {id: join, type: parallel, next: [done]}
  - {id: done, type: end}
)";

std::vector<std::string> steps_of(const std::vector<Task>& tasks) {
  std::vector<std::string> out;
  for (const Task& t : tasks) out.push_back(t.step_id);
  std::sort(out.begin(), out.end());
  return out;
}

struct ManagedWorld : World {
  ManagedWorld() {
    directory.add_user("mina", {"managers"});
    REQUIRE(directory.set_managed_groups("mina", {"reception"}));
    directory.add_user("kave", {"managers"});
    REQUIRE(directory.set_managed_groups("kave", {"reception", "technicians"}));
  }

  std::vector<std::string> managed_view(const std::string& manager) {
    auto tasks = engine.tasks(TaskQuery{.manager = manager});
    REQUIRE(tasks.ok());
    return steps_of(*tasks);
  }
};

TEST_CASE("a manager sees every task of the groups they manage, held or not",
          "[runtime][worklist][manager]") {
  ManagedWorld w;
  w.deploy(kParallelQueues);
  const CaseId one = w.start("both");
  w.start("both");
  CHECK(w.managed_view("mina") == std::vector<std::string>{"intake", "intake"});
  CHECK(w.managed_view("kave") == std::vector<std::string>{"bench", "bench", "intake", "intake"});
  // Claimed tasks stay in the view (a group's queue drops them).
  REQUIRE(w.engine.claim(w.task_at(one, "intake").id, "ali").ok());
  CHECK(w.managed_view("mina") == std::vector<std::string>{"intake", "intake"});
  auto queue = w.engine.tasks(TaskQuery{.group = "reception"});
  REQUIRE(queue.ok());
  CHECK(queue->size() == 1);
  // Someone who manages nothing sees nothing, not every task; nor does an unknown user.
  CHECK(w.managed_view("ali").empty());
  CHECK(w.managed_view("nobody").empty());
  // Completed tasks leave the view.
  w.complete(one, "intake", "ali");
  CHECK(w.managed_view("mina") == std::vector<std::string>{"intake"});
  // Paging and filters combine with it.
  auto page = w.engine.tasks(TaskQuery{.manager = "kave", .case_id = one});
  REQUIRE(page.ok());
  CHECK(steps_of(*page) == std::vector<std::string>{"bench"});
}

TEST_CASE("a manager reassigns a task of their group; others may not",
          "[runtime][worklist][reassign]") {
  ManagedWorld w;
  w.deploy(kTwoQueues);
  const CaseId id = w.start("queues");
  const TaskId t = w.task_at(id, "intake").id;
  REQUIRE(w.engine.claim(t, "ali").ok());

  SECTION("to another user, who may then complete it") {
    REQUIRE(w.engine.reassign(t, {.by = "mina", .to = "sara"}).ok());
    CHECK(w.task_at(id, "intake").assignee == "sara");
    auto old_holder = w.engine.complete(t, {.by = "ali"});
    REQUIRE_FALSE(old_holder.ok());
    CHECK(old_holder.error().code == ErrorCode::not_authorized);
    REQUIRE(w.engine.complete(t, {.by = "sara"}).ok());
    auto history = w.engine.history(id);
    REQUIRE(history.ok());
    const auto delegated = std::find_if(history->begin(), history->end(), [](const auto& e) {
      return e.event == EventType::task_delegated;
    });
    REQUIRE(delegated != history->end());
    CHECK(delegated->by == "mina");
    CHECK(delegated->data["from"].as_string() == "ali");
    CHECK(delegated->data["to"].as_string() == "sara");
    CHECK(delegated->data["reassigned"].as_bool());
  }
  SECTION("back to its candidates") {
    REQUIRE(w.engine.reassign(t, {.by = "mina"}).ok());
    CHECK(w.task_at(id, "intake").assignee.empty());
    CHECK(w.events(id).back() == "task_unclaimed:intake");
    REQUIRE(w.engine.claim(t, "ali").ok());
  }
  SECTION("to its holder: nothing changes, nothing is recorded") {
    const std::size_t before = w.events(id).size();
    REQUIRE(w.engine.reassign(t, {.by = "kave", .to = "ali"}).ok());
    CHECK(w.events(id).size() == before);
  }
  SECTION("refusals change nothing") {
    const std::size_t before = w.events(id).size();
    // The holder is no manager: they delegate instead.
    auto holder = w.engine.reassign(t, {.by = "ali", .to = "sara"});
    REQUIRE_FALSE(holder.ok());
    CHECK(holder.error().code == ErrorCode::not_authorized);
    CHECK_THAT(holder.error().message, Catch::Contains("manages none of its groups (reception)"));
    // A manager of other groups only.
    w.directory.add_user("tara", {});
    REQUIRE(w.directory.set_managed_groups("tara", {"technicians"}));
    auto other = w.engine.reassign(t, {.by = "tara", .to = "sara"});
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().code == ErrorCode::not_authorized);
    auto unknown_by = w.engine.reassign(t, {.by = "ghost", .to = "sara"});
    REQUIRE_FALSE(unknown_by.ok());
    CHECK(unknown_by.error().code == ErrorCode::not_authorized);
    CHECK_THAT(unknown_by.error().message, Catch::Contains("unknown to the directory"));
    auto unknown_to = w.engine.reassign(t, {.by = "mina", .to = "ghost"});
    REQUIRE_FALSE(unknown_to.ok());
    CHECK(unknown_to.error().code == ErrorCode::invalid_input);
    CHECK_THAT(unknown_to.error().message, Catch::Contains("'ghost'"));
    auto no_task = w.engine.reassign(9999, {.by = "mina", .to = "sara"});
    REQUIRE_FALSE(no_task.ok());
    CHECK(no_task.error().code == ErrorCode::not_found);
    CHECK(w.task_at(id, "intake").assignee == "ali");
    CHECK(w.events(id).size() == before);
  }
  SECTION("an administrator's override needs no group, but a name") {
    REQUIRE(w.engine.reassign(t, {.by = "root", .to = "omid", .admin_override = true}).ok());
    CHECK(w.task_at(id, "intake").assignee == "omid");
    auto anonymous = w.engine.reassign(t, {.to = "sara", .admin_override = true});
    REQUIRE_FALSE(anonymous.ok());
    CHECK(anonymous.error().code == ErrorCode::not_authorized);
  }
  SECTION("a completed task cannot be reassigned") {
    w.complete(id, "intake", "ali");
    auto done = w.engine.reassign(t, {.by = "mina", .to = "sara"});
    REQUIRE_FALSE(done.ok());
    CHECK(done.error().code == ErrorCode::invalid_state);
  }
}

TEST_CASE("a task offered to no group has no manager", "[runtime][worklist][reassign]") {
  ManagedWorld w;
  w.deploy(R"(
process: direct
steps:
  - {id: call, type: user, assignee: ali}
  - {id: done, type: end}
)");
  const CaseId id = w.start("direct");
  auto refused = w.engine.reassign(w.task_at(id, "call").id, {.by = "kave", .to = "sara"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::not_authorized);
  CHECK_THAT(refused.error().message, Catch::Contains("offered to no group"));
}

}  // namespace
}  // namespace crmflow::test
