#include "crmflow/open_store.hpp"

#include <string>

#include "crmflow/memory_store.hpp"
#include "crmflow/sqlite_store.hpp"

namespace crmflow {

Result<std::unique_ptr<Store>> open_store(std::string_view location) {
  if (location.empty()) {
    return invalid_input("store location is empty: give a SQLite file path or 'memory:'");
  }
  if (location == "memory:") return std::unique_ptr<Store>{std::make_unique<MemoryStore>()};
  if (location.starts_with("postgresql://") || location.starts_with("postgres://")) {
    return unavailable(
        "store '" + std::string{location} +
        "': this build of crmflow has no PostgreSQL store yet; use a SQLite file path");
  }
  auto store = SqliteStore::open(std::string{location});
  if (!store) return std::move(store).error();
  return std::unique_ptr<Store>{std::move(*store)};
}

}  // namespace crmflow
