#include "expr/text_functions.hpp"

#include "value/utf8.hpp"

#include <charconv>
#include <cstdint>
#include <vector>

namespace crmflow::expr {
namespace {

// Decodes the code point at text[pos] and advances pos. A byte that does not start a well-formed
// sequence is returned alone (as a value above U+10FFFF, so no mapping touches it and it is
// written back as it was).
char32_t decode(std::string_view text, std::size_t& pos) {
  const std::size_t length = text::utf8_sequence_length(text, pos);
  if (length == 0) return 0x110000 + static_cast<unsigned char>(text[pos++]);
  const char32_t cp = text::decode_utf8(text, pos, length);
  pos += length;
  return cp;
}

void encode(std::string& out, char32_t cp) {
  if (cp >= 0x110000) {
    out += static_cast<char>(cp - 0x110000);
  } else {
    text::append_utf8(out, cp);
  }
}

// Latin Extended-A pairs upper/lower as even/odd, except in the ranges where the upper case
// letter sits on the odd code point.
bool odd_upper_range(char32_t cp) {
  return (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
}

char32_t lower_of(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0x80) return cp;
  if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 32;
  if (cp >= 0x100 && cp <= 0x17E && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149) {
    const bool upper = odd_upper_range(cp) ? (cp % 2 == 1) : (cp % 2 == 0);
    return upper ? cp + 1 : cp;
  }
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
  return cp;
}

char32_t upper_of(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (cp < 0x80) return cp;
  if ((cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)) return cp - 32;
  if (cp == 0xFF) return 0x178;
  if (cp >= 0x100 && cp <= 0x17E && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149) {
    const bool lower = odd_upper_range(cp) ? (cp % 2 == 0) : (cp % 2 == 1);
    return lower ? cp - 1 : cp;
  }
  if (cp >= 0x3B1 && cp <= 0x3C9 && cp != 0x3C2) return cp - 32;
  if (cp >= 0x430 && cp <= 0x44F) return cp - 32;
  if (cp >= 0x450 && cp <= 0x45F) return cp - 80;
  return cp;
}

template <class Map>
std::string map_chars(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) encode(out, map(decode(text, pos)));
  return out;
}

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

}  // namespace

std::string to_lower(std::string_view text) { return map_chars(text, lower_of); }
std::string to_upper(std::string_view text) { return map_chars(text, upper_of); }

std::string_view trim_space(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t next = begin;
    if (!is_space(decode(text, next))) break;
    begin = next;
  }
  std::size_t end = text.size();
  while (end > begin) {
    std::size_t start = end - 1;  // back to the first byte of the last character
    while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    std::size_t pos = start;
    if (!is_space(decode(text, pos))) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

bool contains_text(std::string_view haystack, std::string_view needle) {
  if (needle.size() <= 16) return haystack.find(needle) != std::string_view::npos;
  // Knuth-Morris-Pratt: a naive search could take |haystack| x |needle| steps on crafted text.
  std::vector<std::size_t> fail(needle.size(), 0);
  for (std::size_t i = 1, k = 0; i < needle.size(); ++i) {
    while (k > 0 && needle[i] != needle[k]) k = fail[k - 1];
    if (needle[i] == needle[k]) ++k;
    fail[i] = k;
  }
  for (std::size_t i = 0, k = 0; i < haystack.size(); ++i) {
    while (k > 0 && haystack[i] != needle[k]) k = fail[k - 1];
    if (haystack[i] == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

std::string to_persian_digits(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 2);
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      encode(out, 0x06F0 + static_cast<char32_t>(c - '0'));
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<Value> parse_number_text(std::string_view text) {
  std::string ascii;
  const std::string_view trimmed = trim_space(text);
  for (std::size_t pos = 0; pos < trimmed.size();) {
    const char32_t cp = decode(trimmed, pos);
    if (cp >= 0x06F0 && cp <= 0x06F9) {
      ascii += static_cast<char>('0' + (cp - 0x06F0));
    } else if (cp >= 0x0660 && cp <= 0x0669) {
      ascii += static_cast<char>('0' + (cp - 0x0660));
    } else if (cp == 0x066B) {
      ascii += '.';
    } else if (cp < 0x80) {
      ascii += static_cast<char>(cp);
    } else {
      return std::nullopt;
    }
  }
  // Shape check: [+-] digits [. digits] [(e|E) [+-] digits]; from_chars alone would take "inf".
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < ascii.size() && ascii[i] >= '0' && ascii[i] <= '9') ++i;
    return i > from;
  };
  if (i < ascii.size() && (ascii[i] == '+' || ascii[i] == '-')) ++i;
  if (!digits()) return std::nullopt;
  bool whole = true;
  if (i < ascii.size() && ascii[i] == '.') {
    ++i;
    whole = false;
    if (!digits()) return std::nullopt;
  }
  if (i < ascii.size() && (ascii[i] == 'e' || ascii[i] == 'E')) {
    ++i;
    whole = false;
    if (i < ascii.size() && (ascii[i] == '+' || ascii[i] == '-')) ++i;
    if (!digits()) return std::nullopt;
  }
  if (i != ascii.size()) return std::nullopt;
  const char* first = ascii.data() + (ascii[0] == '+' ? 1 : 0);
  const char* last = ascii.data() + ascii.size();
  if (whole) {
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(first, last, n);
    if (ec == std::errc{} && ptr == last) return Value{n};
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(first, last, d);
  if (ec != std::errc{} || ptr != last) return std::nullopt;
  return Value{d};
}

std::string format_number(const Value& number) {
  if (number.is_integer()) return std::to_string(number.as_integer());
  double d = number.as_double();
  if (d == 0) d = 0;  // no "-0"
  // Plain decimals in the range people write (as JavaScript does): 3000000, 0.25, 0.0000001;
  // exponents only beyond it (1e+21, 1e-08).
  const double magnitude = d < 0 ? -d : d;
  const bool plain = d == 0 || (magnitude >= 1e-7 && magnitude < 1e21);
  char buffer[400];
  auto result = plain ? std::to_chars(buffer, buffer + sizeof buffer, d, std::chars_format::fixed)
                      : std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, result.ptr);
}

}  // namespace crmflow::expr
