// Jobs: the firing order (due, id), next_due, and leases (conditional, taken over once they run
// out, ended by the commit that removes the job).
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

std::optional<JobId> next_id(Store& store, Instant now) {
  auto next = store.next_due_job(now);
  REQUIRE(next.ok());
  if (!next->has_value()) return std::nullopt;
  return (*next)->id;
}

TEST_CASE("jobs: every kind round-trips with its token, attempt and index", "[jobs]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  std::vector<JobRecord> written;
  int minute = 0;
  for (JobKind kind : {JobKind::timer, JobKind::boundary_timer, JobKind::alarm, JobKind::service,
                       JobKind::delivery, JobKind::trigger}) {
    JobRecord j = job(static_cast<JobId>(10 + minute), 1, at(minute), kind);
    j.token = 4'000'000'000u + static_cast<std::uint32_t>(minute);  // above INT32_MAX
    j.attempt = 3 + static_cast<std::uint32_t>(minute);
    j.index = 7 * static_cast<std::uint32_t>(minute);
    j.due += std::chrono::milliseconds{minute};  // to the millisecond
    written.push_back(j);
    c.jobs_added.push_back(j);
    ++minute;
  }
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  // Read them in firing order, leasing each so the next one comes up.
  for (const JobRecord& want : written) {
    auto got = sut->store().next_due_job(at(1000));
    REQUIRE(got.ok());
    REQUIRE(got->has_value());
    check_same(**got, want);
    REQUIRE(sut->store().lease_job(want.id, at(1000), at(2000)).ok());
  }
  CHECK_FALSE(next_id(sut->store(), at(1000)).has_value());
}

TEST_CASE("jobs: due in (due, id) order; nothing before its moment", "[jobs]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange one = new_case(1);
  CaseChange two = new_case(2);
  // Ids do not follow due moments, and ties on `due` are broken by id (also across cases).
  one.jobs_added = {job(5, 1, at(10)), job(3, 1, at(20)), job(9, 1, at(10))};
  two.jobs_added = {job(4, 2, at(10)), job(1, 2, at(30))};
  REQUIRE(sut->store().commit(one).ok());
  REQUIRE(sut->store().commit(two).ok());
  sut->reopen();
  Store& store = sut->store();
  CHECK(**store.next_due() == at(10));
  CHECK_FALSE(next_id(store, at(10) - std::chrono::milliseconds{1}).has_value());
  CHECK(next_id(store, at(10)) == JobId{4});  // due exactly now counts
  CHECK(next_id(store, at(25)) == JobId{4});  // the earliest first, not the latest due

  // Removing jobs one by one shows the whole order: (10,4) (10,5) (10,9) (20,3) (30,1).
  std::vector<JobId> order;
  for (int i = 0; i < 5; ++i) {
    const auto id = next_id(store, at(100));
    REQUIRE(id.has_value());
    order.push_back(*id);
    const CaseId owner = *id == 4 || *id == 1 ? 2 : 1;
    CaseChange done = update_of(*store.load_case(owner));
    done.jobs_removed = {*id};
    REQUIRE(store.commit(done).ok());
  }
  CHECK(order == std::vector<JobId>{4, 5, 9, 3, 1});
  CHECK_FALSE(store.next_due()->has_value());
  CHECK_FALSE(next_id(store, at(100)).has_value());
}

TEST_CASE("jobs: next_due is when next_due_job can next return a job: due, or lease end if later",
          "[jobs]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CHECK_FALSE(sut->store().next_due()->has_value());
  CaseChange c = new_case(1);
  c.jobs_added = {job(1, 1, at(50)), job(2, 1, at(-5)), job(3, 1, at(7))};
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  CHECK(**sut->store().next_due() == at(-5));
  // The earliest job leased: the next one counts, unless the lease ends sooner.
  REQUIRE(sut->store().lease_job(2, at(0), at(60)).ok());
  sut->reopen();
  Store& store = sut->store();
  CHECK(**store.next_due() == at(7));
  CHECK(next_id(store, at(10)) == JobId{3});  // the leased one waits
  REQUIRE(store.lease_job(3, at(10), at(55)).ok());
  CHECK(**store.next_due() == at(50));
  REQUIRE(store.lease_job(1, at(10), at(52)).ok());
  CHECK(**store.next_due() == at(52));
  CHECK_FALSE(next_id(store, at(52) - std::chrono::milliseconds{1}).has_value());
  CHECK(next_id(store, at(52)) == JobId{1});  // what next_due said
  // Every job leased: the earliest lease end. A lease ended before the job's due moment (a job
  // added again with the lease it had) leaves the due moment.
  CaseChange later = update_of(*store.load_case(1));
  JobRecord stale = job(4, 1, at(40));
  stale.leased_until = at(-100);
  later.jobs_added = {stale};
  REQUIRE(store.commit(later).ok());
  sut->reopen();
  CHECK(**sut->store().next_due() == at(40));
  CHECK(next_id(sut->store(), at(40)) == JobId{4});
  REQUIRE(sut->store().lease_job(4, at(40), at(70)).ok());
  CHECK(**sut->store().next_due() == at(52));
}

