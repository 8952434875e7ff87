// Store::allocate_id: increasing per kind, never repeated, never kNoId, across a reopen.
#include <catch2/catch.hpp>
#include <set>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

TEST_CASE("ids: increasing per kind, never kNoId, never repeated, across a reopen", "[ids]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  for (IdKind kind : {IdKind::case_id, IdKind::task_id, IdKind::job_id}) {
    INFO("kind " << static_cast<int>(kind));
    std::set<std::uint64_t> seen;
    std::uint64_t last = kNoId;
    for (int i = 0; i < 50; ++i) {
      auto id = sut->store().allocate_id(kind);
      REQUIRE(id.ok());
      CHECK(*id != kNoId);
      CHECK(*id > last);
      CHECK(seen.insert(*id).second);
      last = *id;
      if (i == 25) sut->reopen();  // a store opened anew continues where the last one stopped
    }
  }
}

TEST_CASE("ids: taken but never committed are skipped, not reissued", "[ids]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  const std::uint64_t first = *sut->store().allocate_id(IdKind::case_id);
  REQUIRE(sut->store().commit(new_case(first)).ok());
  const std::uint64_t unused = *sut->store().allocate_id(IdKind::case_id);
  sut->reopen();
  const std::uint64_t next = *sut->store().allocate_id(IdKind::case_id);
  CHECK(next > unused);
  CHECK(next > first);
}

TEST_CASE("ids: two store objects on the same data never hand out the same id", "[ids]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 20; ++i) {
    Store& store = i % 2 == 0 ? sut->store() : sut->peer();
    auto id = store.allocate_id(IdKind::job_id);
    REQUIRE(id.ok());
    CHECK(seen.insert(*id).second);
  }
}

}  // namespace
}  // namespace crmflow::conformance
