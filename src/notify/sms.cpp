#include "notify/sms.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "value/utf8.hpp"

namespace crmflow::notify {
namespace {

// Septets a character takes in GSM 03.38: 1 in the default alphabet, 2 in the extension table
// (the escape 0x1B and the character), 0 when it has no GSM form.
using Septets = std::uint8_t;

constexpr std::array<Septets, 128> make_ascii_table() {
  std::array<Septets, 128> table{};
  // The default alphabet's ASCII members: LF, CR, space to '~' except the ones below.
  table['\n'] = 1;
  table['\r'] = 1;
  for (int c = ' '; c <= '~'; ++c) table[static_cast<std::size_t>(c)] = 1;
  table['`'] = 0;  // no GSM form at all
  // The extension table's ASCII members; form feed is its page break.
  for (char c : {'^', '{', '}', '\\', '[', '~', ']', '|', '\f'}) {
    table[static_cast<unsigned char>(c)] = 2;
  }
  return table;
}
constexpr std::array<Septets, 128> kAsciiSeptets = make_ascii_table();

// The default alphabet's characters outside ASCII, sorted for binary search.
constexpr std::array<char32_t, 39> kGsmNonAscii = {
    U'\u00A1', U'\u00A3', U'\u00A4', U'\u00A5', U'\u00A7', U'\u00BF', U'\u00C4', U'\u00C5',
    U'\u00C6', U'\u00C7', U'\u00C9', U'\u00D1', U'\u00D6', U'\u00D8', U'\u00DC', U'\u00DF',
    U'\u00E0', U'\u00E4', U'\u00E5', U'\u00E6', U'\u00E8', U'\u00E9', U'\u00EC', U'\u00F1',
    U'\u00F2', U'\u00F6', U'\u00F8', U'\u00F9', U'\u00FC', U'\u0393', U'\u0394', U'\u0398',
    U'\u039B', U'\u039E', U'\u03A0', U'\u03A3', U'\u03A6', U'\u03A8', U'\u03A9',
};
static_assert(std::ranges::is_sorted(kGsmNonAscii));

constexpr char32_t kEuroSign = U'\u20AC';  // the extension table's only non-ASCII member

Septets gsm_septets(char32_t cp) {
  if (cp < 128) return kAsciiSeptets[cp];
  if (cp == kEuroSign) return 2;
  return std::ranges::binary_search(kGsmNonAscii, cp) ? 1 : 0;
}

// Parts needed when characters of the given unit widths are packed into parts of `per_part`
// units without splitting a character.
template <class Width>
std::uint32_t count_parts(std::string_view text, std::uint32_t per_part, Width width) {
  std::uint32_t parts = 1;
  std::uint32_t used = 0;
  text::for_each_code_point(text, [&](char32_t cp) {
    const std::uint32_t w = width(cp);
    if (used + w > per_part) {
      ++parts;
      used = 0;
    }
    used += w;
  });
  return parts;
}

std::uint32_t utf16_units(char32_t cp) { return cp > 0xFFFF ? 2 : 1; }

}  // namespace

std::string_view to_string(SmsEncoding encoding) noexcept {
  return encoding == SmsEncoding::gsm7 ? "gsm7" : "ucs2";
}

Result<SmsCount> count_sms(std::string_view utf8) {
  if (const std::size_t bad = text::find_invalid_utf8(utf8); bad != utf8.size()) {
    return invalid_input("SMS text is not valid UTF-8 at byte " + std::to_string(bad) +
                         ": fix the template or the variable it prints");
  }
  // Both totals fit: a character takes at most 2 units and at least 1 byte.
  if (utf8.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
    return invalid_input("SMS text of " + std::to_string(utf8.size()) +
                         " bytes is too long to send");
  }
  std::uint32_t septets = 0;
  std::uint32_t code_units = 0;
  bool gsm = true;
  text::for_each_code_point(utf8, [&](char32_t cp) {
    const Septets s = gsm_septets(cp);
    gsm = gsm && s != 0;
    septets += s;
    code_units += utf16_units(cp);
  });

  SmsCount count;
  if (gsm) {
    count.encoding = SmsEncoding::gsm7;
    count.units = septets;
    if (septets > kGsm7SingleSegment) {
      count.segments = count_parts(utf8, kGsm7ConcatenatedSegment, gsm_septets);
    }
  } else {
    count.encoding = SmsEncoding::ucs2;
    count.units = code_units;
    if (code_units > kUcs2SingleSegment) {
      count.segments = count_parts(utf8, kUcs2ConcatenatedSegment, utf16_units);
    }
  }
  return count;
}

}  // namespace crmflow::notify
