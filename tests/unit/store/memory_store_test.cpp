// MemoryStore: the Store contract in records (this file is the seed of the conformance suite
// every store will run).
#include "crmflow/memory_store.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>

#include "store/case_state.hpp"

namespace crmflow {
namespace {

Instant at(int minutes) { return Instant{std::chrono::minutes{minutes}}; }

CaseChange new_case(CaseId id) {
  CaseChange change;
  change.is_new = true;
  change.record.id = id;
  change.record.process_id = "p";
  change.record.version = 1;
  change.record.row_version = 1;
  change.record.variables = Value::Object{};
  change.record.state = std::make_shared<const CaseState>();
  return change;
}

TEST_CASE("ids increase per kind and are never 0", "[store]") {
  MemoryStore store;
  CHECK(*store.allocate_id(IdKind::case_id) == 1);
  CHECK(*store.allocate_id(IdKind::case_id) == 2);
  CHECK(*store.allocate_id(IdKind::task_id) == 1);
}

TEST_CASE("commit checks the row version; a refused commit writes nothing", "[store][commit]") {
  MemoryStore store;
  REQUIRE(store.commit(new_case(1)).ok());
  auto twice = store.commit(new_case(1));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::conflict);

  CaseChange update;
  update.record = *store.load_case(1);
  update.expected_row_version = 1;
  update.record.row_version = 2;
  update.record.key = "changed";
  REQUIRE(store.commit(update).ok());

  CaseChange stale = update;  // still expects version 1
  stale.record.key = "lost";
  JobRecord job;
  job.id = 7;
  job.case_id = 1;
  job.due = at(1);
  stale.jobs_added.push_back(job);
  auto refused = store.commit(stale);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("changed by another call"));
  CHECK(store.load_case(1)->key == "changed");
  CHECK_FALSE(store.next_due()->has_value());

  auto unknown = store.load_case(99);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
}

TEST_CASE("linked changes commit with the main one, all or nothing", "[store][commit]") {
  MemoryStore store;
  REQUIRE(store.commit(new_case(1)).ok());
  // A caller (case 1) and the child it starts (case 2) in one commit.
  CaseChange caller;
  caller.record = *store.load_case(1);
  caller.expected_row_version = 1;
  caller.record.row_version = 2;
  caller.record.key = "calling";
  CaseChange child = new_case(2);
  child.record.parent_case = 1;
  child.record.parent_token = 4;
  caller.linked.push_back(child);
  REQUIRE(store.commit(caller).ok());
  CHECK(store.load_case(1)->key == "calling");
  CHECK(store.load_case(2)->parent_case == 1);
  CHECK(store.load_case(2)->parent_token == 4);

  // A stale linked change refuses the whole commit: the main case is not written either.
  CaseChange again;
  again.record = *store.load_case(1);
  again.expected_row_version = 2;
  again.record.row_version = 3;
  again.record.key = "lost";
  CaseChange stale_child;
  stale_child.record = *store.load_case(2);
  stale_child.expected_row_version = 7;
  stale_child.record.row_version = 8;
  again.linked.push_back(stale_child);
  auto refused = store.commit(again);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("case 2"));
  CHECK(store.load_case(1)->key == "calling");
  CHECK(store.load_case(1)->row_version == 2);
}

