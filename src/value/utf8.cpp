#include "value/utf8.hpp"

#include <algorithm>

namespace crmflow::text {
namespace {

bool is_continuation(unsigned char byte) noexcept { return (byte & 0xC0U) == 0x80U; }

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const std::size_t left = text.size() - pos;
  const unsigned char b0 = byte(0);
  if (b0 < 0x80U) return 1;
  // The second byte's allowed range depends on the first (Unicode table 3-7): this rules out
  // overlong forms, UTF-16 surrogates and code points past U+10FFFF.
  unsigned char low = 0x80U;
  unsigned char high = 0xBFU;
  std::size_t length = 0;
  if (b0 >= 0xC2U && b0 <= 0xDFU) {
    length = 2;
  } else if (b0 >= 0xE0U && b0 <= 0xEFU) {
    length = 3;
    if (b0 == 0xE0U) low = 0xA0U;
    if (b0 == 0xEDU) high = 0x9FU;
  } else if (b0 >= 0xF0U && b0 <= 0xF4U) {
    length = 4;
    if (b0 == 0xF0U) low = 0x90U;
    if (b0 == 0xF4U) high = 0x8FU;
  } else {
    return 0;
  }
  if (left < length) return 0;
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
  }
  return length;
}

std::size_t find_invalid_utf8(std::string_view text) noexcept {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80U) {
      ++pos;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return pos;
    pos += length;
  }
  return text.size();
}

std::size_t count_chars(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return !is_continuation(static_cast<unsigned char>(c));
  }));
}

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

TextPosition LineIndex::position(std::size_t byte_offset) const noexcept {
  byte_offset = std::min(byte_offset, text_.size());
  const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), byte_offset);
  const auto line = static_cast<std::size_t>(after - line_starts_.begin());  // 1-based
  const std::size_t start = line_starts_[line - 1];
  return TextPosition{
      static_cast<std::uint32_t>(line),
      static_cast<std::uint32_t>(count_chars(text_.substr(start, byte_offset - start)) + 1)};
}

std::size_t LineIndex::line_start(std::uint32_t line) const noexcept {
  if (line == 0) return 0;
  return line <= line_starts_.size() ? line_starts_[line - 1] : text_.size();
}

TextPosition position_of(std::string_view text, std::size_t byte_offset) noexcept {
  byte_offset = std::min(byte_offset, text.size());
  const std::string_view before = text.substr(0, byte_offset);
  const std::size_t last_break = before.rfind('\n');
  const std::size_t start = last_break == std::string_view::npos ? 0 : last_break + 1;
  return TextPosition{
      static_cast<std::uint32_t>(std::count(before.begin(), before.end(), '\n') + 1),
      static_cast<std::uint32_t>(count_chars(before.substr(start)) + 1)};
}

char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t length) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  if (length <= 1) return byte(0);
  static constexpr unsigned char kLeadMask[5] = {0, 0, 0x1F, 0x0F, 0x07};
  char32_t cp = byte(0) & kLeadMask[length];
  for (std::size_t i = 1; i < length; ++i) cp = (cp << 6) | (byte(i) & 0x3Fu);
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace crmflow::text
