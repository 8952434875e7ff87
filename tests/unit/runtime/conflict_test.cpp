// Two writers on one case: the slower call's commit is refused (`conflict`) and the engine runs
// the call again on the case as it is now; only a call that keeps losing reports `conflict`.
#include <algorithm>
#include <functional>

#include "forwarding_store.hpp"
#include "runtime/engine_impl.hpp"
#include "world.hpp"

namespace crmflow::test {
namespace {

// A Store that runs `before_commit` once, just before the next commit reaches the real store:
// another engine's call that slips in between a load and a commit.
class InterleavingStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  std::function<void()> before_commit;

  Status commit(const CaseChange& change) override {
    if (before_commit) {
      auto hook = std::move(before_commit);
      before_commit = nullptr;
      hook();
    }
    return ForwardingStore::commit(change);
  }
};

constexpr const char* kShared = R"yaml(
process: shared
steps:
  - {id: review, type: user, candidates: {groups: [reception]},
     form: [{name: verdict, type: string}]}
  - {id: done, type: end}
)yaml";

TEST_CASE("a call that loses a race runs again on the case as the winner left it",
          "[runtime][conflict]") {
  World w;  // its engine writes straight to w.store
  w.deploy(kShared);
  const CaseId id = w.start("shared");
  const TaskId task = w.task_at(id, "review").id;

  InterleavingStore racing{w.store};
  Engine slow{racing, EngineOptions{.clock = &w.clock, .directory = &w.directory}};

  SECTION("the winner's change leaves the call possible: it succeeds on top of it") {
    racing.before_commit = [&] { REQUIRE(w.engine.claim(task, "ali").ok()); };
    REQUIRE(slow.complete(task, {.by = "ali", .vars = Value::Object{{"verdict", "ok"}}}).ok());
    CHECK(w.status(id) == CaseStatus::completed);
    const auto events = w.events(id);
    // The claim, then the completion: both, in the order they were committed.
    const auto claimed = std::find(events.begin(), events.end(), "task_claimed:review");
    const auto completed = std::find(events.begin(), events.end(), "task_completed:review");
    CHECK(claimed < completed);
    CHECK(completed != events.end());
  }
  SECTION("the winner completed the task: the loser is told so, and nothing is done twice") {
    racing.before_commit = [&] {
      REQUIRE(w.engine.complete(task, {.by = "ali", .vars = Value::Object{{"verdict", "first"}}})
                  .ok());
    };
    auto lost = slow.complete(task, {.by = "ali", .vars = Value::Object{{"verdict", "second"}}});
    REQUIRE_FALSE(lost.ok());
    CHECK(lost.error().code == ErrorCode::invalid_state);
    CHECK_THAT(lost.error().message, Catch::Contains("completed"));
    CHECK(w.get(id).variables["verdict"] == Value{"first"});
    const auto events = w.events(id);
    CHECK(std::count(events.begin(), events.end(), "task_completed:review") == 1);
  }
}

TEST_CASE("a call that keeps losing races gives up with conflict and changes nothing",
          "[runtime][conflict]") {
  World w;
  w.deploy(kShared);
  const CaseId id = w.start("shared");
  const TaskId task = w.task_at(id, "review").id;

  InterleavingStore racing{w.store};
  Engine slow{racing, EngineOptions{.clock = &w.clock, .directory = &w.directory}};
  int interferences = 0;
  // Before every commit of the slow engine, another call changes the case (claim/unclaim).
  std::function<void()> interfere = [&] {
    ++interferences;
    const bool claimed = !w.task_at(id, "review").assignee.empty();
    REQUIRE((claimed ? w.engine.unclaim(task, "ali") : w.engine.claim(task, "ali")).ok());
    racing.before_commit = interfere;
  };
  racing.before_commit = interfere;
  auto lost = slow.complete(task, {.by = "ali", .vars = Value::Object{{"verdict", "ok"}}});
  racing.before_commit = nullptr;
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::conflict);
  CHECK_THAT(lost.error().message, Catch::Contains("changed by another call"));
  CHECK(interferences == runtime::kRaceAttempts);
  CHECK(w.get(id).variables["verdict"].is_null());
  CHECK(w.status(id) == CaseStatus::active);
}

}  // namespace
}  // namespace crmflow::test
