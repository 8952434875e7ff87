#include "security_support.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <set>

#include "crmflow/json.hpp"
#include "crmflow/process.hpp"
#include "crmflow/record_json.hpp"

namespace crmflow::test {

using namespace std::string_literals;

Instant security_epoch() { return Instant{std::chrono::milliseconds{1'767'225'600'000}}; }

const std::vector<std::string>& hostile_texts() {
  static const std::vector<std::string> kTexts = {
      "'; DROP TABLE cases; --",
      "\" OR 1=1 --",
      "x' OR '1'='1",
      "') OR ('a'='a",
      "Robert'); DELETE FROM tasks WHERE ('1'='1",
      "1; UPDATE cases SET status = 'completed'",
      "%",
      "_",
      "*",
      "a\0b"s,
      "\\'; --",
      "\"], \"x\": [\"",
      "$.variables",
      "line\nbreak\ttab\r",
      "رضا' OR ''='",
      "😀 ' \" ` ;",
  };
  return kTexts;
}

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

std::string yaml_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::unique_ptr<SqliteStore> SqliteWorld::open(const std::string& path) {
  auto store = SqliteStore::open(path, {.durability = SqliteOptions::Durability::normal});
  INFO((store ? std::string{} : to_string(store.error())));
  REQUIRE(store.ok());
  return std::move(store).value();
}

void SqliteWorld::deploy(const std::string& yaml) {
  LoadOutcome outcome = load_process(yaml, "security.yaml");
  std::string messages;
  for (const Diagnostic& d : outcome.diagnostics) messages += d.format() + "\n";
  INFO(yaml << "\n" << messages);
  REQUIRE(outcome.ok());
  auto deployed = engine.deploy(outcome.process);
  INFO((deployed ? std::string{} : to_string(deployed.error())));
  REQUIRE(deployed.ok());
}

void SqliteWorld::keep(const LogRecord& record) {
  log.push_back(Logged{record.level, std::string{record.event}, record.case_id, record.message,
                       record.user, std::string{record.action}, record.task_id});
}

std::vector<std::string> schema_objects(const std::string& path) {
  SQLite::Database db{path, SQLite::OPEN_READONLY};
  SQLite::Statement s{db, "SELECT type, name FROM sqlite_master ORDER BY type, name"};
  std::vector<std::string> out;
  while (s.executeStep()) {
    out.push_back(s.getColumn(0).getString() + " " + s.getColumn(1).getString());
  }
  return out;
}

std::string integrity(const std::string& path) {
  SQLite::Database db{path, SQLite::OPEN_READONLY};
  SQLite::Statement s{db, "PRAGMA integrity_check"};
  std::string out;
  while (s.executeStep()) out += s.getColumn(0).getString();
  return out;
}

namespace {

std::string hex(const SQLite::Column& column) {
  std::string out = "x'";
  const auto* bytes = static_cast<const unsigned char*>(column.getBlob());
  for (int i = 0; i < column.getBytes(); ++i) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", bytes[i]);
    out += pair;
  }
  return out + "'";
}

std::string cell(const SQLite::Column& column) {
  if (column.isNull()) return "NULL";
  if (column.isBlob()) return hex(column);
  if (column.isText()) return "'" + column.getString() + "'";
  return column.getString();  // a number, as SQLite writes it
}

}  // namespace

std::vector<std::string> dump_rows(const std::string& path) {
  SQLite::Database db{path, SQLite::OPEN_READONLY};
  std::vector<std::string> tables;
  {
    SQLite::Statement s{db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"};
    while (s.executeStep()) tables.push_back(s.getColumn(0).getString());
  }
  std::vector<std::string> rows;
  for (const std::string& table : tables) {
    // The names come from sqlite_master, not from a test's input; quoted all the same.
    SQLite::Statement s{db, "SELECT * FROM \"" + table + "\""};
    while (s.executeStep()) {
      std::string row = table + ":";
      for (int i = 0; i < s.getColumnCount(); ++i)
        row += (i == 0 ? " " : "|") + cell(s.getColumn(i));
      rows.push_back(std::move(row));
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

namespace {

std::int64_t millis(Instant at) { return at.time_since_epoch().count(); }

// Every field of a task, those task_to_json leaves out too.
Value task_fields(const Task& task, Instant now) {
  Value json = task_to_json(task, now);
  Value::Object out = json.as_object();
  out.emplace("status", std::string{to_string(task.status)});
  out.emplace("completed_by", task.completed_by);
  out.emplace("token", static_cast<std::int64_t>(task.token));
  out.emplace("ended_at", task.ended_at ? Value{millis(*task.ended_at)} : Value{});
  return Value{std::move(out)};
}

}  // namespace

std::string case_snapshot(Engine& engine, Store& store, CaseId id) {
  Value::Object out;
  auto record = store.load_case(id);
  REQUIRE(record.ok());
  out.emplace("row_version", static_cast<std::int64_t>(record->row_version));
  out.emplace("variables", to_json(record->variables, JsonStyle::typed));
  auto c = engine.get_case(id);
  REQUIRE(c.ok());
  out.emplace("case", case_detail_to_json(*c));

  auto history = store.history(id);
  REQUIRE(history.ok());
  Value::List events;
  std::set<TaskId> task_ids;
  for (const HistoryEvent& e : *history) {
    Value event = event_to_json(e);
    Value::Object fields = event.as_object();
    fields.emplace("sequence", static_cast<std::int64_t>(e.sequence));
    events.emplace_back(std::move(fields));
    if (e.task_id != kNoId) task_ids.insert(e.task_id);
  }
  out.emplace("history", std::move(events));

  auto open = store.open_tasks(TaskFilter{.case_id = id});
  REQUIRE(open.ok());
  for (const Task& t : *open) task_ids.insert(t.id);
  Value::List tasks;
  const Instant now = security_epoch();
  for (const TaskId task_id : task_ids) {
    auto task = store.load_task(task_id);
    REQUIRE(task.ok());
    tasks.push_back(task_fields(*task, now));
  }
  out.emplace("tasks", std::move(tasks));

  auto waits = engine.waiting(id);
  REQUIRE(waits.ok());
  Value::List waiting;
  for (const Waiting& w : *waits) waiting.push_back(waiting_to_json(w));
  out.emplace("waiting", std::move(waiting));

  auto outbox = store.outbox(id);
  REQUIRE(outbox.ok());
  Value::List entries;
  for (const Notification& n : *outbox) entries.push_back(notification_to_json(n));
  out.emplace("outbox", std::move(entries));

  auto next = store.next_due();
  REQUIRE(next.ok());
  out.emplace("next_due", *next ? Value{millis(**next)} : Value{});
  return to_json(Value{std::move(out)}, JsonStyle::pretty);
}

}  // namespace crmflow::test
