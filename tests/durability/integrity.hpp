// crmflow durability driver: checks of the database file itself, below the Store interface.
#pragma once

#include <string>
#include <vector>

namespace crmflow::durability {

// Opens the SQLite file at `path` directly and returns one line per problem (empty: none):
// `PRAGMA integrity_check` must answer exactly "ok" and `PRAGMA foreign_key_check` nothing. A
// file that cannot be opened is a problem, not an exception.
std::vector<std::string> check_file_integrity(const std::string& path);

// The journal mode of the file at `path` must be WAL, as sqlite_store.hpp promises. Call it after
// SqliteStore::open: a writer killed between creating the file and switching it to WAL leaves a
// file in the default mode, which the next open switches.
std::vector<std::string> check_journal_mode(const std::string& path);

}  // namespace crmflow::durability
