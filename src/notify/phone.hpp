// crmflow::notify internal: phone numbers as people type them, turned into E.164
// (`+989121234567`), the form SMS panels expect and the form that makes two spellings of one
// number compare equal (docs/sms.md).
//
//   normalize_phone("0912 123 4567", "98");       // "+989121234567"
//   normalize_phone("+98 (912) 123-4567", "");    // "+989121234567"
//   normalize_phone("۰۹۱۲۱۲۳۴۵۶۷", "98");          // "+989121234567" (Persian digits)
//
// Thread safety: a pure function; call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "crmflow/error.hpp"

namespace crmflow::notify {

// E.164 numbers have at most 15 digits, country code included; no country's numbers are
// shorter than 7 (Niue's: +683 and four digits).
inline constexpr std::size_t kE164MaxDigits = 15;
inline constexpr std::size_t kE164MinDigits = 7;

// The E.164 form ("+" and digits) of `number`.
//
// Digits may be ASCII, Persian (U+06F0..U+06F9) or Arabic-Indic (U+0660..U+0669). Spaces
// (also no-break ones), '-', '.', '(' and ')' are dropped, and so are the invisible direction
// marks that copying a number out of right-to-left text brings along. Then:
//   - "+CC..." or "00CC..." is international and taken as written, except that a "(0)" after
//     the country code ("+44 (0)20 7946 0018") is the trunk 0 shown for callers at home and
//     is dropped (not for Italy, +39, whose numbers keep their 0);
//   - "0..." is national: the trunk 0 is replaced by `default_country_code` (for Italy, 39,
//     the leading 0 belongs to the number and is kept);
//   - any other digits are a national number written without its trunk 0 ("912 123 4567")
//     and get `default_country_code` in front.
// `default_country_code`: 1 to 3 digits, an optional leading '+'; empty when none is set.
//
// Errors (invalid_input, naming the number): empty, a letter or other character, '+' anywhere
// but first, a national number when no default country is set, a country code starting with 0,
// fewer than kE164MinDigits or more than kE164MaxDigits digits; also a malformed
// `default_country_code`.
Result<std::string> normalize_phone(std::string_view number, std::string_view default_country_code);

}  // namespace crmflow::notify
