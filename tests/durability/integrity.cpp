// The file-level checks of `verify`, on plain SQLite connections: the first connection after a
// crash replays (or discards) the write-ahead log, and check_file_integrity sees the database
// exactly as that recovery left it, before SqliteStore::open touches it.
#include "integrity.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace crmflow::durability {

std::vector<std::string> check_file_integrity(const std::string& path) {
  std::vector<std::string> problems;
  try {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.setBusyTimeout(10'000);

    SQLite::Statement integrity(db, "PRAGMA integrity_check");
    std::vector<std::string> rows;
    while (integrity.executeStep()) rows.push_back(integrity.getColumn(0).getString());
    if (rows != std::vector<std::string>{"ok"}) {
      for (const std::string& row : rows) problems.push_back("PRAGMA integrity_check: " + row);
      if (rows.empty()) problems.emplace_back("PRAGMA integrity_check returned no row");
    }

    SQLite::Statement foreign_keys(db, "PRAGMA foreign_key_check");
    while (foreign_keys.executeStep()) {
      problems.push_back("PRAGMA foreign_key_check: table " +
                         foreign_keys.getColumn(0).getString() + " row " +
                         foreign_keys.getColumn(1).getString() + " points at a missing row of " +
                         foreign_keys.getColumn(2).getString());
    }
  } catch (const SQLite::Exception& e) {
    problems.push_back("SQLite on '" + path + "': " + e.what());
  }
  return problems;
}

std::vector<std::string> check_journal_mode(const std::string& path) {
  try {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    db.setBusyTimeout(10'000);
    const std::string mode = db.execAndGet("PRAGMA journal_mode").getString();
    if (mode == "wal") return {};
    return {"PRAGMA journal_mode is '" + mode + "' after SqliteStore::open, expected 'wal'"};
  } catch (const SQLite::Exception& e) {
    return {"SQLite on '" + path + "': " + e.what()};
  }
}

}  // namespace crmflow::durability