TEST_CASE("jobs come due in (due, id) order; leased ones wait", "[store][jobs]") {
  MemoryStore store;
  CaseChange change = new_case(1);
  for (auto [id, minute] : {std::pair{3, 5}, std::pair{1, 10}, std::pair{2, 5}}) {
    JobRecord job;
    job.id = static_cast<JobId>(id);
    job.case_id = 1;
    job.due = at(minute);
    change.jobs_added.push_back(job);
  }
  REQUIRE(store.commit(change).ok());
  CHECK(**store.next_due() == at(5));
  CHECK_FALSE(store.next_due_job(at(4))->has_value());
  CHECK((*store.next_due_job(at(5)))->id == 2);
  REQUIRE(store.lease_job(2, at(5), at(8)).ok());
  CHECK((*store.next_due_job(at(5)))->id == 3);
  CHECK(store.lease_job(2, at(6), at(10)).error().code == ErrorCode::conflict);  // held
  CHECK((*store.next_due_job(at(9)))->id == 2);  // the lease expired
  CHECK(store.lease_job(2, at(9), at(12)).ok());  // and may be taken over
  CHECK(store.lease_job(42, at(5), at(8)).error().code == ErrorCode::not_found);
}

TEST_CASE("subscriptions match by name and key; open tasks by worklist rules", "[store]") {
  MemoryStore store;
  CaseChange change = new_case(1);
  change.subscriptions_added.push_back({1, 1, 0, SubscriptionKind::message, "reply", "R-1"});
  change.subscriptions_added.push_back({1, 2, 0, SubscriptionKind::message, "reply", std::nullopt});
  change.subscriptions_added.push_back({1, 3, 0, SubscriptionKind::signal, "reply", std::nullopt});
  change.subscriptions_added.push_back({1, 1, 2, SubscriptionKind::message, "cancel", "R-1"});
  Task a;
  a.id = 1;
  a.case_id = 1;
  a.candidate_groups = {"sales"};
  a.priority = 10;
  Task b = a;
  b.id = 2;
  b.assignee = "ali";
  Task c = a;
  c.id = 3;
  c.priority = 90;
  c.candidate_groups = {"support"};
  change.tasks = {a, b, c};
  REQUIRE(store.commit(change).ok());

  CHECK(store.subscriptions(SubscriptionKind::message, "reply", "R-1")->size() == 2);
  CHECK(store.subscriptions(SubscriptionKind::message, "reply", "R-2")->size() == 1);
  CHECK(store.subscriptions(SubscriptionKind::signal, "reply", "")->size() == 1);
  CHECK(store.subscriptions(SubscriptionKind::message, "cancel", "R-1")->size() == 1);

  TaskFilter sales;
  sales.user = "nima";
  sales.groups = {"sales"};
  auto found = store.open_tasks(sales);
  REQUIRE(found->size() == 1);
  CHECK(found->front().id == 1);
  TaskFilter all;
  auto every = store.open_tasks(all);
  REQUIRE(every->size() == 3);
  CHECK(every->front().id == 3);  // highest priority first

  CaseChange close;
  close.record = *store.load_case(1);
  close.expected_row_version = 1;
  close.record.row_version = 2;
  a.status = TaskStatus::completed;
  close.tasks = {a};
  close.subscriptions_removed = {1};
  REQUIRE(store.commit(close).ok());
  CHECK(store.open_tasks(all)->size() == 2);
  CHECK(store.load_task(1)->status == TaskStatus::completed);
  CHECK(store.subscriptions(SubscriptionKind::message, "reply", "R-1")->size() == 1);
  // Removing a token's subscriptions removes its boundary ones too.
  CHECK(store.subscriptions(SubscriptionKind::message, "cancel", "R-1")->empty());
}

TEST_CASE("definitions: versions are unique per process", "[store][definitions]") {
  MemoryStore store;
  CHECK_FALSE(store.latest_definition("p")->has_value());
  DefinitionRecord one;
  one.process_id = "p";
  one.version = 1;
  one.content_hash = "h1";
  REQUIRE(store.add_definition(one).ok());
  DefinitionRecord two = one;
  two.version = 2;
  two.content_hash = "h2";
  REQUIRE(store.add_definition(two).ok());
  CHECK((*store.latest_definition("p"))->version == 2);
  CHECK((*store.definition("p", 1))->content_hash == "h1");
  CHECK(store.add_definition(one).error().code == ErrorCode::conflict);
}

}  // namespace
}  // namespace crmflow
