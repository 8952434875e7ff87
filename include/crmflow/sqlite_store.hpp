// crmflow: SqliteStore, the embedded durable Store: one SQLite database file (WAL mode) that
// several processes may open at once.
//
//   auto store = crmflow::SqliteStore::open("crm.db");
//   if (!store) { ... store.error() ... }
//   crmflow::Engine engine{**store, {.clock = &clock}};
//
// Every commit(CaseChange) is one IMMEDIATE transaction (all the cases of the change or none);
// a case whose row version moved is `conflict`, never overwritten. Writers wait for each other up
// to `busy_timeout`; only then does a call fail, with `unavailable` (never a raw "database is
// locked"). The schema carries its version (PRAGMA user_version) and is migrated on open; a file
// written by a newer release is refused with `unavailable` naming both versions. Variables are
// kept as JSON text (so `json_extract` can query them), the execution state as a versioned binary
// archive (store/state_codec.hpp). docs/stores.md gives the schema and the durability of each
// `synchronous` setting.
//
// Thread safety: every method may be called from several threads at once (one connection behind
// a mutex). Several processes: open the file in each; they coordinate through SQLite's locks.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "crmflow/store.hpp"

namespace crmflow {

struct SqliteOptions {
  // How a commit reaches the disk (docs/stores.md):
  //   full:   every acknowledged commit survives a power loss (fsync of the WAL on each commit);
  //   normal: an acknowledged commit survives a crash of the process; a power loss may roll back
  //           the last commits, never corrupt the file.
  enum class Durability { full, normal };
  Durability durability = Durability::full;
  // How long a writer waits for another process's transaction before `unavailable`.
  std::chrono::milliseconds busy_timeout{std::chrono::seconds{10}};
  // Open an existing file only (`not_found` when it is missing) instead of creating it.
  bool must_exist = false;
};

class SqliteStore final : public Store {
 public:
  // Opens (creating when missing, unless options.must_exist) and migrates the database at `path`.
  // A file that is another application's SQLite database, or carries a newer schema, is refused
  // without being written to.
  // Errors: unavailable naming the path (cannot open, not a SQLite database, not a crmflow store,
  // newer schema (naming both versions), locked past the timeout), not_found (must_exist and
  // missing), invalid_input (empty path, negative busy_timeout).
  [[nodiscard]] static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                                 const SqliteOptions& options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // The schema version this build writes (PRAGMA user_version).
  static int schema_version() noexcept;
  const std::string& path() const noexcept;

  Result<std::uint64_t> allocate_id(IdKind kind) override;
  Status add_definition(const DefinitionRecord& record) override;
  Status add_definition_with_triggers(const DefinitionRecord& record,
                                      const std::vector<JobRecord>& triggers) override;
  Result<std::optional<DefinitionRecord>> latest_definition(std::string_view process_id) override;
  Result<std::optional<DefinitionRecord>> definition(std::string_view process_id,
                                                     std::int64_t version) override;
  Result<std::vector<DefinitionRecord>> latest_definitions() override;
  Result<CaseRecord> load_case(CaseId id) override;
  Result<std::vector<CaseRecord>> find_cases(const CaseQuery& query) override;
  Result<Task> load_task(TaskId id) override;
  Result<std::vector<Task>> open_tasks(const TaskFilter& filter) override;
  Result<std::optional<JobRecord>> next_due_job(Instant now) override;
  Result<std::optional<Instant>> next_due() override;
  Status lease_job(JobId id, Instant now, Instant until) override;
  Result<std::vector<Subscription>> subscriptions(SubscriptionKind kind, std::string_view name,
                                                  std::string_view key) override;
  Result<std::vector<HistoryEvent>> history(CaseId id) override;
  Result<std::vector<Notification>> outbox(CaseId case_id) override;
  Result<std::optional<Notification>> next_due_delivery(Instant now) override;
  Result<std::optional<Instant>> next_delivery_due() override;
  Status lease_delivery(std::uint64_t id, Instant now, Instant until) override;
  Status commit(const CaseChange& change) override;
  Result<std::vector<CaseId>> ended_cases(Instant ended_before, CaseId after,
                                          std::size_t limit) override;
  Status remove_ended_case(CaseId id, Instant ended_before) override;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crmflow
