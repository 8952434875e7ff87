// commit(CaseChange): checked against the row version, written all or nothing, linked cases
// included.
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

// A change that touches every table, so that a refused one can be seen to write nothing.
void touch_everything(CaseChange& c, std::uint64_t n) {
  const CaseId id = c.record.id;
  c.record.key = "written-" + std::to_string(n);
  c.tasks = {open_task(100 + n, id)};
  c.jobs_added = {job(100 + n, id, at(static_cast<std::int64_t>(n)))};
  c.subscriptions_added = {message_wait(id, static_cast<std::uint32_t>(100 + n), "m", "k")};
  HistoryEvent e;
  e.case_id = id;
  e.sequence = 100 + n;
  e.event = EventType::variables_changed;
  c.history = {e};
  Notification note;
  note.case_id = id;
  note.channel = "sms";
  note.idempotency_key = std::to_string(id) + "/" + std::to_string(n);
  c.outbox = {note};
}

// Whether anything touch_everything(_, n) writes for case `id` is in the store.
void check_nothing_of(Store& store, CaseId id, std::uint64_t n) {
  INFO("nothing of change " << n << " to case " << id);
  auto task = store.load_task(100 + n);
  REQUIRE_FALSE(task.ok());
  CHECK(task.error().code == ErrorCode::not_found);
  CHECK(store.lease_job(100 + n, at(-1000), at(-999)).error().code == ErrorCode::not_found);
  const auto subs = store.subscriptions(SubscriptionKind::message, "m", "k");
  REQUIRE(subs.ok());
  for (const Subscription& s : subs.value()) CHECK(s.token != 100 + n);
  if (const auto history = store.history(id); history.ok()) {
    for (const HistoryEvent& e : history.value()) CHECK(e.sequence != 100 + n);
  }
  const auto outbox = store.outbox(kNoId);
  REQUIRE(outbox.ok());
  for (const Notification& note : outbox.value()) {
    CHECK(note.idempotency_key != std::to_string(id) + "/" + std::to_string(n));
  }
}

TEST_CASE("commit: a new case is written with everything it carries", "[commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  touch_everything(c, 1);
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  Store& store = sut->store();
  check_same(*store.load_case(1), c.record);
  check_same(*store.load_task(101), c.tasks[0]);
  check_same(**store.next_due_job(at(1)), c.jobs_added[0]);
  check_same(store.subscriptions(SubscriptionKind::message, "m", "k")->at(0),
             c.subscriptions_added[0]);
  check_same(store.history(1)->at(0), c.history[0]);
  check_same(store.outbox(1)->at(0), c.outbox[0]);
}

TEST_CASE("commit: an update at a stale row version is a conflict and writes nothing", "[commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  CaseChange first = update_of(*sut->store().load_case(1));
  touch_everything(first, 1);
  REQUIRE(sut->store().commit(first).ok());
  CHECK(sut->store().load_case(1)->row_version == 2);

  // Made from the record before `first`: expects row version 1, the store holds 2.
  CaseChange stale = first;
  stale.record.row_version = 2;
  stale.expected_row_version = 1;
  touch_everything(stale, 2);
  auto refused = sut->store().commit(stale);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("case 1"));
  // Ahead of the store is as wrong as behind it.
  CaseChange ahead = update_of(*sut->store().load_case(1));
  ahead.expected_row_version = 3;
  ahead.record.row_version = 4;
  touch_everything(ahead, 3);
  CHECK(sut->store().commit(ahead).error().code == ErrorCode::conflict);
  sut->reopen();
  check_same(*sut->store().load_case(1), first.record);
  check_nothing_of(sut->store(), 1, 2);
  check_nothing_of(sut->store(), 1, 3);
  CHECK(sut->store().history(1)->size() == 1);
  CHECK(sut->store().outbox(kNoId)->size() == 1);
}

TEST_CASE("commit: is_new for an existing id is a conflict and writes nothing", "[commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange original = new_case(1);
  original.record.key = "original";
  REQUIRE(sut->store().commit(original).ok());
  CaseChange again = new_case(1);
  touch_everything(again, 1);
  auto refused = sut->store().commit(again);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("case 1"));
  // expected_row_version is ignored for is_new: matching it does not make it an update.
  again.expected_row_version = 1;
  CHECK(sut->store().commit(again).error().code == ErrorCode::conflict);
  sut->reopen();
  check_same(*sut->store().load_case(1), original.record);
  check_nothing_of(sut->store(), 1, 1);
}

TEST_CASE("commit: an update of a case that does not exist is not_found and writes nothing",
          "[commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange ghost = new_case(5);
  ghost.is_new = false;
  ghost.expected_row_version = 1;
  ghost.record.row_version = 2;
  touch_everything(ghost, 1);
  auto refused = sut->store().commit(ghost);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::not_found);
  CHECK_THAT(refused.error().message, Catch::Contains("case 5"));
  sut->reopen();
  CHECK(sut->store().load_case(5).error().code == ErrorCode::not_found);
  check_nothing_of(sut->store(), 5, 1);
}

TEST_CASE("commit: the row version is stored as the change gives it", "[commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  CaseRecord r = *sut->store().load_case(1);
  for (std::uint64_t expected = 2; expected <= 5; ++expected) {
    CaseChange next = update_of(r);
    REQUIRE(sut->store().commit(next).ok());
    sut->reopen();
    r = *sut->store().load_case(1);
    CHECK(r.row_version == expected);
  }
}

