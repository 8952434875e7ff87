#include "query_views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "session.hpp"
#include "value/utf8.hpp"

namespace crmflow::cli {
namespace {

// "a", "a and b", "a, b and c".
std::string joined(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? std::string{} : items.front();
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return fmt::format("{} and {}", fmt::join(head, ", "), items.back());
}

// The next code point of UTF-8 text at `i` (advancing it). A byte that does not start a
// well-formed sequence counts alone, as the one replacement character a terminal shows for it;
// it never swallows the bytes after it.
char32_t next_code_point(std::string_view text, std::size_t& i) {
  const std::size_t length = text::utf8_sequence_length(text, i);
  if (length == 0) return static_cast<unsigned char>(text[i++]);
  const char32_t cp = text::decode_utf8(text, i, length);
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
