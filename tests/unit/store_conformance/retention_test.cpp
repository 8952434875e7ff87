// Retention: ended_cases lists the cases that ended before a cutoff; remove_ended_case removes
// one with every row of it, all at once, and refuses (removing nothing) a case that has not
// ended, ended too late, or still has notifications to deliver.
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

// Case `id` with a task, a job, a subscription, two history events and a notification, ended
// with `status` at `ended` (nullopt: still active).
void write_full_case(Store& store, CaseId id, CaseStatus status, std::optional<Instant> ended) {
  CaseChange c = new_case(id);
  c.record.status = status;
  c.record.ended_at = ended;
  Task task = open_task(id * 10, id);
  if (ended) {
    task.status = TaskStatus::completed;
    task.ended_at = ended;
  }
  c.tasks = {task};
  c.tasks[0].candidate_groups = {"sales"};
  c.jobs_added = {job(id * 10, id, at(100))};
  c.subscriptions_added = {message_wait(id, 1, "paid", std::string{"K"})};
  HistoryEvent e;
  e.case_id = id;
  e.sequence = 1;
  e.at = at(0);
  e.event = EventType::case_started;
  HistoryEvent f = e;
  f.sequence = 2;
  f.event = EventType::task_created;
  f.task_id = id * 10;
  c.history = {e, f};
  c.outbox = {sms(id, std::to_string(id) + "/1")};
  REQUIRE(store.commit(c).ok());
  // The notification is delivered, so that the case may go.
  auto entries = store.outbox(id);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  Notification sent = entries->front();
  sent.status = DeliveryStatus::sent;
  sent.attempts = 1;
  sent.sent_at = at(2);
  CaseChange delivered = update_of(*store.load_case(id));
  delivered.deliveries = {sent};
  REQUIRE(store.commit(delivered).ok());
}

TEST_CASE("retention: ended_cases lists ended cases before the cutoff in id order, paged",
          "[retention]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  write_full_case(store, 1, CaseStatus::completed, at(10));
  write_full_case(store, 2, CaseStatus::active, std::nullopt);
  write_full_case(store, 3, CaseStatus::cancelled, at(20));
  write_full_case(store, 4, CaseStatus::terminated, at(5));
  write_full_case(store, 5, CaseStatus::completed, at(30));  // at the cutoff: not before it
  sut->reopen();
  auto all = sut->store().ended_cases(at(30), kNoId, 0);
  REQUIRE(all.ok());
  CHECK(*all == std::vector<CaseId>{1, 3, 4});
  auto first = sut->store().ended_cases(at(30), kNoId, 2);
  REQUIRE(first.ok());
  CHECK(*first == std::vector<CaseId>{1, 3});
  auto next = sut->store().ended_cases(at(30), 3, 2);
  REQUIRE(next.ok());
  CHECK(*next == std::vector<CaseId>{4});
  CHECK(sut->store().ended_cases(at(5), kNoId, 0)->empty());
}

TEST_CASE("retention: remove_ended_case removes the case and every row of it, nothing else",
          "[retention]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  write_full_case(store, 1, CaseStatus::completed, at(10));
  write_full_case(store, 2, CaseStatus::completed, at(10));
  REQUIRE(store.remove_ended_case(1, at(11)).ok());
  sut->reopen();
  Store& after = sut->store();
  CHECK(after.load_case(1).error().code == ErrorCode::not_found);
  CHECK(after.history(1).error().code == ErrorCode::not_found);
  CHECK(after.load_task(10).error().code == ErrorCode::not_found);
  CHECK(after.outbox(1)->empty());
  CHECK(after.subscriptions(SubscriptionKind::message, "paid", "K")->size() == 1);
  CHECK(after.lease_job(10, at(0), at(1)).error().code == ErrorCode::not_found);
  CHECK(after.open_tasks(TaskFilter{.user = "u", .groups = {"sales"}})->empty());
  // The other case keeps everything.
  REQUIRE(after.load_case(2).ok());
  CHECK(after.history(2)->size() == 2);
  CHECK(after.load_task(20).ok());
  CHECK(after.outbox(2)->size() == 1);
  CHECK(after.outbox(kNoId)->size() == 1);
  CHECK(after.ended_cases(at(11), kNoId, 0).value() == std::vector<CaseId>{2});
}

