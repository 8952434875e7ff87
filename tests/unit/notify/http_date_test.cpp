// Retry-After: delay seconds and the three HTTP-date forms.
#include "notify/http_date.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace std::chrono_literals;
using crmflow::Instant;
using crmflow::notify::kMaxRetryAfter;
using crmflow::notify::parse_http_date;
using crmflow::notify::parse_retry_after;

namespace {
// 1994-11-06T08:49:37Z, the example of RFC 9110.
const Instant kExample =
    Instant{std::chrono::sys_days{std::chrono::year{1994} / std::chrono::November / 6}} + 8h +
    49min + 37s;
}  // namespace

TEST_CASE("parse_http_date reads the three forms of RFC 9110", "[notify][http_date]") {
  const Instant now = kExample - 1h;
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", now) == kExample);
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", now) == kExample);
  CHECK(parse_http_date("Sun Nov  6 08:49:37 1994", now) == kExample);
}

TEST_CASE("parse_http_date refuses malformed and impossible dates", "[notify][http_date]") {
  const Instant now = kExample;
  CHECK_FALSE(parse_http_date("", now));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC", now));
  CHECK_FALSE(parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT", now));
  CHECK_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT", now));
  CHECK_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT", now));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 24:00:00 GMT", now));
  CHECK_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing", now));
  CHECK_FALSE(parse_http_date("2026-01-01T00:00:00Z", now));
}

TEST_CASE("parse_http_date puts two-digit years within 50 years ahead", "[notify][http_date]") {
  const Instant in_2026 =
      Instant{std::chrono::sys_days{std::chrono::year{2026} / std::chrono::January / 1}};
  const auto year_of = [](Instant at) {
    return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(at)}.year();
  };
  CHECK(year_of(*parse_http_date("Friday, 01-Jan-27 00:00:00 GMT", in_2026)) ==
        std::chrono::year{2027});
  CHECK(year_of(*parse_http_date("Thursday, 01-Jan-99 00:00:00 GMT", in_2026)) ==
        std::chrono::year{1999});
}

TEST_CASE("parse_retry_after reads seconds and dates", "[notify][http_date]") {
  CHECK(parse_retry_after("120", kExample) == std::chrono::milliseconds{120s});
  CHECK(parse_retry_after(" 0 ", kExample) == std::chrono::milliseconds{0});
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", kExample) ==
        std::chrono::milliseconds{30s});
  // A date already past: no wait beyond the engine's own backoff.
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", kExample) ==
        std::chrono::milliseconds{0});
}

TEST_CASE("parse_retry_after caps long waits and ignores nonsense", "[notify][http_date]") {
  CHECK(parse_retry_after("99999999999999999999999999", kExample) == kMaxRetryAfter);
  CHECK(parse_retry_after("Sun, 06 Nov 2094 08:49:37 GMT", kExample) == kMaxRetryAfter);
  CHECK_FALSE(parse_retry_after("", kExample));
  CHECK_FALSE(parse_retry_after("   ", kExample));
  CHECK_FALSE(parse_retry_after("-5", kExample));
  CHECK_FALSE(parse_retry_after("1.5", kExample));
  CHECK_FALSE(parse_retry_after("soon", kExample));
}
