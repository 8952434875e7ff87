// crmflow: opening a Store from a location string, as the runner's `--db` takes it
// (spec/cli.md): a SQLite file path (created if missing), `memory:` for a MemoryStore, or a
// `postgresql://` URI (refused with `unavailable` until that store exists).
//
//   auto store = crmflow::open_store("crm.db");
//
// Errors: those of the store opened; invalid_input for an empty location.
#pragma once

#include <memory>
#include <string_view>

#include "crmflow/error.hpp"
#include "crmflow/store.hpp"

namespace crmflow {

[[nodiscard]] Result<std::unique_ptr<Store>> open_store(std::string_view location);

}  // namespace crmflow
