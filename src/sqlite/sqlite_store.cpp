// SqliteStore: opening the file, ids, definitions, and the leases of jobs and deliveries. Reads
// are in sqlite_queries.cpp, commit(CaseChange) in sqlite_commit.cpp.
#include "crmflow/sqlite_store.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "sqlite/sqlite_codec.hpp"
#include "sqlite/sqlite_impl.hpp"
#include "sqlite/sqlite_rows.hpp"
#include "sqlite/sqlite_schema.hpp"

namespace crmflow {
namespace {

using sqlite::Use;

bool is_in_memory(const std::string& path) {
  return path == ":memory:" || path.starts_with("file::memory:");
}

// The connection settings of every open: WAL (readers never wait for the writer; one fsync per
// commit), the durability asked for, foreign keys on.
Status configure(SQLite::Database& db, const std::string& path, const SqliteOptions& options) {
  const std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
  if (mode != "wal" && !is_in_memory(path)) {
    return unavailable("database '" + path + "' cannot use WAL journal mode (SQLite kept '" + mode +
                       "'); put it on a local file system");
  }
  db.exec(options.durability == SqliteOptions::Durability::full ? "PRAGMA synchronous = FULL"
                                                                : "PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  return {};
}

const char* sequence_name(IdKind kind) {
  switch (kind) {
    case IdKind::case_id:
      return "case";
    case IdKind::task_id:
      return "task";
    case IdKind::job_id:
      return "job";
  }
  return "case";
}

// `normal` (PRAGMA synchronous = NORMAL) for its scope, `full` again after, also when an exception
// leaves it. REQUIRES: no transaction is open at either end (SQLite refuses the change inside one).
class RelaxedSync {
 public:
  RelaxedSync(SQLite::Statement& normal, SQLite::Statement& full) : full_(full) {
    Use relax{normal};
    relax->exec();
  }
  ~RelaxedSync() {
    full_.tryExecuteStep();
    full_.tryReset();
  }
  RelaxedSync(const RelaxedSync&) = delete;
  RelaxedSync& operator=(const RelaxedSync&) = delete;

 private:
  SQLite::Statement& full_;
};

// PRAGMA synchronous = NORMAL until the result is destroyed, when the store runs with
// Durability::full (it already is NORMAL otherwise).
std::optional<RelaxedSync> relax_sync(sqlite::Connection& c) {
  if (c.options.durability != SqliteOptions::Durability::full) return std::nullopt;
  return std::optional<RelaxedSync>{std::in_place, c.statement("PRAGMA synchronous = NORMAL"),
                                    c.statement("PRAGMA synchronous = FULL")};
}

}  // namespace

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

int SqliteStore::schema_version() noexcept { return sqlite::current_schema_version(); }

const std::string& SqliteStore::path() const noexcept { return impl_->path; }

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       const SqliteOptions& options) {
  if (path.empty()) {
    return invalid_input("SQLite store path is empty: give the path of the database file");
  }
  if (options.busy_timeout.count() < 0) {
    return invalid_input("SqliteOptions::busy_timeout is negative");
  }
  if (options.must_exist && !is_in_memory(path)) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return not_found("database '" + path +
                       "' does not exist; create it first (open without must_exist)");
    }
  }
  if (std::error_code ec; !is_in_memory(path) && std::filesystem::is_directory(path, ec)) {
    // SQLite would only say "unable to open database file".
    return unavailable("'" + path + "' is a folder, not a database file; give the path of a file " +
                       "in it (say '" + (std::filesystem::path{path} / "crm.db").string() + "')");
  }
  const sqlite::ErrorContext context{path, options.busy_timeout};
  auto open_once = [&]() -> Result<std::unique_ptr<SqliteStore>> {
    // NOMUTEX: the connection is only ever used under Impl::mutex, so SQLite's own per-call
    // locking would be paid for nothing.
    const int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX |
                      (options.must_exist ? 0 : SQLite::OPEN_CREATE);
    const auto timeout = static_cast<int>(
        std::min<std::int64_t>(options.busy_timeout.count(), std::numeric_limits<int>::max()));
    SQLite::Database db{path, flags, timeout};
    // Refused files are left as they are; ours switch to WAL before migrating, so that other
    // processes can read while a migration runs.
    if (auto s = sqlite::check_file(db, path, sqlite::schema_steps()); !s) return s.error();
    if (auto s = configure(db, path, options); !s) return s.error();
    if (auto s = sqlite::migrate(db, path, sqlite::schema_steps()); !s) return s.error();
    auto impl = std::make_unique<Impl>(path, options, std::move(db));
    return std::unique_ptr<SqliteStore>{new SqliteStore(std::move(impl))};
  };
  // While other processes create or convert the same file, SQLite answers some steps (switching
  // to WAL, recovering the log) with SQLITE_BUSY at once instead of calling the busy handler:
  // those are retried until busy_timeout has passed, like every other wait.
  const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
  for (;;) {
    try {
      return open_once();
    } catch (const SQLite::Exception& e) {
      if (!sqlite::is_busy(e) || std::chrono::steady_clock::now() >= deadline) {
        return sqlite::current_error(context, "opening the store");
      }
    } catch (...) {
      return sqlite::current_error(context, "opening the store");
    }
    std::this_thread::sleep_for(sqlite::kBusyRetryPause);
  }
}

