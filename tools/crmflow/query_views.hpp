// What the query commands (tasks, cases, show, history; docs/cli-queries.md) share: the JSON form
// of tasks, cases and waits, the plain table, and the reading of --limit/--offset.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arguments.hpp"
#include "crmflow/case.hpp"
#include "crmflow/history.hpp"
#include "crmflow/notification.hpp"
#include "crmflow/task.hpp"
#include "crmflow/value.hpp"
#include "crmflow/waiting.hpp"

namespace crmflow::cli {

// An RFC 3339 string, or JSON null for no moment.
Value time_value(const std::optional<Instant>& at);
// The text, or JSON null when it is empty.
Value text_or_null(const std::string& text);
// The id, or JSON null for kNoId.
Value id_or_null(std::uint64_t id);

// {"id","case","process","step","name","assignee","candidates":{"users","groups"},"priority",
//  "due","created","overdue"}; overdue: the task has a due moment at or before `now`.
Value task_json(const Task& task, Instant now);
// {"id","process","version","key","status","progress","started_at","ended_at","active"}.
Value case_json(const Case& c);
// {"step","kind","since", the fields of the kind (see docs/cli-queries.md), "boundary"}.
Value waiting_json(const Waiting& waiting);
// {"step","channel","to","subject","text","at","idempotency_key"}.
Value notification_json(const Notification& notification);
// {"at","event","step","task","by","data"}.
Value event_json(const HistoryEvent& event);

// Who a task is for, in words: "ali (assigned)", "group technicians", "users omid, sara and
// group technicians", "anyone" (no candidates: any user may claim it).
std::string offered_to(const Task& task);
std::string offered_to(const std::vector<std::string>& users,
                       const std::vector<std::string>& groups);

// How many terminal columns `text` (UTF-8) takes: one per code point, none for combining marks
// and zero-width characters (Persian vowel marks, ZWNJ), two for East Asian wide characters.
std::size_t display_width(std::string_view text);

// A table printed with its columns aligned by display width, two spaces apart, the last column
// unpadded.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // The lines, each ending in a newline.
  std::string text() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// --limit and --offset: absent is 0; anything but a whole number >= 0 is bad usage (the message
// for `crmflow: usage:`).
struct Page {
  std::size_t limit = 0;
  std::size_t offset = 0;
};
Result<Page> read_page(const Arguments& args);

}  // namespace crmflow::cli
