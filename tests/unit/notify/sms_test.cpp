#include "notify/sms.hpp"

#include <catch2/catch.hpp>
#include <string>

using crmflow::ErrorCode;
using crmflow::notify::count_sms;
using crmflow::notify::SmsCount;
using crmflow::notify::SmsEncoding;

namespace Catch {
template <>
struct StringMaker<SmsCount> {
  static std::string convert(const SmsCount& c) {
    return "{" + std::string{crmflow::notify::to_string(c.encoding)} + ", " +
           std::to_string(c.units) + " units, " + std::to_string(c.segments) + " segments}";
  }
};
}  // namespace Catch

namespace {

std::string repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

SmsCount counted(std::string_view text) {
  auto count = count_sms(text);
  REQUIRE(count.ok());
  return *count;
}

constexpr SmsEncoding kGsm = SmsEncoding::gsm7;
constexpr SmsEncoding kUcs = SmsEncoding::ucs2;

}  // namespace

TEST_CASE("the empty text is one GSM segment of no units") {
  CHECK(counted("") == SmsCount{kGsm, 0, 1});
}

TEST_CASE("GSM-7 texts fill 160 septets in one segment and 153 in each part") {
  CHECK(counted("Your A52 is ready. Pick it up at 10:00 @ branch #2 ($0 due)") ==
        SmsCount{kGsm, 59, 1});
  CHECK(counted(repeat("a", 160)) == SmsCount{kGsm, 160, 1});
  CHECK(counted(repeat("a", 161)) == SmsCount{kGsm, 161, 2});
  CHECK(counted(repeat("a", 306)) == SmsCount{kGsm, 306, 2});
  CHECK(counted(repeat("a", 307)) == SmsCount{kGsm, 307, 3});
  CHECK(counted(repeat("a", 459)) == SmsCount{kGsm, 459, 3});
  CHECK(counted(repeat("a", 460)) == SmsCount{kGsm, 460, 4});
  CHECK(counted("line one\r\nline two") == SmsCount{kGsm, 18, 1});
}

TEST_CASE("the default alphabet's characters outside ASCII take one septet each") {
  const std::string all = "£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ ÄÖÑÜ§¿äöñüà¤¡@$";
  CHECK(counted(all) == SmsCount{kGsm, 43, 1});
  CHECK(counted(repeat("é", 160)) == SmsCount{kGsm, 160, 1});
  CHECK(counted(repeat("Δ", 161)) == SmsCount{kGsm, 161, 2});
}

TEST_CASE("extension characters take two septets, their escape included") {
  CHECK(counted("^{}\\[~]|€\f") == SmsCount{kGsm, 20, 1});
  CHECK(counted("Total: 20€ {incl. VAT}") == SmsCount{kGsm, 25, 1});
  CHECK(counted(repeat("€", 80)) == SmsCount{kGsm, 160, 1});
  // 81 euro signs: 162 septets; a part holds 76 of them (152 septets), never 76 and a half.
  CHECK(counted(repeat("€", 81)) == SmsCount{kGsm, 162, 2});
  CHECK(counted(repeat("€", 153)) == SmsCount{kGsm, 306, 3});
}

TEST_CASE("an escape pair at a part boundary moves whole to the next part") {
  // 306 septets would fit two parts of 153, but the '{' would straddle them.
  CHECK(counted(repeat("a", 152) + "{" + repeat("b", 152)) == SmsCount{kGsm, 306, 3});
  // One 'a' fewer before it and the pair ends the first part exactly.
  CHECK(counted(repeat("a", 151) + "{" + repeat("b", 153)) == SmsCount{kGsm, 306, 2});
  CHECK(counted(repeat("a", 152) + "€" + repeat("b", 152)) == SmsCount{kGsm, 306, 3});
}

TEST_CASE("any character outside GSM makes the whole text UCS-2") {
  CHECK(counted("`").encoding == kUcs);                            // ASCII, but not in GSM 03.38
  CHECK(counted("\t").encoding == kUcs);                           // nor is a tab
  CHECK(counted("ç").encoding == kUcs);                            // only the capital Ç is
  CHECK(counted("Ready: A52 — thanks") == SmsCount{kUcs, 19, 1});  // the em dash
  CHECK(counted(repeat("a", 159) + "ß") == SmsCount{kGsm, 160, 1});
  CHECK(counted(repeat("a", 159) + "ş") == SmsCount{kUcs, 160, 3});
}

TEST_CASE("Persian text is UCS-2: 70 characters in one segment, 67 in each part") {
  const std::string letter = "س";
  CHECK(counted(repeat(letter, 70)) == SmsCount{kUcs, 70, 1});
  CHECK(counted(repeat(letter, 71)) == SmsCount{kUcs, 71, 2});
  CHECK(counted(repeat(letter, 134)) == SmsCount{kUcs, 134, 2});
  CHECK(counted(repeat(letter, 135)) == SmsCount{kUcs, 135, 3});
  const std::string reminder = "رضا عزیز، گوشی شما آماده تحویل است. ساعت کاری: ۹ تا ۱۷";
  CHECK(counted(reminder) == SmsCount{kUcs, 54, 1});
}

TEST_CASE("mixed Persian and Latin text counts every character as one UTF-16 unit") {
  CHECK(counted("Hi رضا") == SmsCount{kUcs, 6, 1});
  const std::string text = "کد پیگیری: R-1001 — مبلغ 1,500,000 ریال";
  CHECK(counted(text) == SmsCount{kUcs, 39, 1});
  CHECK(counted(repeat("A52 گوشی ", 8)) == SmsCount{kUcs, 72, 2});
}

TEST_CASE("a character outside the BMP takes two units and is never split") {
  CHECK(counted("😀") == SmsCount{kUcs, 2, 1});
  CHECK(counted(repeat("😀", 35)) == SmsCount{kUcs, 70, 1});
  CHECK(counted(repeat("😀", 36)) == SmsCount{kUcs, 72, 2});  // 33 per part (66 units)
  CHECK(counted(repeat("😀", 67)) == SmsCount{kUcs, 134, 3});
  // 134 units would fit two parts of 67, but the emoji would straddle them.
  CHECK(counted(repeat("س", 66) + "😀" + repeat("س", 66)) == SmsCount{kUcs, 134, 3});
  CHECK(counted(repeat("س", 65) + "😀" + repeat("س", 67)) == SmsCount{kUcs, 134, 2});
}

TEST_CASE("text that is not UTF-8 is refused with the offending byte's offset") {
  auto bad = count_sms("ab\xff");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::invalid_input);
  CHECK_THAT(bad.error().message, Catch::Contains("not valid UTF-8 at byte 2"));
  auto truncated = count_sms("سلام\xd8");
  REQUIRE_FALSE(truncated.ok());
  CHECK_THAT(truncated.error().message, Catch::Contains("at byte 8"));
  auto surrogate = count_sms("\xed\xa0\x80");  // UTF-16 surrogates have no UTF-8 form
  REQUIRE_FALSE(surrogate.ok());
  CHECK(surrogate.error().code == ErrorCode::invalid_input);
}

TEST_CASE("encodings have names") {
  CHECK(crmflow::notify::to_string(kGsm) == "gsm7");
  CHECK(crmflow::notify::to_string(kUcs) == "ucs2");
}
