// crmflow::expr internal: Unicode-aware text operations behind the built-ins.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crmflow/value.hpp"

namespace crmflow::expr {

// Lower or upper case of the letters of the Latin (ASCII, Latin-1, Latin Extended-A), Greek and
// Cyrillic alphabets; every other character (Persian and Arabic have no case) is kept as is.
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);

// Without leading and trailing white space (ASCII and Unicode spaces, no-break space, BOM).
// The zero-width non-joiner of Persian writing is not white space and is kept.
std::string_view trim_space(std::string_view text);

// Whether `needle` occurs in `haystack`, in time linear in their sizes whatever their content.
bool contains_text(std::string_view haystack, std::string_view needle);

// ASCII digits 0-9 as Persian digits ۰-۹; everything else kept.
std::string to_persian_digits(std::string_view text);

// A number written as text: optional sign, digits, optional fraction and exponent, spaces
// around; Persian (۰-۹) and Arabic-Indic (٠-٩) digits and the Arabic decimal separator (٫) are
// read too. An integer when it has no fraction or exponent and fits in 64 bits, else a double.
// nullopt for any other text.
std::optional<Value> parse_number_text(std::string_view text);

// Text of a number: integers in decimal; doubles in the shortest form that reads back the same
// (3.5, 0.1, 1e+21), with no `.0` on whole numbers (3.0 is "3").
std::string format_number(const Value& number);

}  // namespace crmflow::expr