TEST_CASE("commit: linked cases are written with the main one", "[commit][linked]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  REQUIRE(sut->store().commit(new_case(3)).ok());
  // Case 1's `call` step starts case 2 and, in the same call, changes case 3.
  CaseChange caller = update_of(*sut->store().load_case(1));
  touch_everything(caller, 1);
  CaseChange child = new_case(2);
  child.record.parent_case = 1;
  child.record.parent_token = 4'000'000'000u;
  touch_everything(child, 2);
  CaseChange other = update_of(*sut->store().load_case(3));
  touch_everything(other, 3);
  caller.linked = {child, other};
  REQUIRE(sut->store().commit(caller).ok());
  sut->reopen();
  Store& store = sut->store();
  check_same(*store.load_case(1), caller.record);
  check_same(*store.load_case(2), child.record);
  check_same(*store.load_case(3), other.record);
  for (const CaseChange* c : {&caller, &child, &other}) {
    const CaseId id = c->record.id;
    check_same(*store.load_task(c->tasks[0].id), c->tasks[0]);
    check_same(store.history(id)->at(0), c->history[0]);
    check_same(store.outbox(id)->at(0), c->outbox[0]);
  }
  CHECK(store.subscriptions(SubscriptionKind::message, "m", "k")->size() == 3);
  CHECK((*store.next_due_job(at(100)))->id == 101);

  // Removals in a linked change apply to its own case: the child ends, its caller resumes.
  CaseChange resumed = update_of(*store.load_case(1));
  CaseChange ended = update_of(*store.load_case(2));
  ended.record.status = CaseStatus::completed;
  ended.jobs_removed = {102};
  ended.subscriptions_removed = {102};  // token 102 of case 2 (case 1 has token 101)
  resumed.linked = {ended};
  REQUIRE(store.commit(resumed).ok());
  sut->reopen();
  auto left = sut->store().subscriptions(SubscriptionKind::message, "m", "k");
  REQUIRE(left.ok());
  CHECK(left->size() == 2);
  for (const Subscription& s : *left) CHECK(s.case_id != 2);
  CHECK(sut->store().load_case(2)->status == CaseStatus::completed);
  CHECK(sut->store().lease_job(102, at(0), at(1)).error().code == ErrorCode::not_found);
  CHECK(sut->store().load_case(1)->row_version == 3);
}

TEST_CASE("commit: a conflict in one linked case writes none of them", "[commit][linked]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  REQUIRE(sut->store().commit(new_case(3)).ok());
  REQUIRE(sut->store().commit(new_case(4)).ok());
  const CaseRecord one = *sut->store().load_case(1);
  const CaseRecord three = *sut->store().load_case(3);
  const CaseRecord four = *sut->store().load_case(4);

  SECTION("a stale linked update") {
    CaseChange caller = update_of(one);
    touch_everything(caller, 1);
    CaseChange child = new_case(2);
    touch_everything(child, 2);
    CaseChange fine = update_of(three);
    touch_everything(fine, 3);
    CaseChange stale = update_of(four);
    stale.expected_row_version = 9;
    stale.record.row_version = 10;
    touch_everything(stale, 4);
    caller.linked = {child, fine, stale};  // the stale one last: the others come first
    auto refused = sut->store().commit(caller);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::conflict);
    CHECK_THAT(refused.error().message, Catch::Contains("case 4"));
  }
  SECTION("a linked new case that exists") {
    CaseChange caller = update_of(one);
    touch_everything(caller, 1);
    CaseChange fine = update_of(three);
    touch_everything(fine, 3);
    CaseChange exists = new_case(4);
    touch_everything(exists, 4);
    caller.linked = {fine, exists};
    auto refused = sut->store().commit(caller);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::conflict);
    CHECK_THAT(refused.error().message, Catch::Contains("case 4"));
  }
  SECTION("a stale main case with fine linked ones") {
    CaseChange caller = update_of(one);
    caller.expected_row_version = 0;
    touch_everything(caller, 1);
    CaseChange child = new_case(2);
    touch_everything(child, 2);
    CaseChange fine = update_of(three);
    touch_everything(fine, 3);
    caller.linked = {child, fine};
    auto refused = sut->store().commit(caller);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::conflict);
    CHECK_THAT(refused.error().message, Catch::Contains("case 1"));
  }
  sut->reopen();
  Store& store = sut->store();
  check_same(*store.load_case(1), one);
  check_same(*store.load_case(3), three);
  check_same(*store.load_case(4), four);
  CHECK(store.load_case(2).error().code == ErrorCode::not_found);
  for (std::uint64_t n = 1; n <= 4; ++n) check_nothing_of(store, n, n);
  CHECK(store.outbox(kNoId)->empty());
  CHECK_FALSE(store.next_due()->has_value());
}

TEST_CASE("commit: removing jobs that do not exist is fine", "[commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.jobs_added = {job(1, 1, at(5))};
  c.jobs_removed = {77, kNoId};
  REQUIRE(sut->store().commit(c).ok());
  CaseChange next = update_of(*sut->store().load_case(1));
  next.jobs_removed = {1, 1, 78};  // twice, and one never seen
  REQUIRE(sut->store().commit(next).ok());
  sut->reopen();
  CHECK_FALSE(sut->store().next_due()->has_value());
  CHECK(sut->store().load_case(1)->row_version == 2);
}

TEST_CASE("commit: a case without its execution state is refused as internal", "[commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.record.state = nullptr;
  auto refused = sut->store().commit(c);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::internal);
  CHECK_THAT(refused.error().message, Catch::Contains("case 1"));
  CHECK(sut->store().load_case(1).error().code == ErrorCode::not_found);
}

}  // namespace
}  // namespace crmflow::conformance
