// crmflow::text: the UTF-8 facts the JSON and YAML readers need: validation, and turning a
// byte offset into the 1-based line and character column a person sees in an editor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crmflow::text {

// The length (1-4) of the well-formed UTF-8 sequence that starts at text[pos], or 0 when the
// bytes there are not one (stray continuation byte, overlong form, surrogate, past U+10FFFF,
// truncated). REQUIRES: pos < text.size().
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept;

// The byte offset of the first byte that does not start a well-formed sequence, or text.size()
// when the whole text is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view text) noexcept;

// The code point of the well-formed sequence of `length` bytes at text[pos], as
// utf8_sequence_length found it. REQUIRES: that sequence is well formed (length 1 to 4).
char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t length) noexcept;

// Calls visit(code point) for each character of `text`. REQUIRES: text is valid UTF-8.
template <class Visit>
void for_each_code_point(std::string_view text, Visit visit) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t length = utf8_sequence_length(text, pos);
    visit(decode_utf8(text, pos, length));
    pos += length;
  }
}

// Appends the UTF-8 encoding of `cp`. REQUIRES: cp <= U+10FFFF.
void append_utf8(std::string& out, char32_t cp);

// Code points in a valid UTF-8 text (bytes that are not continuation bytes).
std::size_t count_chars(std::string_view text) noexcept;

// A place in a text: 1-based line, 1-based column counted in characters (code points).
struct TextPosition {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

// Maps byte offsets of one text to TextPositions in O(log lines + line length). Lines end at
// '\n' (so "\r\n" works too). The index refers to the text: it must outlive the index.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // An offset past the end maps to just after the last character.
  TextPosition position(std::size_t byte_offset) const noexcept;

  // The byte offset of the start of the 1-based line (text.size() past the last line).
  std::size_t line_start(std::uint32_t line) const noexcept;

  std::string_view text() const noexcept { return text_; }

 private:
  std::string_view text_;
  std::vector<std::size_t> line_starts_;  // byte offset of each line's first byte
};

// The position of one byte offset, without building an index (for a single error message).
TextPosition position_of(std::string_view text, std::size_t byte_offset) noexcept;

}  // namespace crmflow::text
