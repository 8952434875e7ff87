// MemoryStore beyond the Store contract: the execution state and the definition's process are
// kept as the objects given, never copied or serialised. The contract itself is checked by the
// store conformance suite (tests/unit/store_conformance), which runs against MemoryStore too.
#include "crmflow/memory_store.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>

#include "store/case_state.hpp"

namespace crmflow {
namespace {

TEST_CASE("MemoryStore shares the execution state it was given", "[store]") {
  MemoryStore store;
  auto state = std::make_shared<CaseState>();
  state->path = {1, 2, 3};
  CaseChange change;
  change.is_new = true;
  change.record.id = 1;
  change.record.row_version = 1;
  change.record.variables = Value::Object{};
  change.record.state = state;
  REQUIRE(store.commit(change).ok());
  auto loaded = store.load_case(1);
  REQUIRE(loaded.ok());
  CHECK(loaded->state.get() == state.get());  // loading a case copies no state
  auto found = store.find_cases({});
  REQUIRE(found->size() == 1);
  CHECK(found->front().state.get() == state.get());
}

TEST_CASE("MemoryStore keeps a definition's process", "[store]") {
  MemoryStore store;
  DefinitionRecord record;
  record.process_id = "p";
  record.version = 1;
  record.process = std::make_shared<const Process>(std::shared_ptr<const model::Definition>{});
  REQUIRE(store.add_definition(record).ok());
  CHECK((*store.definition("p", 1))->process.get() == record.process.get());
  CHECK((*store.latest_definition("p"))->process.get() == record.process.get());
  CHECK(store.latest_definitions()->front().process.get() == record.process.get());
}

}  // namespace
}  // namespace crmflow
