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
#include "crmflow/record_json.hpp"
#include "crmflow/task.hpp"
#include "crmflow/value.hpp"
#include "crmflow/waiting.hpp"

namespace crmflow::cli {

// The JSON shapes of tasks, cases, waits, notifications and history events are the library's
// (include/crmflow/record_json.hpp): task_to_json, case_to_json, waiting_to_json,
// notification_to_json, event_to_json.

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
