#include "crmflow/error.hpp"

#include <catch2/catch.hpp>
#include <memory>

namespace crmflow {
namespace {

TEST_CASE("every error code round-trips through its name", "[error]") {
  for (auto code : {ErrorCode::not_found, ErrorCode::not_authorized, ErrorCode::invalid_input,
                    ErrorCode::invalid_state, ErrorCode::conflict, ErrorCode::unavailable,
                    ErrorCode::internal}) {
    auto back = parse_error_code(to_string(code));
    REQUIRE(back.has_value());
    CHECK(*back == code);
  }
  CHECK(to_string(ErrorCode::not_authorized) == "not_authorized");
  CHECK_FALSE(parse_error_code("NOT_FOUND").has_value());
  CHECK_FALSE(parse_error_code("").has_value());
}

TEST_CASE("an error prints as code: message", "[error]") {
  CHECK(to_string(conflict("task 7 is claimed by sara")) == "conflict: task 7 is claimed by sara");
  CHECK(internal_error("x").code == ErrorCode::internal);
}

TEST_CASE("Result holds a value or an error", "[error]") {
  Result<int> good = 42;
  REQUIRE(good.ok());
  CHECK(*good == 42);
  CHECK(good.status().ok());

  Result<int> bad = not_found("no case 'c-9'");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::not_found);
  CHECK(bad.value_or(7) == 7);
  CHECK(bad.status().error().message == "no case 'c-9'");

  Result<std::unique_ptr<int>> owned = std::make_unique<int>(5);
  std::unique_ptr<int> taken = *std::move(owned);
  CHECK(*taken == 5);
}

TEST_CASE("Status is ok by default and carries an error otherwise", "[error]") {
  Status ok;
  CHECK(ok.ok());
  Status refused = invalid_state("case c-1 is cancelled");
  CHECK_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::invalid_state);
}

}  // namespace
}  // namespace crmflow
