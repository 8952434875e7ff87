#include "scenario/in_place.hpp"

#include <algorithm>

#include "value/utf8.hpp"

namespace crmflow::scenario {
namespace {

// The byte offset of the `chars`-th character (0-based) of `line`, or line.size().
std::size_t byte_of_char(std::string_view line, std::size_t chars) {
  std::size_t pos = 0;
  for (std::size_t n = 0; n < chars && pos < line.size(); ++n) {
    pos += std::max<std::size_t>(1, text::utf8_sequence_length(line, pos));
  }
  return std::min(pos, line.size());
}

// Spaces before the first other character of `line`.
std::size_t indentation(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// Whether `line` holds nothing but spaces, tabs, a carriage return, or a comment.
bool blank_or_comment(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t\r");
  return first == std::string_view::npos || line[first] == '#';
}

// The byte offset just past the flow collection that opens at text[open] ('{' or '['), or
// text.size() when it does not close (the reader has parsed it, so it does).
std::size_t flow_end(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t pos = open; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '\'' || c == '"') {
      // Quoted scalars: '' is a quote inside single quotes, \x an escape inside double quotes.
      for (++pos; pos < text.size(); ++pos) {
        if (c == '"' && text[pos] == '\\') {
          ++pos;
        } else if (text[pos] == c) {
          if (c == '\'' && pos + 1 < text.size() && text[pos + 1] == '\'') {
            ++pos;
          } else {
            break;
          }
        }
      }
    } else if (c == '#' && pos > 0 && (text[pos - 1] == ' ' || text[pos - 1] == '\t')) {
      pos = text.find('\n', pos);
      if (pos == std::string_view::npos) return text.size();
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return pos + 1;
    }
  }
  return text.size();
}

}  // namespace

std::string in_place_text(std::string_view file_text, const yaml::Node& mapping) {
  const text::LineIndex lines{file_text};
  const yaml::Mark at = mapping.mark();
  const std::size_t line_start = lines.line_start(at.line);
  std::size_t line_end = file_text.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = file_text.size();
  const std::string_view first_line = file_text.substr(line_start, line_end - line_start);
  const std::size_t start = line_start + byte_of_char(first_line, at.column - 1);

  std::string out(at.line - 1, '\n');
  out.append(at.column - 1, ' ');

  // An anchor or tag may stand before the mapping itself: skip them to see how it is written.
  std::size_t body = start;
  while (body < line_end && (file_text[body] == '&' || file_text[body] == '!')) {
    while (body < line_end && file_text[body] != ' ') ++body;
    while (body < line_end && file_text[body] == ' ') ++body;
  }
  if (body < file_text.size() && file_text[body] == '{') {
    out.append(file_text.substr(start, flow_end(file_text, body) - start));
    out += '\n';
    return out;
  }

  out.append(file_text.substr(start, line_end - start));
  out += '\n';
  const std::size_t min_indent = at.column - 1;
  std::size_t pos = line_end + 1;
  while (pos < file_text.size()) {
    std::size_t end = file_text.find('\n', pos);
    if (end == std::string_view::npos) end = file_text.size();
    const std::string_view line = file_text.substr(pos, end - pos);
    if (!blank_or_comment(line) && indentation(line) < min_indent) break;
    out.append(line);
    out += '\n';
    pos = end + 1;
  }
  return out;
}

}  // namespace crmflow::scenario
