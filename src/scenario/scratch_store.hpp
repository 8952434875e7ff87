// The store a scenario runs on: a MemoryStore, or with `store: sqlite` a SqliteStore on a
// temporary file of its own that is deleted (with its WAL and shared-memory files) when the run
// ends, so that scenarios can prove that a flow behaves the same through the durable store.
#pragma once

#include <memory>
#include <string>

#include "crmflow/error.hpp"
#include "crmflow/sqlite_store.hpp"
#include "crmflow/store.hpp"

namespace crmflow::scenario {

class ScratchStore {
 public:
  // A MemoryStore (sqlite false) or a SqliteStore on a fresh temporary file.
  // Errors: unavailable when the temporary file cannot be made or opened.
  static Result<std::unique_ptr<ScratchStore>> open(bool sqlite);
  ~ScratchStore();
  ScratchStore(const ScratchStore&) = delete;
  ScratchStore& operator=(const ScratchStore&) = delete;

  Store& store() { return *store_; }

  // What a restart of the host does to the store: a SqliteStore is closed and its file opened
  // again (so only what was committed survives); a MemoryStore is kept as it is (it has no file,
  // and it holds nothing but committed records anyway). Invalidates references from store().
  // Errors: the store's, from opening the file again (the store is then unusable).
  Status reopen();

 private:
  // The options a scratch database is opened with.
  static SqliteOptions options();

  ScratchStore(std::unique_ptr<Store> store, std::string path)
      : store_(std::move(store)), path_(std::move(path)) {}
  std::unique_ptr<Store> store_;
  std::string path_;  // the database file; empty for memory
};

}  // namespace crmflow::scenario
