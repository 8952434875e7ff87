// Refused task operations reach the log hook and change nothing (MemoryStore; the SQLite tests
// run the same checks on SqliteStore).
#include "crmflow/memory_store.hpp"
#include "refusals.hpp"

namespace crmflow::test {
namespace {

TEST_CASE("refused task operations reach the log hook with who tried what, and change nothing",
          "[runtime][refusal]") {
  MemoryStore store;
  check_refusals_are_logged_and_change_nothing(store);
}

}  // namespace
}  // namespace crmflow::test