TEST_CASE("retention: ids of removed cases are not handed out again", "[retention]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  auto taken = store.allocate_id(IdKind::case_id);
  REQUIRE(taken.ok());
  write_full_case(store, *taken, CaseStatus::completed, at(10));
  REQUIRE(store.remove_ended_case(*taken, at(11)).ok());
  sut->reopen();
  auto next = sut->store().allocate_id(IdKind::case_id);
  REQUIRE(next.ok());
  CHECK(*next > *taken);
}

TEST_CASE("retention: remove_ended_case refuses, removing nothing, what may not go",
          "[retention]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  write_full_case(store, 1, CaseStatus::active, std::nullopt);
  write_full_case(store, 2, CaseStatus::completed, at(10));
  CaseChange pending = new_case(3);
  pending.record.status = CaseStatus::completed;
  pending.record.ended_at = at(1);
  pending.outbox = {sms(3, "3/1")};
  REQUIRE(store.commit(pending).ok());

  auto unknown = store.remove_ended_case(31, at(100));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK_THAT(unknown.error().message, Catch::Contains("31"));

  auto active = store.remove_ended_case(1, at(100));
  REQUIRE_FALSE(active.ok());
  CHECK(active.error().code == ErrorCode::invalid_state);
  CHECK_THAT(active.error().message, Catch::Contains("case 1") && Catch::Contains("active"));

  auto too_late = store.remove_ended_case(2, at(10));
  REQUIRE_FALSE(too_late.ok());
  CHECK(too_late.error().code == ErrorCode::invalid_state);

  auto undelivered = store.remove_ended_case(3, at(100));
  REQUIRE_FALSE(undelivered.ok());
  CHECK(undelivered.error().code == ErrorCode::invalid_state);
  CHECK_THAT(undelivered.error().message, Catch::Contains("case 3") && Catch::Contains("deliver"));

  sut->reopen();
  for (CaseId id : {CaseId{1}, CaseId{2}, CaseId{3}}) {
    INFO("case " << id);
    CHECK(sut->store().load_case(id).ok());
  }
  CHECK(sut->store().history(1)->size() == 2);
  CHECK(sut->store().history(2)->size() == 2);
  CHECK(sut->store().load_task(10).ok());
  CHECK(sut->store().load_task(20).ok());
  CHECK(sut->store().outbox(3)->size() == 1);
  auto due = sut->store().next_due_delivery(at(100));
  REQUIRE(due.ok());
  REQUIRE(due->has_value());
  CHECK((*due)->case_id == 3);
}

TEST_CASE("retention: a removed case's rows leave the queues (jobs, deliveries, worklists)",
          "[retention]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  // An ended case that still carries a job and an open task (as a store may hold rows the
  // engine no longer needs): removal takes them out of every queue.
  CaseChange c = new_case(1);
  c.record.status = CaseStatus::cancelled;
  c.record.ended_at = at(1);
  c.tasks = {open_task(10, 1)};
  c.jobs_added = {job(10, 1, at(0))};
  REQUIRE(store.commit(c).ok());
  REQUIRE(store.next_due_job(at(5))->has_value());
  REQUIRE(store.remove_ended_case(1, at(2)).ok());
  sut->reopen();
  CHECK_FALSE(sut->store().next_due_job(at(5))->has_value());
  CHECK_FALSE(sut->store().next_due()->has_value());
  CHECK(sut->store().open_tasks({})->empty());
  CHECK_FALSE(sut->store().next_delivery_due()->has_value());
}

}  // namespace
}  // namespace crmflow::conformance
