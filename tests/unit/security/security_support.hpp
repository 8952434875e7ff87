// Support of the security tests: the hostile texts every test feeds through the API, an engine on
// a SqliteStore in a fresh folder, and ways to look at the database file from outside the store
// (its tables, its integrity, every row) so that a test can tell that nothing else changed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/clock.hpp"
#include "crmflow/directory.hpp"
#include "crmflow/engine.hpp"
#include "crmflow/log.hpp"
#include "crmflow/sqlite_store.hpp"
#include "temp_folder.hpp"

namespace crmflow::test {

// 2026-01-01T00:00:00Z
Instant security_epoch();

// Texts that would change the meaning of a statement built by pasting them into SQL (quotes,
// comments, stacked statements, LIKE wildcards, a NUL byte), of a JSON document built by pasting
// (quotes, brackets), or of a line (breaks), and non-ASCII text. Each is distinct from the others
// and from every name the tests use themselves.
const std::vector<std::string>& hostile_texts();

// A name for `text` in test output: quotes and control characters escaped.
std::string printable(std::string_view text);

// `text` as a YAML double-quoted scalar (for writing hostile text into process definitions).
std::string yaml_quoted(std::string_view text);

// `text` with every `from` replaced by `to` (for writing hostile text or names into YAML).
std::string replace_all(std::string text, std::string_view from, std::string_view to);

// A LogRecord as the engine's log hook got it, kept (its views copied).
struct Logged {
  LogLevel level = LogLevel::info;
  std::string event;
  CaseId case_id = kNoId;
  std::string message;
  std::string user;
  std::string action;
  TaskId task_id = kNoId;
};

// An Engine over a SqliteStore in a fresh folder, with a manual clock, a directory the test
// fills before its first engine call, and a log hook that keeps what it gets.
struct SqliteWorld {
  TempFolder folder;
  std::string path = (folder / "crm.db").string();
  std::unique_ptr<SqliteStore> store = open(path);
  ManualClock clock{security_epoch()};
  MemoryDirectory directory;
  std::vector<Logged> log;
  Engine engine{*store, EngineOptions{.clock = &clock,
                                      .directory = &directory,
                                      .log = [this](const LogRecord& r) { keep(r); }}};

  static std::unique_ptr<SqliteStore> open(const std::string& path);

  // Loads and deploys a process written in YAML; REQUIREs that both succeed.
  void deploy(const std::string& yaml);

 private:
  void keep(const LogRecord& record);
};

// The names of the database's tables, indexes and triggers ("type name"), sorted.
std::vector<std::string> schema_objects(const std::string& path);
// PRAGMA integrity_check's answer ("ok" for a sound file).
std::string integrity(const std::string& path);
// Every row of every table, each as one line ("table: value|value|...", blobs in hex, NULL as
// such), sorted: two dumps are equal exactly when the file holds the same data.
std::vector<std::string> dump_rows(const std::string& path);

// What the store's read API tells about a case: its record (row version and execution state
// included, through the engine's view of it), every task it ever had, its history, its waits
// (jobs included: timers with their due moments) and its outbox entries, as one JSON text.
std::string case_snapshot(Engine& engine, Store& store, CaseId id);

}  // namespace crmflow::test