Result<std::uint64_t> SqliteStore::allocate_id(IdKind kind) {
  return impl_->run("allocating an id", [&]() -> Result<std::uint64_t> {
    // The bump is written without an fsync of its own even under Durability::full: the commit
    // that first uses the id fsyncs the WAL, and with it this earlier frame. An id lost to a
    // power cut was used by no durable commit, so handing it out again breaks nothing.
    auto relaxed = relax_sync(*impl_);
    SQLite::Transaction transaction{impl_->db, SQLite::TransactionBehavior::IMMEDIATE};
    std::uint64_t id = 0;
    {
      Use bump{impl_->statement(
          "UPDATE sequences SET last_id = last_id + 1 WHERE kind = ? RETURNING last_id")};
      bump->bind(1, sequence_name(kind));
      if (!bump->executeStep()) {
        return internal_error("database '" + impl_->path + "' has no sequence '" +
                              sequence_name(kind) + "'");
      }
      id = static_cast<std::uint64_t>(bump->getColumn(0).getInt64());
    }
    transaction.commit();
    return id;
  });
}

namespace {

// Inserts the definition row. conflict when (process_id, version) exists. REQUIRES: inside a
// write transaction.
Status insert_definition(sqlite::Connection& c, const DefinitionRecord& record) {
  Use insert{c.statement(
      "INSERT INTO definitions (process_id, version, content_hash, canonical, deployed_at) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (process_id, version) DO NOTHING")};
  insert->bind(1, record.process_id);
  insert->bind(2, static_cast<std::int64_t>(record.version));
  insert->bind(3, record.content_hash);
  insert->bind(4, record.canonical);
  sqlite::bind_instant(*insert, 5, record.deployed_at);
  if (insert->exec() == 0) {
    return conflict("process '" + record.process_id + "' version " +
                    std::to_string(record.version) + " is already deployed");
  }
  return {};
}

}  // namespace

Status SqliteStore::add_definition(const DefinitionRecord& record) {
  return impl_->run("deploying a definition", [&]() -> Status {
    SQLite::Transaction transaction{impl_->db, SQLite::TransactionBehavior::IMMEDIATE};
    if (auto s = insert_definition(*impl_, record); !s) return s;
    transaction.commit();
    return {};
  });
}

Status SqliteStore::add_definition_with_triggers(const DefinitionRecord& record,
                                                 const std::vector<JobRecord>& triggers) {
  return impl_->run("deploying a definition and its triggers", [&]() -> Status {
    SQLite::Transaction transaction{impl_->db, SQLite::TransactionBehavior::IMMEDIATE};
    if (auto s = insert_definition(*impl_, record); !s) return s;
    {
      Use remove{impl_->statement("DELETE FROM jobs WHERE kind = 'trigger' AND process_id = ?")};
      remove->bind(1, record.process_id);
      remove->exec();
    }
    for (const JobRecord& job : triggers) {
      Use insert{impl_->statement(sqlite::insert_job_sql())};
      sqlite::bind_job(*insert, job);
      insert->exec();
    }
    transaction.commit();
    return {};
  });
}

namespace {

Result<std::optional<DefinitionRecord>> one_definition(SQLite::Statement& statement) {
  Use use{statement};
  if (!statement.executeStep()) return std::optional<DefinitionRecord>{};
  return std::optional<DefinitionRecord>{sqlite::read_definition(statement)};
}

}  // namespace

