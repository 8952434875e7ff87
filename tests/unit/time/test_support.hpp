// Shorthands for the time tests: values from ISO text, failing the test on bad text.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "time/iso8601.hpp"
#include "time/zone.hpp"

namespace crmflow::time::testing {

inline Duration dur(std::string_view text) {
  auto d = parse_duration(text);
  INFO(std::string(text));
  REQUIRE(d.ok());
  return *d;
}

inline Date day(std::string_view text) {
  auto d = parse_date(text);
  INFO(std::string(text));
  REQUIRE(d.ok());
  return *d;
}

inline DateTime dt(std::string_view text, const date::time_zone* zone = nullptr) {
  auto d = parse_datetime(text, zone);
  INFO(std::string(text));
  REQUIRE(d.ok());
  return *d;
}

inline Instant at(std::string_view text, const date::time_zone* zone = nullptr) {
  return dt(text, zone).at;
}

inline const date::time_zone* zone(std::string_view name) {
  auto z = find_zone(name);
  REQUIRE(z.ok());
  return *z;
}

// Checks that `result` failed with invalid_input and a message containing every fragment.
template <class R>
void require_invalid(const R& result, std::initializer_list<std::string_view> fragments) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::invalid_input);
  for (const std::string_view f : fragments) {
    INFO("message: " << result.error().message);
    CHECK(result.error().message.find(f) != std::string::npos);
  }
}

}  // namespace crmflow::time::testing
