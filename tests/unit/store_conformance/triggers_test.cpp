// Trigger jobs: jobs of no case that name a process version and an occurrence. Replaced with
// their process's latest definition in one transaction (add_definition_with_triggers), and
// removed or re-armed by the commit of the case an occurrence started (a change may carry jobs
// that are not its case's).
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

DefinitionRecord version_of(std::string process_id, std::int64_t version) {
  DefinitionRecord d;
  d.process_id = std::move(process_id);
  d.version = version;
  d.content_hash = "sha256:" + std::to_string(version);
  d.canonical = R"({"id":")" + d.process_id + R"("})";
  d.deployed_at = at(version);
  return d;
}

JobRecord trigger(JobId id, std::string process_id, std::int64_t version, Instant due,
                  std::uint32_t index = 0, std::uint32_t occurrence = 1) {
  JobRecord j = job(id, kNoId, due, JobKind::trigger);
  j.process_id = std::move(process_id);
  j.version = version;
  j.index = index;
  j.occurrence = occurrence;
  return j;
}

// Every job due by at(10'000), in firing order, leasing each to see the next.
std::vector<JobRecord> all_jobs(Store& store) {
  std::vector<JobRecord> out;
  for (;;) {
    auto next = store.next_due_job(at(10'000));
    REQUIRE(next.ok());
    if (!next->has_value()) return out;
    out.push_back(**next);
    REQUIRE(store.lease_job((*next)->id, at(10'000), at(20'000)).ok());
  }
}

TEST_CASE("triggers: process, version and occurrence round-trip", "[jobs][triggers]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  JobRecord first = trigger(7, "تمدید-قرارداد", 9'000'000'000, at(5), 3, 4'000'000'000u);
  JobRecord second = trigger(8, "weekly-call", 1, at(6));
  REQUIRE(sut->store()
              .add_definition_with_triggers(version_of("تمدید-قرارداد", 9'000'000'000), {first})
              .ok());
  REQUIRE(sut->store().add_definition_with_triggers(version_of("weekly-call", 1), {second}).ok());
  sut->reopen();
  const std::vector<JobRecord> got = all_jobs(sut->store());
  REQUIRE(got.size() == 2);
  check_same(got[0], first);
  check_same(got[1], second);
  CHECK((*sut->store().latest_definition("weekly-call"))->version == 1);
}

TEST_CASE("triggers: other kinds of job keep an empty process and zero version and occurrence",
          "[jobs][triggers]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  CaseChange c = new_case(1);
  c.jobs_added = {job(3, 1, at(1))};
  REQUIRE(sut->store().commit(c).ok());
  sut->reopen();
  const std::vector<JobRecord> got = all_jobs(sut->store());
  REQUIRE(got.size() == 1);
  CHECK(got[0].process_id.empty());
  CHECK(got[0].version == 0);
  CHECK(got[0].occurrence == 0);
}

TEST_CASE("triggers: a new latest version replaces every trigger of its process, of any version",
          "[jobs][triggers]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  REQUIRE(store
              .add_definition_with_triggers(version_of("p", 1), {trigger(1, "p", 1, at(10), 0),
                                                                 trigger(2, "p", 1, at(20), 1)})
              .ok());
  REQUIRE(
      store.add_definition_with_triggers(version_of("q", 1), {trigger(3, "q", 1, at(15))}).ok());
  // A case's timer is a job of no trigger: it stays.
  CaseChange c = new_case(1, "p");
  c.jobs_added = {job(4, 1, at(12))};
  REQUIRE(store.commit(c).ok());
  REQUIRE(
      store.add_definition_with_triggers(version_of("p", 2), {trigger(5, "p", 2, at(30))}).ok());
  sut->reopen();
  const std::vector<JobRecord> got = all_jobs(sut->store());
  CHECK(ids_of(got) == std::vector<std::uint64_t>{4, 3, 5});
  CHECK((*sut->store().latest_definition("p"))->version == 2);
}

TEST_CASE("triggers: a version with no schedule removes the old one", "[jobs][triggers]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store()
              .add_definition_with_triggers(version_of("p", 1), {trigger(1, "p", 1, at(10))})
              .ok());
  REQUIRE(sut->store().add_definition_with_triggers(version_of("p", 2), {}).ok());
  sut->reopen();
  CHECK(all_jobs(sut->store()).empty());
  CHECK_FALSE(sut->store().next_due()->has_value());
}

TEST_CASE("triggers: an existing version is refused with conflict and nothing changes",
          "[jobs][triggers]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  REQUIRE(
      store.add_definition_with_triggers(version_of("p", 1), {trigger(1, "p", 1, at(10))}).ok());
  DefinitionRecord again = version_of("p", 1);
  again.content_hash = "other";
  auto refused = store.add_definition_with_triggers(again, {trigger(2, "p", 1, at(5))});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("'p'") && Catch::Contains("1"));
  sut->reopen();
  CHECK(ids_of(all_jobs(sut->store())) == std::vector<std::uint64_t>{1});
  CHECK((*sut->store().definition("p", 1))->content_hash == "sha256:1");
}

TEST_CASE("triggers: a case's commit removes the trigger that started it and arms the next",
          "[jobs][triggers][commit]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  REQUIRE(
      store.add_definition_with_triggers(version_of("p", 1), {trigger(1, "p", 1, at(10))}).ok());
  REQUIRE(store.lease_job(1, at(10), at(11)).ok());  // as run_due does before it fires
  CaseChange started = new_case(5, "p");
  started.jobs_removed = {1};  // a job of no case, removed by case 5's change
  started.jobs_added = {trigger(2, "p", 1, at(20), 0, 2), job(3, 5, at(15))};
  REQUIRE(store.commit(started).ok());
  sut->reopen();
  const std::vector<JobRecord> got = all_jobs(sut->store());
  REQUIRE(got.size() == 2);
  check_same(got[0], job(3, 5, at(15)));
  check_same(got[1], trigger(2, "p", 1, at(20), 0, 2));
  // A refused commit (the case exists) changes none of the jobs it carries.
  REQUIRE(sut->store().add_definition(version_of("p", 2)).ok());
  CaseChange again = new_case(5, "p");
  again.jobs_removed = {2};
  again.jobs_added = {trigger(4, "p", 1, at(30), 0, 3)};
  auto refused = sut->store().commit(again);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  // 3 and 2 are leased by all_jobs until 20'000: a job 4 would be due at 30. It was not written.
  CHECK(**sut->store().next_due() == at(20'000));
  auto next = sut->store().next_due_job(at(10'000));
  REQUIRE(next.ok());
  CHECK_FALSE(next->has_value());
}

}  // namespace
}  // namespace crmflow::conformance
