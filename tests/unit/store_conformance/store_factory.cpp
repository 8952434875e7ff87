// The factories of the stores under test. SqliteStore runs twice: once as is, and once with
// every test's reads going through a store opened anew on the file ("sqlite-reopened").
#include "store_factory.hpp"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string_view>

#include "crmflow/memory_store.hpp"
#if CRMFLOW_CONFORMANCE_SQLITE
#include "crmflow/sqlite_store.hpp"
#endif

namespace crmflow::conformance {
namespace {

class MemoryUnderTest final : public StoreUnderTest {
 public:
  Store& store() override { return store_; }
  void reopen() override {}
  Store& peer() override { return store_; }

 private:
  MemoryStore store_;
};

#if CRMFLOW_CONFORMANCE_SQLITE

// A database file of its own in the temporary directory, removed (with its WAL and shared-memory
// files) when the test is done.
std::string fresh_database_path() {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path();
  std::ostringstream name;
  name << "crmflow-conformance-" << ::getpid() << '-' << counter++ << ".db";
  const std::string path = (dir / name.str()).string();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix);
  }
  return path;
}

std::unique_ptr<SqliteStore> open_sqlite(const std::string& path) {
  auto opened = SqliteStore::open(path);
  if (!opened) FAIL("cannot open SQLite store " << path << ": " << to_string(opened.error()));
  return std::move(*opened);
}

class SqliteUnderTest final : public StoreUnderTest {
 public:
  explicit SqliteUnderTest(bool reopens)
      : reopens_(reopens), path_(fresh_database_path()), store_(open_sqlite(path_)) {}
  ~SqliteUnderTest() override {
    peer_.reset();
    store_.reset();
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_ + suffix, ignored);
    }
  }

  Store& store() override { return *store_; }
  void reopen() override {
    if (!reopens_) return;
    peer_.reset();
    store_.reset();  // closes the connection: nothing may survive in memory
    store_ = open_sqlite(path_);
  }
  Store& peer() override {
    std::lock_guard lock{peer_mutex_};  // threads of one test ask for it at once
    if (!peer_) peer_ = open_sqlite(path_);
    return *peer_;
  }

 private:
  bool reopens_;
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
  std::mutex peer_mutex_;
  std::unique_ptr<SqliteStore> peer_;
};

#endif

std::vector<StoreFactory> all_factories() {
  std::vector<StoreFactory> all;
  all.push_back({"memory", [] { return std::make_unique<MemoryUnderTest>(); }});
#if CRMFLOW_CONFORMANCE_SQLITE
  all.push_back({"sqlite", [] { return std::make_unique<SqliteUnderTest>(false); }});
  all.push_back({"sqlite-reopened", [] { return std::make_unique<SqliteUnderTest>(true); }});
#endif
  return all;
}

bool selected(std::string_view list, std::string_view name) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (list.substr(0, comma) == name) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

const std::vector<StoreFactory>& store_factories() {
  static const std::vector<StoreFactory> factories = [] {
    std::vector<StoreFactory> all = all_factories();
    const char* only = std::getenv("CRMFLOW_CONFORMANCE_STORES");
    if (only == nullptr || *only == '\0') return all;
    std::vector<StoreFactory> chosen;
    for (StoreFactory& f : all) {
      if (selected(only, f.name)) chosen.push_back(std::move(f));
    }
    return chosen;
  }();
  return factories;
}

std::unique_ptr<StoreUnderTest> make_each_store(std::string& name) {
  const std::size_t count = store_factories().size();
  if (count == 0) FAIL("CRMFLOW_CONFORMANCE_STORES names no store this build has");
  const std::size_t index = GENERATE_COPY(range(std::size_t{0}, count));
  const StoreFactory& factory = store_factories()[index];
  name = factory.name;
  return factory.make();
}

}  // namespace crmflow::conformance
