// Helpers of the SqliteStore tests: a temporary folder, stores opened in it, records to commit,
// and a raw SQLite connection to look at (or damage) the file from outside the store.
#pragma once

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "crmflow/sqlite_store.hpp"
#include "store/case_state.hpp"
#include "store_conformance/records.hpp"

namespace crmflow::test {

// A fresh folder under the system's temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // `name` inside the folder.
  std::string file(const std::string& name) const;

 private:
  std::filesystem::path path_;
};

// 2026-01-01T00:00:00Z plus `minutes`; a change of a stored case (the conformance suite's).
using conformance::at;
using conformance::update_of;

// Opens the store at `path`; REQUIREs success.
std::unique_ptr<SqliteStore> open_store(const std::string& path, SqliteOptions options = {});

// A state with something in every part, so that a round trip that drops a field shows.
std::shared_ptr<const CaseState> sample_state();

// The conformance suite's new case `id` (process "p" version 1, row version 1), with
// sample_state() instead of an empty state.
CaseChange new_case(CaseId id);

// The conformance suite's open task at step "check" ("Check the device"), and its job of token 1
// as a service call.
Task open_task(TaskId id, CaseId case_id);
JobRecord due_job(JobId id, CaseId case_id, Instant due);

// A connection of its own to the file (as another program would open it).
SQLite::Database raw_connection(const std::string& path);

}  // namespace crmflow::test
