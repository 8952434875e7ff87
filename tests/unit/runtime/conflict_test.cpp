// Two writers on one case: the slower call fails with `conflict` and changes nothing.
#include <functional>

#include "world.hpp"

namespace crmflow::test {
namespace {

// A Store that runs `before_commit` once, just before the next commit reaches the real store:
// another engine's call that slips in between a load and a commit.
class InterleavingStore final : public Store {
 public:
  explicit InterleavingStore(Store& inner) : inner_(inner) {}
  std::function<void()> before_commit;

  Result<std::uint64_t> allocate_id(IdKind kind) override { return inner_.allocate_id(kind); }
  Status add_definition(const DefinitionRecord& r) override { return inner_.add_definition(r); }
  Result<std::optional<DefinitionRecord>> latest_definition(std::string_view id) override {
    return inner_.latest_definition(id);
  }
  Result<std::optional<DefinitionRecord>> definition(std::string_view id,
                                                     std::int64_t version) override {
    return inner_.definition(id, version);
  }
  Result<std::vector<DefinitionRecord>> latest_definitions() override {
    return inner_.latest_definitions();
  }
  Result<CaseRecord> load_case(CaseId id) override { return inner_.load_case(id); }
  Result<std::vector<CaseRecord>> find_cases(const CaseQuery& q) override {
    return inner_.find_cases(q);
  }
  Result<Task> load_task(TaskId id) override { return inner_.load_task(id); }
  Result<std::vector<Task>> open_tasks(const TaskFilter& f) override {
    return inner_.open_tasks(f);
  }
  Result<std::optional<JobRecord>> next_due_job(Instant now) override {
    return inner_.next_due_job(now);
  }
  Result<std::optional<Instant>> next_due() override { return inner_.next_due(); }
  Status lease_job(JobId id, Instant now, Instant until) override {
    return inner_.lease_job(id, now, until);
  }
  Result<std::vector<Notification>> outbox(CaseId id) override { return inner_.outbox(id); }
  Result<std::vector<Subscription>> subscriptions(SubscriptionKind kind, std::string_view name,
                                                  std::string_view key) override {
    return inner_.subscriptions(kind, name, key);
  }
  Result<std::vector<HistoryEvent>> history(CaseId id) override { return inner_.history(id); }
  Status commit(const CaseChange& change) override {
    if (before_commit) {
      auto hook = std::move(before_commit);
      before_commit = nullptr;
      hook();
    }
    return inner_.commit(change);
  }

 private:
  Store& inner_;
};

TEST_CASE("a case changed underneath a call makes the call fail with conflict",
          "[runtime][conflict]") {
  World w;  // its engine writes straight to w.store
  w.deploy(R"yaml(
process: shared
steps:
  - {id: review, type: user, candidates: {groups: [reception]},
     form: [{name: verdict, type: string}]}
  - {id: done, type: end}
)yaml");
  const CaseId id = w.start("shared");
  const TaskId task = w.task_at(id, "review").id;

  InterleavingStore racing{w.store};
  Engine slow{racing, EngineOptions{.clock = &w.clock, .directory = &w.directory}};
  racing.before_commit = [&] { REQUIRE(w.engine.claim(task, "ali").ok()); };
  auto lost = slow.complete(task, {.by = "ali", .vars = Value::Object{{"verdict", "ok"}}});
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::conflict);
  CHECK_THAT(lost.error().message, Catch::Contains("changed by another call"));

  // The claim stands; the completion left no trace.
  const Case c = w.get(id);
  CHECK(c.active == Steps{"review"});
  CHECK(c.variables["verdict"].is_null());
  CHECK(w.task_at(id, "review").assignee == "ali");
  CHECK(w.events(id).back() == "task_claimed:review");

  // Called again, it succeeds on the case as it is now.
  REQUIRE(slow.complete(task, {.by = "ali", .vars = Value::Object{{"verdict", "ok"}}}).ok());
  CHECK(w.status(id) == CaseStatus::completed);
}

}  // namespace
}  // namespace crmflow::test
