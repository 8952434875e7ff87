#include "yaml/node.hpp"

#include <algorithm>
#include <optional>

#include "yaml/source.hpp"

namespace crmflow::yaml {
namespace {

const std::vector<Node> kNoItems;
const std::vector<Node::Entry> kNoEntries;

// Source bytes a double-quoted escape takes, starting at its backslash (\x41, \u00e9, \U0001F600
// or a one-letter escape); 0 for a backslash before a line break (a continuation line).
std::size_t escape_length(std::string_view text, std::size_t backslash) {
  if (backslash + 1 >= text.size()) return 1;
  switch (text[backslash + 1]) {
    case 'x':
      return 4;
    case 'u':
      return 6;
    case 'U':
      return 10;
    case '\n':
    case '\r':
      return 0;
    default:
      return 2;
  }
}

// Walks a quoted scalar that starts (with its quote) at `open` and returns the byte offset of
// the source character that produced value character `target` (the closing quote for an offset
// past the end), or nullopt when the scalar is not on one line.
std::optional<std::size_t> quoted_offset(std::string_view text, std::size_t open, bool single,
                                         std::size_t target) {
  const char quote = single ? '\'' : '"';
  std::optional<std::size_t> found;
  std::size_t produced = 0;
  std::size_t pos = open + 1;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '\n' || c == '\r') return std::nullopt;
    const bool doubled_quote =
        single && c == '\'' && pos + 1 < text.size() && text[pos + 1] == '\'';
    if (c == quote && !doubled_quote) break;
    if (produced == target && !found) found = pos;
    std::size_t length = 1;
    if (doubled_quote) {
      length = 2;
    } else if (!single && c == '\\') {
      length = escape_length(text, pos);
      if (length == 0) return std::nullopt;
    } else {
      length = std::max<std::size_t>(1, text::utf8_sequence_length(text, pos));
    }
    pos += length;
    ++produced;
  }
  if (pos >= text.size()) return std::nullopt;  // unterminated: cannot happen after parsing
  return found.value_or(pos);
}

}  // namespace

std::string_view kind_name(NodeKind kind) noexcept {
  switch (kind) {
    case NodeKind::null:
      return "null";
    case NodeKind::scalar:
      return "scalar";
    case NodeKind::sequence:
      return "sequence";
    case NodeKind::mapping:
      return "mapping";
  }
  return "unknown";
}

std::size_t Node::size() const noexcept {
  if (items_) return items_->size();
  if (entries_) return entries_->size();
  return 0;
}

const std::vector<Node>& Node::items() const noexcept { return items_ ? *items_ : kNoItems; }

const std::vector<Node::Entry>& Node::entries() const noexcept {
  return entries_ ? *entries_ : kNoEntries;
}

const Node::Entry* Node::find_entry(std::string_view key) const noexcept {
  const std::vector<Entry>& all = entries();
  auto it = std::find_if(all.begin(), all.end(),
                         [&](const Entry& entry) { return entry.key.scalar() == key; });
  return it != all.end() ? &*it : nullptr;
}

const Node* Node::find(std::string_view key) const noexcept {
  const Entry* entry = find_entry(key);
  return entry != nullptr ? &entry->value : nullptr;
}

Mark Node::mark_at(std::size_t char_offset) const noexcept {
  if (!is_scalar() || !source_) return mark_;
  const std::string_view text = source_->text;
  switch (style_) {
    case ScalarStyle::plain: {
      // One line exactly when the source spells the value out unchanged.
      if (text_.find('\n') != std::string::npos ||
          text.substr(content_offset_, text_.size()) != text_) {
        return mark_;
      }
      Mark at = source_->mark(content_offset_);
      at.column += static_cast<std::uint32_t>(std::min(char_offset, text::count_chars(text_)));
      return at;
    }
    case ScalarStyle::single_quoted:
    case ScalarStyle::double_quoted: {
      const auto offset =
          quoted_offset(text, content_offset_, style_ == ScalarStyle::single_quoted, char_offset);
      return offset ? source_->mark(*offset) : mark_;
    }
    case ScalarStyle::literal:
    case ScalarStyle::folded:
      break;
  }
  return mark_;
}

std::string_view Node::file() const noexcept {
  return source_ ? std::string_view(source_->file) : std::string_view();
}

Diagnostic Node::diagnostic(std::string message) const {
  return make_diagnostic(file(), mark_, std::move(message));
}

Diagnostic Node::diagnostic_at(std::size_t char_offset, std::string message) const {
  return make_diagnostic(file(), mark_at(char_offset), std::move(message));
}

}  // namespace crmflow::yaml
