// crmflow::notify internal: the time values of HTTP headers, for a 429 or 503 answer's
// Retry-After (RFC 9110 §10.2.3, §5.6.7).
//
//   parse_retry_after("120", now);                            // 120 s
//   parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now);  // that moment minus now (0 if past)
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "crmflow/time.hpp"

namespace crmflow::notify {

// Retry-After waits longer than this are cut to it: a receiver's typo or a hostile answer must not
// park a notification for years, and the arithmetic stays far from overflow.
inline constexpr std::chrono::hours kMaxRetryAfter{24 * 7};

// An HTTP-date in any of the three forms a recipient must accept: IMF-fixdate
// ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete RFC 850 form ("Sunday, 06-Nov-94 08:49:37 GMT";
// a two-digit year more than 50 years ahead of `now` is taken from the previous century) and
// asctime ("Sun Nov  6 08:49:37 1994"). Day names are not checked against the date (RFC 9110
// lets a recipient ignore them). nullopt: not one of these forms, or not a real date and time.
std::optional<Instant> parse_http_date(std::string_view text, Instant now);

// A Retry-After value: delay-seconds (digits only) or an HTTP-date, surrounding spaces ignored.
// Returns how long to wait from `now`: a date in the past gives zero; waits over kMaxRetryAfter
// give kMaxRetryAfter. nullopt: absent hint (an empty or unparseable value).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, Instant now);

}  // namespace crmflow::notify
