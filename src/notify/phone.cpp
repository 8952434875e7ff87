#include "notify/phone.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>

#include "value/utf8.hpp"

namespace crmflow::notify {
namespace {

// The number as the messages quote it: whole when short, else its first characters.
std::string quoted(std::string_view number) {
  constexpr std::size_t kMaxChars = 40;
  std::size_t end = 0;
  std::size_t chars = 0;
  while (end < number.size() && chars < kMaxChars) {
    const std::size_t length = text::utf8_sequence_length(number, end);
    end += length == 0 ? 1 : length;
    ++chars;
  }
  std::string out = "'";
  out.append(number.substr(0, end));
  if (end < number.size()) out.append("…");
  out.push_back('\'');
  return out;
}

Error refuse(std::string_view number, std::string_view why) {
  return invalid_input("phone number " + quoted(number) + " " + std::string{why});
}

// The ASCII digit a character stands for, if it is a digit in one of the scripts accepted.
std::optional<char> digit_of(char32_t cp) {
  if (cp >= U'0' && cp <= U'9') return static_cast<char>(cp);
  if (cp >= U'\u06F0' && cp <= U'\u06F9') return static_cast<char>('0' + (cp - U'\u06F0'));
  if (cp >= U'\u0660' && cp <= U'\u0669') return static_cast<char>('0' + (cp - U'\u0660'));
  return std::nullopt;
}

// Characters people put between digits, and the invisible ones that come with text copied out
// of a right-to-left paragraph: dropped.
bool is_separator(char32_t cp) {
  switch (cp) {
    case U' ':
    case U'-':
    case U'.':
    case U'\u00A0':  // no-break space
    case U'\u202F':  // narrow no-break space
    case U'\u061C':  // Arabic letter mark
    case U'\u200B':  // zero width space
    case U'\u200C':  // zero width non-joiner
    case U'\u200D':  // zero width joiner
    case U'\u200E':  // left-to-right mark
    case U'\u200F':  // right-to-left mark
    case U'\uFEFF':  // byte order mark
      return true;
    default:
      return (cp >= U'\u2000' && cp <= U'\u200A') ||  // the typographic spaces
             (cp >= U'\u202A' && cp <= U'\u202E') ||  // direction embeddings and overrides
             (cp >= U'\u2066' && cp <= U'\u2069');    // direction isolates
  }
}

// The digits of `number`, whether it opened with '+', and where a lone "(0)" stood: the
// "+44 (0)20 ..." way of showing the trunk 0 that callers from abroad leave out.
struct Written {
  bool plus = false;
  std::string digits;
  std::optional<std::size_t> bracketed_zero;
};

Result<Written> read_digits(std::string_view number) {
  Written written;
  bool significant_seen = false;  // a digit or the '+'
  constexpr std::size_t kNotOpen = std::string::npos;
  std::size_t open_at = kNotOpen;  // digits read before the last '(' still open
  for (std::size_t pos = 0; pos < number.size();) {
    const std::size_t length = text::utf8_sequence_length(number, pos);
    if (length == 0) return refuse(number, "is not valid UTF-8 text");
    const char32_t cp = text::decode_utf8(number, pos, length);
    pos += length;
    if (const auto digit = digit_of(cp)) {
      written.digits.push_back(*digit);
      significant_seen = true;
    } else if (cp == U'+') {
      if (significant_seen) {
        return refuse(number,
                      "has a '+' that is not its first character: write +CC then "
                      "the number");
      }
      written.plus = true;
      significant_seen = true;
    } else if (cp == U'(') {
      open_at = written.digits.size();
    } else if (cp == U')') {
      if (open_at != kNotOpen && written.digits.size() == open_at + 1 &&
          written.digits.back() == '0' && !written.bracketed_zero) {
        written.bracketed_zero = open_at;
      }
      open_at = kNotOpen;
    } else if (!is_separator(cp)) {
      std::string what = "has a character that is not a digit (";
      text::append_utf8(what, cp);
      what += "): write only digits, an optional leading '+' and spaces, '-', '.', '(' or ')'";
      return refuse(number, what);
    }
  }
  if (written.digits.empty()) return refuse(number, "has no digits");
  return written;
}

// The default country code's digits; empty when none is set.
Result<std::string> read_country_code(std::string_view code) {
  std::string_view digits = code;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  const bool all_digits = !digits.empty() && digits.size() <= 3 &&
                          digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (code.empty()) return std::string{};
  if (!all_digits || digits.front() == '0') {
    return invalid_input("default country code '" + std::string{code} +
                         "' must be 1 to 3 digits not starting with 0 (98 for Iran)");
  }
  return std::string{digits};
}

}  // namespace

Result<std::string> normalize_phone(std::string_view number,
                                    std::string_view default_country_code) {
  auto country = read_country_code(default_country_code);
  if (!country) return std::move(country).error();
  auto written = read_digits(number);
  if (!written) return std::move(written).error();
  std::string& digits = written->digits;

  std::string e164 = "+";
  if (written->plus || digits.starts_with("00")) {
    const std::size_t prefix = written->plus ? 0 : 2;  // the "00" taken off
    digits.erase(0, prefix);
    // "+44 (0)20 ...": a 0 dialled only from inside the country, after the country code
    // (Italy's 0 is dialled from everywhere).
    if (const auto zero = written->bracketed_zero;
        zero && *zero > prefix && !digits.starts_with("39")) {
      digits.erase(*zero - prefix, 1);
    }
    if (digits.empty() || digits.front() == '0') {
      return refuse(number,
                    "has a country code that starts with 0: write +CC with the "
                    "country's code (98 for Iran)");
    }
    e164 += digits;
  } else {
    if (country->empty()) {
      return refuse(number,
                    "is national and no default country code is configured: write "
                    "it as +CC... or configure the default country");
    }
    // The trunk 0 is dialled only inside the country; Italy's numbers keep it in E.164.
    if (digits.front() == '0' && *country != "39") digits.erase(0, 1);
    e164 += *country;
    e164 += digits;
  }
  const std::size_t count = e164.size() - 1;
  if (count < kE164MinDigits) {
    return refuse(number, "is too short: " + std::to_string(count) +
                              " digits with the country "
                              "code, at least " +
                              std::to_string(kE164MinDigits) + " needed");
  }
  if (count > kE164MaxDigits) {
    return refuse(number, "is too long: " + std::to_string(count) +
                              " digits with the country "
                              "code, at most " +
                              std::to_string(kE164MaxDigits) + " allowed");
  }
  return e164;
}

}  // namespace crmflow::notify
