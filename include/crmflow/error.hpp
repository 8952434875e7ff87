// crmflow: errors as values.
//
// Every call a host makes that can fail for a reason the caller can act on returns a
// `Result<T>` (or a `Status` when there is no value). Nothing throws across the public API.
//
//   crmflow::Result<Value> v = crmflow::parse_json(text);
//   if (!v) { log(v.error().message); return; }
//   use(*v);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace crmflow {

// The codes are the same in the library, the command line and scenario files.
enum class ErrorCode : std::uint8_t {
  // No such process, case, task, step with an open task, or message receiver.
  not_found,
  // The user may not act on that task: not its assignee, not a candidate, or unknown.
  not_authorized,
  // A malformed value, a failed form or variable check, a definition that does not validate.
  invalid_input,
  // The thing exists but does not allow this now (a cancelled case, a step without incident).
  invalid_state,
  // Someone else holds it, or it changed underneath the call, or a version clash on deploy.
  conflict,
  // A store or channel could not be reached; retrying may succeed.
  unavailable,
  // A bug in crmflow: please report it.
  internal,
};

// "not_found", "invalid_input", ... exactly as written above.
std::string_view to_string(ErrorCode code) noexcept;
// The inverse of to_string; nullopt for any other text.
std::optional<ErrorCode> parse_error_code(std::string_view text) noexcept;

// A code and a message that names the thing (file:line:col, step id, field) and what to do.
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;

  friend bool operator==(const Error&, const Error&) = default;
};

// "invalid_input: MESSAGE"
std::string to_string(const Error& error);

// Shorthands for building errors: `return crmflow::invalid_input("step 'x': ...");`
Error not_found(std::string message);
Error not_authorized(std::string message);
Error invalid_input(std::string message);
Error invalid_state(std::string message);
Error conflict(std::string message);
Error unavailable(std::string message);
Error internal_error(std::string message);

// The outcome of an operation that returns nothing: ok, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  // REQUIRES: !ok()
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

// A value of type T, or an Error. T must not be Error.
template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // By value from a temporary, so that `for (const Task& t : *engine.tasks(q))` keeps the list
  // alive for the loop (a reference into the temporary would dangle before the first pass).
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

  // The value, or `fallback` when this holds an error.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

  // The error as a Status (ok when this holds a value).
  Status status() const { return ok() ? Status{} : Status{error()}; }

 private:
  std::variant<T, Error> state_;
};

}  // namespace crmflow
