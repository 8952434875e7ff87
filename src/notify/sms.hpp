// crmflow::notify internal: how many SMS segments a text takes, so that a Persian reminder is
// priced and checked the way the operator will bill it (docs/sms.md).
//
// A text is sent in the GSM 03.38 7-bit default alphabet when every character is in it or in
// its extension table, and in UCS-2 otherwise (one Persian letter is enough):
//
//   count_sms("Your A52 is ready")          // {gsm7, 17 units, 1 segment}
//   count_sms("گوشی شما آماده است")          // {ucs2, 18 units, 1 segment}
//
// Thread safety: pure functions; call from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "crmflow/error.hpp"

namespace crmflow::notify {

enum class SmsEncoding : std::uint8_t {
  gsm7,  // GSM 03.38 default alphabet plus its extension table; units are septets
  ucs2,  // UTF-16; units are code units (a character outside the BMP takes two)
};

// "gsm7", "ucs2".
std::string_view to_string(SmsEncoding encoding) noexcept;

// Segment sizes, in units: one segment carries the whole text when it fits the first size;
// a longer text is split into parts that each carry the second (the rest holds the header
// that joins them again).
inline constexpr std::uint32_t kGsm7SingleSegment = 160;
inline constexpr std::uint32_t kGsm7ConcatenatedSegment = 153;
inline constexpr std::uint32_t kUcs2SingleSegment = 70;
inline constexpr std::uint32_t kUcs2ConcatenatedSegment = 67;

struct SmsCount {
  SmsEncoding encoding = SmsEncoding::gsm7;
  // Septets (gsm7: an extension character such as `€` or `{` counts 2, its escape included)
  // or UTF-16 code units (ucs2).
  std::uint32_t units = 0;
  // Parts the text is sent in; 1 for the empty text.
  std::uint32_t segments = 1;

  friend bool operator==(const SmsCount&, const SmsCount&) = default;
};

// Counts the encoding, units and segments of a UTF-8 text. When split, an extension
// character's escape pair and a UTF-16 surrogate pair are never cut across two parts (as
// handsets and SMS centres split), so a part may carry one unit less than its size.
// Errors: invalid_input when the text is not valid UTF-8 (the message gives the byte offset).
Result<SmsCount> count_sms(std::string_view utf8);

}  // namespace crmflow::notify
