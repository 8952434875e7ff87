// The UTF-8 facts other layers build on: sequence lengths (well-formed only), decoding, and
// walking a text by code points.
#include "value/utf8.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace crmflow::text {
namespace {

TEST_CASE("utf8: sequence lengths accept only well-formed sequences", "[value][utf8]") {
  CHECK(utf8_sequence_length("a", 0) == 1);
  CHECK(utf8_sequence_length("\xD8\xB3", 0) == 2);          // س
  CHECK(utf8_sequence_length("\xE2\x82\xAC", 0) == 3);      // €
  CHECK(utf8_sequence_length("\xF0\x9F\x98\x80", 0) == 4);  // 😀
  CHECK(utf8_sequence_length("\xC0\xAF", 0) == 0);          // overlong '/'
  CHECK(utf8_sequence_length("\xED\xA0\x80", 0) == 0);      // a surrogate
  CHECK(utf8_sequence_length("\xF4\x90\x80\x80", 0) == 0);  // past U+10FFFF
  CHECK(utf8_sequence_length("\xE2\x82", 0) == 0);          // truncated
  CHECK(utf8_sequence_length("\x80", 0) == 0);              // a stray continuation byte
  CHECK(find_invalid_utf8("سلام\xFFx") == 8);
  CHECK(find_invalid_utf8("سلام") == 8);
}

TEST_CASE("utf8: decoding gives the code points, and walking visits each once", "[value][utf8]") {
  const std::string text = "a\xD8\xB3\xE2\x82\xAC\xF0\x9F\x98\x80";
  CHECK(decode_utf8(text, 0, 1) == U'a');
  CHECK(decode_utf8(text, 1, 2) == U'\u0633');
  CHECK(decode_utf8(text, 3, 3) == U'\u20AC');
  CHECK(decode_utf8(text, 6, 4) == U'\U0001F600');
  std::vector<char32_t> seen;
  for_each_code_point(text, [&](char32_t cp) { seen.push_back(cp); });
  CHECK(seen == std::vector<char32_t>{U'a', U'\u0633', U'\u20AC', U'\U0001F600'});
  std::string back;
  for (char32_t cp : seen) append_utf8(back, cp);
  CHECK(back == text);
  CHECK(count_chars(text) == 4);
}

}  // namespace
}  // namespace crmflow::text
