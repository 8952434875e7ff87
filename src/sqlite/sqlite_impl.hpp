// SqliteStore's inside: one connection behind a mutex, its prepared statements (each prepared
// once and reused), and the wrapper every store method runs in, which holds the mutex and turns
// exceptions into errors.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "crmflow/sqlite_store.hpp"
#include "sqlite/sqlite_errors.hpp"

namespace crmflow {
namespace sqlite {

// How long to pause before retrying a call that SQLite refused with SQLITE_BUSY at once.
inline constexpr std::chrono::milliseconds kBusyRetryPause{5};

// The connection and everything that goes with it. (A type of its own rather than
// SqliteStore::Impl, which is private, so that the helpers of each source file can take it.)
struct Connection {
  Connection(std::string path_in, const SqliteOptions& options_in, SQLite::Database database)
      : path(std::move(path_in)), options(options_in), db(std::move(database)) {}

  // Runs `body` (which returns a Result or a Status) with the connection to itself; any exception
  // becomes the error for `doing` (sqlite_errors.hpp). SQLite waits for locks in its busy handler
  // (busy_timeout); the few waits it answers with SQLITE_BUSY at once (another process recovering
  // or cleaning up the log) are retried here until the same timeout has passed. REQUIRES: `body`
  // may run again after it threw: it is one transaction, rolled back by the exception.
  template <typename Body>
  auto run(std::string_view doing, Body&& body) noexcept -> std::invoke_result_t<Body&> {
    try {
      std::lock_guard lock{mutex};
      const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
      for (;;) {
        try {
          return body();
        } catch (const SQLite::Exception& e) {
          if (!is_busy(e) || std::chrono::steady_clock::now() >= deadline) {
            return current_error(error_context(), doing);
          }
        } catch (...) {
          return current_error(error_context(), doing);
        }
        std::this_thread::sleep_for(kBusyRetryPause);
      }
    } catch (...) {  // std::system_error from the mutex
      return current_error(error_context(), doing);
    }
  }

  // The statement for `sql`, prepared on first use and kept for the connection's life; its
  // bindings cleared. REQUIRES: the mutex is held; `sql` outlives nothing (it is copied).
  SQLite::Statement& statement(std::string_view sql) {
    auto found = statements.find(sql);
    if (found == statements.end()) {
      auto prepared = std::make_unique<SQLite::Statement>(db, std::string{sql});
      const std::string_view key = prepared->getQuery();  // the key lives in the statement
      found = statements.emplace(key, std::move(prepared)).first;
    }
    found->second->clearBindings();
    return *found->second;
  }

  sqlite::ErrorContext error_context() const { return {path, options.busy_timeout}; }

  const std::string path;
  const SqliteOptions options;
  std::mutex mutex;
  SQLite::Database db;
  std::unordered_map<std::string_view, std::unique_ptr<SQLite::Statement>> statements;
};

// A cached statement in use: reset when the scope ends (on success and on exceptions alike), so
// that no read transaction stays open and COMMIT never meets a statement in progress.
class Use {
 public:
  explicit Use(SQLite::Statement& statement) : statement_(statement) {}
  ~Use() { statement_.tryReset(); }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;

  SQLite::Statement& operator*() const { return statement_; }
  SQLite::Statement* operator->() const { return &statement_; }

 private:
  SQLite::Statement& statement_;
};

}  // namespace sqlite

struct SqliteStore::Impl : sqlite::Connection {
  using Connection::Connection;
};

}  // namespace crmflow
