// The SqliteStore schema and its migrations: the tables as a list of steps, each taking the
// database from one `PRAGMA user_version` to the next, applied on open inside one IMMEDIATE
// transaction (all steps or none). A new release that changes the schema appends a step; it
// never edits an old one, so every file ever written can be brought up to date.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "crmflow/error.hpp"

namespace SQLite {
class Database;
}

namespace crmflow::sqlite {

// PRAGMA application_id of every crmflow store ("CRMF"): how a file is told apart from other
// SQLite databases before anything is written to it.
inline constexpr std::int32_t kApplicationId = 0x43524D46;

// One migration step: the SQL that takes a database at version `to - 1` to version `to`.
struct SchemaStep {
  int to = 0;
  const char* sql = nullptr;
};

// The steps of this build, in order; the last one's `to` is the schema version it writes.
std::span<const SchemaStep> schema_steps() noexcept;

// The schema version this build writes.
int current_schema_version() noexcept;

// Whether the database at `path` (open as `db`) may be used by a build that reaches the last of
// `steps`: it is a crmflow store at that version or older, or empty. Reads the header only.
// Errors: as migrate's for a file that is not ours or is newer. REQUIRES: as migrate's.
Status check_file(SQLite::Database& db, const std::string& path, std::span<const SchemaStep> steps);

// Checks that the database at `path` (already open as `db`) is a crmflow store, or an empty
// database, and brings it to the last of `steps`. Another process migrating at the same time is
// waited for (the transaction is IMMEDIATE and re-reads the version once it holds the lock).
// Errors: unavailable naming `path` when the file is another application's database, or carries
// a newer schema than `steps` reach (naming both versions), or a step fails (nothing is changed
// then). REQUIRES: the caller translates SQLite exceptions (this function throws them).
Status migrate(SQLite::Database& db, const std::string& path, std::span<const SchemaStep> steps);

}  // namespace crmflow::sqlite