TEST_CASE("jobs: next_due looks past leased jobs to the first free one", "[jobs]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  // Twenty jobs due a minute apart, the first fifteen leased far ahead.
  for (JobId id = 1; id <= 20; ++id) {
    c.jobs_added.push_back(job(id, 1, at(static_cast<std::int64_t>(id))));
  }
  REQUIRE(sut->store().commit(c).ok());
  for (JobId id = 1; id <= 15; ++id) REQUIRE(sut->store().lease_job(id, at(0), at(1000)).ok());
  sut->reopen();
  CHECK(**sut->store().next_due() == at(16));
  REQUIRE(sut->store().lease_job(16, at(0), at(17)).ok());
  REQUIRE(sut->store().lease_job(17, at(0), at(17) + std::chrono::milliseconds{1}).ok());
  // 16's lease ends at 17, before 17's lease ends and before 18 is due.
  CHECK(**sut->store().next_due() == at(17));
}

TEST_CASE("jobs: a lease is taken only when free; it runs out at `until`", "[jobs][lease]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.jobs_added = {job(1, 1, at(0)), job(2, 1, at(1))};
  REQUIRE(sut->store().commit(c).ok());
  Store& store = sut->store();

  REQUIRE(store.lease_job(1, at(5), at(8)).ok());
  CHECK(next_id(store, at(5)) == JobId{2});  // the leased job is skipped, not the queue

  // Held: refused, whoever asks (the store does not know workers), even to extend it.
  for (Instant now : {at(5), at(7), at(8) - std::chrono::milliseconds{1}}) {
    auto held = store.lease_job(1, now, at(20));
    REQUIRE_FALSE(held.ok());
    CHECK(held.error().code == ErrorCode::conflict);
    CHECK_THAT(held.error().message, Catch::Contains("job 1"));
  }
  sut->reopen();
  Store& again = sut->store();
  CHECK(again.lease_job(1, at(7), at(20)).error().code == ErrorCode::conflict);  // durable
  // At `until` the lease has run out: the job is due again and another worker may take it.
  auto expired = again.next_due_job(at(8));
  REQUIRE(expired.ok());
  REQUIRE(expired->has_value());
  CHECK((*expired)->id == 1);
  CHECK((*expired)->leased_until == at(8));  // the lease is part of the record
  REQUIRE(again.lease_job(1, at(8), at(12)).ok());
  CHECK(next_id(again, at(11)) == JobId{2});
  CHECK(again.lease_job(1, at(11), at(30)).error().code == ErrorCode::conflict);
  CHECK(again.lease_job(1, at(12), at(30)).ok());  // taken over
}

TEST_CASE("jobs: leasing a job that is gone is not_found", "[jobs][lease]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  auto never = sut->store().lease_job(42, at(0), at(1));
  REQUIRE_FALSE(never.ok());
  CHECK(never.error().code == ErrorCode::not_found);
  CHECK_THAT(never.error().message, Catch::Contains("job 42"));

  // A commit that removes a leased job ends the lease with it.
  CaseChange c = new_case(1);
  c.jobs_added = {job(1, 1, at(0))};
  REQUIRE(sut->store().commit(c).ok());
  REQUIRE(sut->store().lease_job(1, at(0), at(10)).ok());
  CaseChange done = update_of(*sut->store().load_case(1));
  done.jobs_removed = {1};
  REQUIRE(sut->store().commit(done).ok());
  sut->reopen();
  auto gone = sut->store().lease_job(1, at(1), at(10));
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::not_found);
  CHECK_THAT(gone.error().message, Catch::Contains("job 1"));
  CHECK_FALSE(next_id(sut->store(), at(100)).has_value());
  CHECK_FALSE(sut->store().next_due()->has_value());
}

TEST_CASE("jobs: one added again with its id replaces it", "[jobs][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.jobs_added = {job(1, 1, at(5)), job(2, 1, at(7))};
  REQUIRE(sut->store().commit(c).ok());
  CaseChange later = update_of(*sut->store().load_case(1));
  JobRecord moved = job(1, 1, at(9), JobKind::service);
  moved.attempt = 2;
  later.jobs_added = {moved};
  REQUIRE(sut->store().commit(later).ok());
  sut->reopen();
  CHECK(**sut->store().next_due() == at(7));
  CHECK(next_id(sut->store(), at(8)) == JobId{2});
  REQUIRE(sut->store().lease_job(2, at(8), at(100)).ok());
  auto got = sut->store().next_due_job(at(9));
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  check_same(**got, moved);
}

TEST_CASE("jobs: two workers racing for one job: exactly one lease", "[jobs][lease]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.jobs_added = {job(1, 1, at(0))};
  REQUIRE(sut->store().commit(c).ok());
  // Both saw the job due; both try to lease it, through separate store objects.
  REQUIRE(next_id(sut->store(), at(1)) == JobId{1});
  REQUIRE(next_id(sut->peer(), at(1)) == JobId{1});
  Status first = sut->store().lease_job(1, at(1), at(2));
  Status second = sut->peer().lease_job(1, at(1), at(2));
  CHECK(first.ok());
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::conflict);
}

}  // namespace
}  // namespace crmflow::conformance
