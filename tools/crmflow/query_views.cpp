#include "query_views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "session.hpp"
#include "value/utf8.hpp"

namespace crmflow::cli {
namespace {

Value text_list(const std::vector<std::string>& items) {
  Value::List out;
  out.reserve(items.size());
  for (const std::string& item : items) out.emplace_back(item);
  return Value{std::move(out)};
}

// "a", "a and b", "a, b and c".
std::string joined(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? std::string{} : items.front();
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return fmt::format("{} and {}", fmt::join(head, ", "), items.back());
}

// The next code point of UTF-8 text at `i` (advancing it). A byte that does not start a
// well-formed sequence (text::utf8_sequence_length is 0) counts alone, as the one replacement
// character a terminal shows for it; it never swallows the bytes after it.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i]);
  const std::size_t length = text::utf8_sequence_length(text, i);
  if (length <= 1) {
    ++i;
    return byte;
  }
  char32_t cp = byte & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  i += length;
  return cp;
}

bool zero_width(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) ||  // combining diacritics
         (cp >= 0x0610 && cp <= 0x061A) ||  // Arabic marks
         (cp >= 0x064B && cp <= 0x065F) ||  // Arabic vowel marks (harakat)
         cp == 0x0670 || (cp >= 0x06D6 && cp <= 0x06ED) ||
         (cp >= 0x200B && cp <= 0x200F) ||  // zero-width space, ZWNJ, ZWJ, direction marks
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||  // bidi controls
         cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F);
}

bool wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

Result<std::size_t> read_count(const Arguments& args, std::string_view option) {
  auto written = args.get(option);
  if (!written) return std::size_t{0};
  std::size_t n = 0;
  const char* end = written->data() + written->size();
  const auto [ptr, ec] = std::from_chars(written->data(), end, n);
  if (written->empty() || ec != std::errc{} || ptr != end) {
    return invalid_input(
        fmt::format("--{} must be a whole number (0 or more), not '{}'", option, *written));
  }
  return n;
}

}  // namespace

Value time_value(const std::optional<Instant>& at) { return at ? Value{rfc3339(*at)} : Value{}; }

Value text_or_null(const std::string& text) { return text.empty() ? Value{} : Value{text}; }

Value id_or_null(std::uint64_t id) {
  return id == kNoId ? Value{} : Value{static_cast<std::int64_t>(id)};
}

Value task_json(const Task& task, Instant now) {
  return Value::Object{
      {"id", static_cast<std::int64_t>(task.id)},
      {"case", static_cast<std::int64_t>(task.case_id)},
      {"process", task.process_id},
      {"step", task.step_id},
      {"name", task.name},
      {"assignee", text_or_null(task.assignee)},
      {"candidates", Value::Object{{"users", text_list(task.candidate_users)},
                                   {"groups", text_list(task.candidate_groups)}}},
      {"priority", task.priority},
      {"due", time_value(task.due)},
      {"created", rfc3339(task.created_at)},
      {"overdue", task.due.has_value() && *task.due <= now},
  };
}

Value case_json(const Case& c) {
  return Value::Object{
      {"id", static_cast<std::int64_t>(c.id)},
      {"process", c.process_id},
      {"version", c.version},
      {"key", c.key},
      {"status", std::string{to_string(c.status)}},
      {"progress", c.progress},
      {"started_at", rfc3339(c.started_at)},
      {"ended_at", time_value(c.ended_at)},
      {"active", text_list(c.active)},
  };
}

Value waiting_json(const Waiting& w) {
  Value out = Value::Object{{"step", w.step_id},
                            {"kind", std::string{to_string(w.kind)}},
                            {"since", rfc3339(w.since)},
                            {"boundary", w.boundary}};
  if (w.boundary) out.set("interrupting", w.interrupting);
  switch (w.kind) {
    case WaitingKind::task:
      out.set("task", static_cast<std::int64_t>(w.task));
      out.set("name", w.name);
      out.set("assignee", text_or_null(w.assignee));
      out.set("candidates", Value::Object{{"users", text_list(w.candidate_users)},
                                          {"groups", text_list(w.candidate_groups)}});
      out.set("due", time_value(w.due));
      break;
    case WaitingKind::timer:
      out.set("due", time_value(w.due));
      break;
    case WaitingKind::message:
      out.set("name", w.name);
      out.set("key", w.key ? Value{*w.key} : Value{});
      break;
    case WaitingKind::signal:
      out.set("name", w.name);
      break;
    case WaitingKind::service:
      out.set("handler", w.name);
      out.set("attempt", static_cast<std::int64_t>(w.attempt));
      out.set("due", time_value(w.due));
      break;
    case WaitingKind::call:
      out.set("case", id_or_null(w.child));
      out.set("process", w.name);
      break;
    case WaitingKind::instances:
    case WaitingKind::join:
      out.set("completed", static_cast<std::int64_t>(w.completed));
      out.set("total", static_cast<std::int64_t>(w.total));
      break;
    case WaitingKind::incident:
      out.set("message", w.message);
      break;
  }
  return out;
}

Value notification_json(const Notification& n) {
  const auto instant_or_null = [](const std::optional<Instant>& at) {
    return at ? Value{rfc3339(*at)} : Value{};
  };
  return Value::Object{
      {"id", static_cast<std::int64_t>(n.id)},
      {"step", text_or_null(n.step_id)},
      {"channel", n.channel},
      {"to", n.to},
      {"subject", text_or_null(n.subject)},
      {"text", n.text},
      {"at", rfc3339(n.at)},
      {"idempotency_key", n.idempotency_key},
      {"segments", static_cast<std::int64_t>(n.segments)},
      {"status", std::string{to_string(n.status)}},
      {"attempts", static_cast<std::int64_t>(n.attempts)},
      {"next_attempt", instant_or_null(n.next_attempt)},
      {"sent_at", instant_or_null(n.sent_at)},
      {"last_error", text_or_null(n.last_error)},
  };
}

Value event_json(const HistoryEvent& e) {
  return Value::Object{
      {"at", rfc3339(e.at)},
      {"event", std::string{to_string(e.event)}},
      {"step", text_or_null(e.step_id)},
      {"task", id_or_null(e.task_id)},
      {"by", text_or_null(e.by)},
      {"data", e.data},
  };
}

std::string offered_to(const std::vector<std::string>& users,
                       const std::vector<std::string>& groups) {
  std::vector<std::string> parts;
  if (!users.empty()) {
    parts.push_back(fmt::format("{} {}", users.size() == 1 ? "user" : "users", joined(users)));
  }
  if (!groups.empty()) {
    parts.push_back(fmt::format("{} {}", groups.size() == 1 ? "group" : "groups", joined(groups)));
  }
  return parts.empty() ? std::string{"anyone"} : joined(parts);
}

std::string offered_to(const Task& task) {
  if (!task.assignee.empty()) return task.assignee + " (assigned)";
  return offered_to(task.candidate_users, task.candidate_groups);
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = next_code_point(text, i);
    if (zero_width(cp)) continue;
    width += wide(cp) ? 2 : 1;
  }
  return width;
}

std::string Table::text() const {
  std::vector<std::size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line.append(widths[c] - display_width(row[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  }
  return out;
}

Result<Page> read_page(const Arguments& args) {
  auto limit = read_count(args, "limit");
  if (!limit) return std::move(limit).error();
  auto offset = read_count(args, "offset");
  if (!offset) return std::move(offset).error();
  return Page{*limit, *offset};
}

}  // namespace crmflow::cli
