// Cases: load_case and find_cases (filters, order by id, limit and offset).
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

TEST_CASE("cases: load_case of an unknown id is not_found naming it", "[cases]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  auto unknown = sut->store().load_case(404);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
  CHECK_THAT(unknown.error().message, Catch::Contains("404"));
  auto none = sut->store().load_case(kNoId);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::not_found);
}

// Cases 1..9: process "a" for odd ids and "b" for even, keys k1, k2, k1, k2, ..., and statuses
// cycling through active, completed, incident.
void seed(Store& store) {
  const CaseStatus statuses[] = {CaseStatus::active, CaseStatus::completed, CaseStatus::incident};
  // Committed out of id order: the order of results is by id, not by insertion.
  for (CaseId id : {5, 1, 9, 3, 7, 2, 8, 4, 6}) {
    CaseChange c = new_case(id, id % 2 == 1 ? "a" : "b");
    c.record.key = id % 2 == 1 ? "k1" : "k2";
    c.record.status = statuses[id % 3];
    REQUIRE(store.commit(c).ok());
  }
}

std::vector<std::uint64_t> found(Store& store, const CaseQuery& query) {
  auto cases = store.find_cases(query);
  REQUIRE(cases.ok());
  return ids_of(*cases);
}

using Ids = std::vector<std::uint64_t>;

TEST_CASE("cases: find_cases filters by process, status and key, ordered by id", "[cases]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  seed(sut->store());
  sut->reopen();
  Store& store = sut->store();
  CHECK(found(store, {}) == Ids{1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(found(store, {.process_id = "a"}) == Ids{1, 3, 5, 7, 9});
  CHECK(found(store, {.status = CaseStatus::active}) == Ids{3, 6, 9});
  CHECK(found(store, {.status = CaseStatus::incident}) == Ids{2, 5, 8});
  CHECK(found(store, {.status = CaseStatus::cancelled}).empty());
  CHECK(found(store, {.key = "k2"}) == Ids{2, 4, 6, 8});
  CHECK(found(store, {.process_id = "b", .status = CaseStatus::completed, .key = "k2"}) == Ids{4});
  CHECK(found(store, {.process_id = "nobody"}).empty());
  CHECK(found(store, {.key = "K1"}).empty());  // keys are compared exactly
}

TEST_CASE("cases: find_cases pages with limit and offset after filtering", "[cases]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  seed(sut->store());
  Store& store = sut->store();
  CHECK(found(store, {.limit = 3}) == Ids{1, 2, 3});
  CHECK(found(store, {.limit = 3, .offset = 3}) == Ids{4, 5, 6});
  CHECK(found(store, {.limit = 3, .offset = 8}) == Ids{9});
  CHECK(found(store, {.offset = 7}) == Ids{8, 9});  // limit 0: no limit
  CHECK(found(store, {.offset = 9}).empty());
  CHECK(found(store, {.offset = 100}).empty());
  CHECK(found(store, {.process_id = "a", .limit = 2, .offset = 1}) == Ids{3, 5});
}

TEST_CASE("cases: find_cases sees the latest committed record", "[cases]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().commit(new_case(1)).ok());
  CaseChange done = update_of(*sut->store().load_case(1));
  done.record.status = CaseStatus::completed;
  done.record.ended_at = at(5);
  REQUIRE(sut->store().commit(done).ok());
  sut->reopen();
  CHECK(found(sut->store(), {.status = CaseStatus::active}).empty());
  auto cases = sut->store().find_cases({.status = CaseStatus::completed});
  REQUIRE(cases->size() == 1);
  check_same(cases->front(), done.record);
}

}  // namespace
}  // namespace crmflow::conformance
