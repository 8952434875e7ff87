#include "notify/phone.hpp"

#include <catch2/catch.hpp>
#include <string>

using crmflow::ErrorCode;
using crmflow::notify::normalize_phone;

namespace {

std::string e164(std::string_view number, std::string_view country) {
  auto normalized = normalize_phone(number, country);
  INFO(number);
  REQUIRE(normalized.ok());
  return *normalized;
}

// The refusal's message, after checking that it is an invalid_input naming the number.
std::string refusal(std::string_view number, std::string_view country) {
  auto normalized = normalize_phone(number, country);
  INFO(number);
  REQUIRE_FALSE(normalized.ok());
  CHECK(normalized.error().code == ErrorCode::invalid_input);
  return normalized.error().message;
}

}  // namespace

TEST_CASE("Iranian mobile numbers in every usual spelling become one E.164 number") {
  const std::string expected = "+989121234567";
  CHECK(e164("+98 912 123 4567", "") == expected);
  CHECK(e164("+98 912 123 4567", "98") == expected);
  CHECK(e164("+98-912-123-4567", "44") == expected);  // international wins over the default
  CHECK(e164("0098 912 123 4567", "") == expected);
  CHECK(e164("09121234567", "98") == expected);
  CHECK(e164("0912 123 4567", "98") == expected);
  CHECK(e164("(0912) 123.45.67", "98") == expected);
  CHECK(e164("9121234567", "98") == expected);  // national, trunk 0 left out
  CHECK(e164("09121234567", "+98") == expected);
}

TEST_CASE("a bracketed trunk 0 after the country code is dropped") {
  CHECK(e164("+98 (0)912 123 4567", "") == "+989121234567");
  CHECK(e164("+44 (0)20 7946 0018", "") == "+442079460018");
  CHECK(e164("0044 (0) 20 7946 0018", "98") == "+442079460018");
  CHECK(e164("(0912) 123 4567", "98") == "+989121234567");   // national: the trunk rule
  CHECK(e164("+39 (0)6 1234 5678", "") == "+390612345678");  // Italy dials its 0
  CHECK(e164("+98 (21) 1234 5678", "") == "+982112345678");  // not a lone 0: kept
}

TEST_CASE("Persian and Arabic-Indic digits are read as digits") {
  CHECK(e164("۰۹۱۲۱۲۳۴۵۶۷", "98") == "+989121234567");
  CHECK(e164("٠٩١٢١٢٣٤٥٦٧", "98") == "+989121234567");
  CHECK(e164("+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷", "") == "+989121234567");
  CHECK(e164("0912 ۱۲۳ ٤٥٦٧", "98") == "+989121234567");  // mixed, as pasted text can be
}

TEST_CASE("direction marks and no-break spaces copied from right-to-left text are dropped") {
  CHECK(e164("\u200F+98\u00A0912\u202F123\u200E4567\u200F", "") == "+989121234567");
  CHECK(e164("\u2067۰۹۱۲۱۲۳۴۵۶۷\u2069", "98") == "+989121234567");
}

TEST_CASE("numbers of other countries") {
  CHECK(e164("020 7946 0018", "44") == "+442079460018");     // London, trunk 0
  CHECK(e164("+1 (212) 555-0123", "98") == "+12125550123");  // New York
  CHECK(e164("0049 30 123456", "98") == "+4930123456");      // Berlin
  CHECK(e164("030 123456", "49") == "+4930123456");
  CHECK(e164("06 1234 5678", "39") == "+390612345678");       // Rome keeps its 0
  CHECK(e164("+683 4002", "") == "+6834002");                 // Niue: 7 digits, the shortest
  CHECK(e164("+123456789012345", "") == "+123456789012345");  // 15 digits, the longest
}

TEST_CASE("a national number needs a default country") {
  const std::string message = refusal("0912 123 4567", "");
  CHECK_THAT(message, Catch::StartsWith("phone number '0912 123 4567'"));
  CHECK_THAT(message, Catch::Contains("no default country code"));
  CHECK_THAT(refusal("9121234567", ""), Catch::Contains("no default country code"));
}

TEST_CASE("letters and other characters are refused, naming the number and the character") {
  const std::string message = refusal("0912 123 45x7", "98");
  CHECK_THAT(message, Catch::Contains("'0912 123 45x7'"));
  CHECK_THAT(message, Catch::Contains("not a digit (x)"));
  CHECK_THAT(refusal("0912 123 4567 ext 12", "98"), Catch::Contains("not a digit (e)"));
  CHECK_THAT(refusal("0912/123/4567", "98"), Catch::Contains("not a digit (/)"));
  CHECK_THAT(refusal("۰۹۱۲ب", "98"), Catch::Contains("not a digit (ب)"));
}

TEST_CASE("a '+' anywhere but first is refused") {
  CHECK_THAT(refusal("98+9121234567", ""), Catch::Contains("'+' that is not its first"));
  CHECK_THAT(refusal("++989121234567", ""), Catch::Contains("'+' that is not its first"));
  // Separators before the '+' do not count.
  CHECK(e164(" (+98) 912 123 4567", "") == "+989121234567");
}

TEST_CASE("numbers too short or too long for E.164 are refused with their digit count") {
  CHECK_THAT(refusal("+98 12", ""), Catch::Contains("too short: 4 digits"));
  CHECK_THAT(refusal("0", "98"), Catch::Contains("too short: 2 digits"));
  CHECK_THAT(refusal("+1234567890123456", ""), Catch::Contains("too long: 16 digits"));
  CHECK_THAT(refusal("0912 123 4567 8901 23", "98"), Catch::Contains("too long"));
}

TEST_CASE("a country code cannot start with 0, nor can a number be empty") {
  CHECK_THAT(refusal("+0912 123 4567", ""), Catch::Contains("country code that starts with 0"));
  CHECK_THAT(refusal("000912 123 4567", "98"), Catch::Contains("starts with 0"));
  CHECK_THAT(refusal("00", "98"), Catch::Contains("starts with 0"));
  CHECK_THAT(refusal("", "98"), Catch::Contains("has no digits"));
  CHECK_THAT(refusal(" - ", "98"), Catch::Contains("has no digits"));
  CHECK_THAT(refusal("+", "98"), Catch::Contains("has no digits"));
}

TEST_CASE("text that is not UTF-8 is refused") {
  CHECK_THAT(refusal("0912\xff", "98"), Catch::Contains("not valid UTF-8"));
}

TEST_CASE("a long number is quoted cut short") {
  const std::string message = refusal(std::string(60, '1') + "x", "98");
  CHECK_THAT(message, Catch::Contains("'" + std::string(40, '1') + "…'"));
}

TEST_CASE("a malformed default country code is refused, even for an international number") {
  for (const char* bad : {"0", "098", "9876", "ab", "+", "++98", "9 8"}) {
    auto normalized = normalize_phone("+989121234567", bad);
    INFO(bad);
    REQUIRE_FALSE(normalized.ok());
    CHECK(normalized.error().code == ErrorCode::invalid_input);
    CHECK_THAT(normalized.error().message,
               Catch::Contains(std::string{"default country code '"} + bad + "'"));
  }
}
