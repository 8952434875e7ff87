#include "crmflow/error.hpp"

#include <array>

namespace crmflow {
namespace {

constexpr std::array<std::string_view, 7> kNames = {
    "not_found", "not_authorized", "invalid_input", "invalid_state",
    "conflict",  "unavailable",    "internal",
};

}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames[index] : std::string_view{"internal"};
}

std::optional<ErrorCode> parse_error_code(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<ErrorCode>(i);
  }
  return std::nullopt;
}

std::string to_string(const Error& error) {
  std::string out{to_string(error.code)};
  out += ": ";
  out += error.message;
  return out;
}

Error not_found(std::string message) { return {ErrorCode::not_found, std::move(message)}; }
Error not_authorized(std::string message) { return {ErrorCode::not_authorized, std::move(message)}; }
Error invalid_input(std::string message) { return {ErrorCode::invalid_input, std::move(message)}; }
Error invalid_state(std::string message) { return {ErrorCode::invalid_state, std::move(message)}; }
Error conflict(std::string message) { return {ErrorCode::conflict, std::move(message)}; }
Error unavailable(std::string message) { return {ErrorCode::unavailable, std::move(message)}; }
Error internal_error(std::string message) { return {ErrorCode::internal, std::move(message)}; }

}  // namespace crmflow