Result<std::optional<DefinitionRecord>> SqliteStore::latest_definition(
    std::string_view process_id) {
  return impl_->run("reading a definition", [&]() {
    static const std::string kSql =
        std::string{"SELECT "} + sqlite::kDefinitionColumns +
        " FROM definitions WHERE process_id = ? ORDER BY version DESC LIMIT 1";
    SQLite::Statement& s = impl_->statement(kSql);
    s.bind(1, std::string{process_id});
    return one_definition(s);
  });
}

Result<std::optional<DefinitionRecord>> SqliteStore::definition(std::string_view process_id,
                                                                std::int64_t version) {
  return impl_->run("reading a definition", [&]() {
    static const std::string kSql = std::string{"SELECT "} + sqlite::kDefinitionColumns +
                                    " FROM definitions WHERE process_id = ? AND version = ?";
    SQLite::Statement& s = impl_->statement(kSql);
    s.bind(1, std::string{process_id});
    s.bind(2, static_cast<std::int64_t>(version));
    return one_definition(s);
  });
}

Result<std::vector<DefinitionRecord>> SqliteStore::latest_definitions() {
  return impl_->run("reading definitions", [&]() -> Result<std::vector<DefinitionRecord>> {
    // SQLite takes the other columns of an aggregate query with max() from the row holding it.
    Use s{
        impl_->statement("SELECT process_id, max(version), content_hash, canonical, deployed_at "
                         "FROM definitions GROUP BY process_id ORDER BY process_id")};
    std::vector<DefinitionRecord> out;
    while (s->executeStep()) out.push_back(sqlite::read_definition(*s));
    return out;
  });
}

Status SqliteStore::lease_job(JobId id, Instant now, Instant until) {
  return impl_->run("leasing a job", [&]() -> Status {
    // Without an fsync of its own, as allocate_id: a lease guards the job against the workers of
    // this machine (the processes that share the file), and a power cut that loses it ends them
    // all; the job is then due again, as it would be once the lease ran out.
    auto relaxed = relax_sync(*impl_);
    SQLite::Transaction transaction{impl_->db, SQLite::TransactionBehavior::IMMEDIATE};
    {
      Use lease{
          impl_->statement("UPDATE jobs SET leased_until = ?1 "
                           "WHERE id = ?2 AND (leased_until IS NULL OR leased_until <= ?3)")};
      sqlite::bind_instant(*lease, 1, until);
      sqlite::bind_id(*lease, 2, id);
      sqlite::bind_instant(*lease, 3, now);
      if (lease->exec() == 0) {
        Use exists{impl_->statement("SELECT 1 FROM jobs WHERE id = ?")};
        sqlite::bind_id(*exists, 1, id);
        if (!exists->executeStep()) return not_found("no job " + std::to_string(id));
        return conflict("job " + std::to_string(id) + " is leased by another worker");
      }
    }
    transaction.commit();
    return {};
  });
}

Status SqliteStore::lease_delivery(std::uint64_t id, Instant now, Instant until) {
  return impl_->run("leasing a delivery", [&]() -> Status {
    // Without an fsync of its own, for lease_job's reason: a lease lost to a power cut ended with
    // every worker that could hold it. The delivery may then be tried again, under the same
    // idempotency key, which is what a receiver that already took it uses to drop the repeat.
    auto relaxed = relax_sync(*impl_);
    SQLite::Transaction transaction{impl_->db, SQLite::TransactionBehavior::IMMEDIATE};
    {
      Use lease{impl_->statement(
          "UPDATE outbox SET leased_until = ?1 WHERE id = ?2 AND status = 'pending' "
          "AND (leased_until IS NULL OR leased_until <= ?3)")};
      sqlite::bind_instant(*lease, 1, until);
      sqlite::bind_id(*lease, 2, id);
      sqlite::bind_instant(*lease, 3, now);
      if (lease->exec() == 0) {
        Use pending{impl_->statement("SELECT 1 FROM outbox WHERE id = ? AND status = 'pending'")};
        sqlite::bind_id(*pending, 1, id);
        if (!pending->executeStep()) {
          return not_found("no pending notification " + std::to_string(id) +
                           " in the outbox (delivered, failed or unknown)");
        }
        return conflict("notification " + std::to_string(id) +
                        " is being delivered by another worker");
      }
    }
    transaction.commit();
    return {};
  });
}

}  // namespace crmflow
