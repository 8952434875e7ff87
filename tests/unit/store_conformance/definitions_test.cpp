// Definitions: versions unique per process id, the latest is the highest version, every field
// round-trips.
#include <catch2/catch.hpp>

#include "records.hpp"
#include "store_factory.hpp"

namespace crmflow::conformance {
namespace {

DefinitionRecord definition_of(std::string process_id, std::int64_t version) {
  DefinitionRecord d;
  d.process_id = std::move(process_id);
  d.version = version;
  d.content_hash = "sha256:" + std::to_string(version);
  d.canonical =
      R"({"id":")" + d.process_id + R"(","name":"تعمیر گوشی","v":)" + std::to_string(version) + "}";
  d.deployed_at = at(version);
  return d;
}

TEST_CASE("definitions: every field round-trips", "[definitions]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  DefinitionRecord d = definition_of("phone-repair", 1);
  d.canonical = std::string(100'000, 'x') + "\"تعمیر\"\n";  // large, unicode, newline
  d.deployed_at = Instant{std::chrono::milliseconds{-1}};   // before the epoch, to the ms
  REQUIRE(sut->store().add_definition(d).ok());
  DefinitionRecord empty = definition_of("empty", 1);
  empty.content_hash = "";
  empty.canonical = "";
  REQUIRE(sut->store().add_definition(empty).ok());
  sut->reopen();
  auto got = sut->store().definition("phone-repair", 1);
  REQUIRE(got.ok());
  REQUIRE(got->has_value());
  check_same(**got, d);
  check_same(**sut->store().definition("empty", 1), empty);
}

TEST_CASE("definitions: an existing (process id, version) is refused with conflict",
          "[definitions]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  REQUIRE(sut->store().add_definition(definition_of("p", 1)).ok());
  sut->reopen();
  DefinitionRecord again = definition_of("p", 1);
  again.content_hash = "other";
  auto refused = sut->store().add_definition(again);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK_THAT(refused.error().message, Catch::Contains("'p'") && Catch::Contains("1"));
  CHECK((*sut->store().definition("p", 1))->content_hash == "sha256:1");  // not replaced
  // The same version of another process is fine.
  CHECK(sut->store().add_definition(definition_of("q", 1)).ok());
}

TEST_CASE("definitions: the latest is the highest version, whatever the order of deployment",
          "[definitions]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  CHECK_FALSE(store.latest_definition("p")->has_value());
  CHECK(store.latest_definitions()->empty());
  REQUIRE(store.add_definition(definition_of("p", 2)).ok());
  REQUIRE(store.add_definition(definition_of("p", 1)).ok());
  REQUIRE(store.add_definition(definition_of("p", 10)).ok());  // 10 > 2 as numbers, not text
  REQUIRE(store.add_definition(definition_of("p", 3)).ok());
  sut->reopen();
  auto latest = sut->store().latest_definition("p");
  REQUIRE(latest.ok());
  REQUIRE(latest->has_value());
  check_same(**latest, definition_of("p", 10));
  for (std::int64_t v : {1, 2, 3, 10})
    check_same(**sut->store().definition("p", v), definition_of("p", v));
  CHECK_FALSE(sut->store().definition("p", 4)->has_value());
  CHECK_FALSE(sut->store().definition("P", 1)->has_value());  // ids are case-sensitive
  CHECK_FALSE(sut->store().latest_definition("nobody")->has_value());
}

TEST_CASE("definitions: latest_definitions gives each process's latest, by process id",
          "[definitions]") {
  CRMFLOW_FOR_EACH_STORE(sut);
  Store& store = sut->store();
  REQUIRE(store.add_definition(definition_of("zeta", 1)).ok());
  REQUIRE(store.add_definition(definition_of("alpha", 1)).ok());
  REQUIRE(store.add_definition(definition_of("alpha", 2)).ok());
  REQUIRE(store.add_definition(definition_of("Mid", 7)).ok());  // byte order: 'M' < 'a'
  REQUIRE(store.add_definition(definition_of("zeta", 3)).ok());
  sut->reopen();
  auto all = sut->store().latest_definitions();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  check_same((*all)[0], definition_of("Mid", 7));
  check_same((*all)[1], definition_of("alpha", 2));
  check_same((*all)[2], definition_of("zeta", 3));
}

}  // namespace
}  // namespace crmflow::conformance
