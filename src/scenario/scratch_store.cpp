#include "scenario/scratch_store.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "crmflow/memory_store.hpp"
#include "crmflow/sqlite_store.hpp"

namespace crmflow::scenario {

Result<std::unique_ptr<ScratchStore>> ScratchStore::open(bool sqlite) {
  if (!sqlite) {
    return std::unique_ptr<ScratchStore>{new ScratchStore{std::make_unique<MemoryStore>(), {}}};
  }
  std::error_code error;
  const std::filesystem::path folder = std::filesystem::temp_directory_path(error);
  if (error) {
    return unavailable("store: sqlite: no temporary folder for the scenario's database: " +
                       error.message());
  }
  std::string name = (folder / "crmflow-scenario-XXXXXX").string();
  std::vector<char> writable(name.begin(), name.end());
  writable.push_back('\0');
  const int fd = ::mkstemp(writable.data());
  if (fd < 0) {
    return unavailable("store: sqlite: cannot create a temporary database in " + folder.string() +
                       ": " + std::strerror(errno));
  }
  ::close(fd);
  std::string path{writable.data()};
  // mkstemp made an empty file: SQLite takes an empty file as a new database.
  auto store = SqliteStore::open(path, options());
  if (!store) {
    std::filesystem::remove(path, error);
    return std::move(store).error();
  }
  return std::unique_ptr<ScratchStore>{new ScratchStore{std::move(*store), std::move(path)}};
}

SqliteOptions ScratchStore::options() {
  SqliteOptions options;
  options.durability = SqliteOptions::Durability::normal;  // thrown away after the run
  return options;
}

Status ScratchStore::reopen() {
  if (path_.empty()) return {};
  store_.reset();  // closes the connection: what was not committed is gone
  auto store = SqliteStore::open(path_, options());
  if (!store) return std::move(store).error();
  store_ = std::move(*store);
  return {};
}

ScratchStore::~ScratchStore() {
  store_.reset();  // closes the database before its files go
  if (path_.empty()) return;
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path_ + suffix, ignored);
  }
}

}  // namespace crmflow::scenario
