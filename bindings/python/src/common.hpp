// The pieces of the `_crmflow` extension that its source files share: value conversion, time
// conversion and raising crmflow errors as Python exceptions.
//
// Every function here touches Python objects and so REQUIRES the GIL.
#pragma once

#include <pybind11/pybind11.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crmflow/diagnostic.hpp"
#include "crmflow/error.hpp"
#include "crmflow/time.hpp"
#include "crmflow/value.hpp"

namespace crmflow::python {

namespace py = pybind11;

// Value <-> Python (values.cpp). See docs/python.md, "Values", for the mapping.
py::object to_python(const Value& value);
// Raises crmflow.InvalidInput for a Python object that has no Value (naming where it sits).
Value from_python(py::handle object);
// `vars=` arguments: None is null, anything else must be a dict.
Value vars_from_python(py::handle object);

// Instants are aware datetimes in UTC; given datetimes must be aware and whole milliseconds.
py::object instant_to_python(Instant at);
Instant instant_from_python(py::handle object);
py::object optional_instant_to_python(const std::optional<Instant>& at);
// Durations of the clock kind (ManualClock.advance): a timedelta of whole milliseconds.
std::chrono::milliseconds millis_from_timedelta(py::handle object);
py::object timedelta_from_millis(std::chrono::milliseconds millis);

// An attribute of the extension module: the Python classes defined in errors.cpp (Delivered,
// Retry, Failed, BusinessError, ...).
py::object module_attr(const char* name);

// Errors (errors.cpp). The exception class for a code: crmflow.NotFound, ...
py::object error_class(ErrorCode code);
// Raises the exception of `error` (with `diagnostics` as its .diagnostics list).
[[noreturn]] void raise_error(const Error& error, const std::vector<Diagnostic>& diagnostics = {});

inline void check(const Status& status) {
  if (!status.ok()) raise_error(status.error());
}
template <class T>
T unwrap(Result<T>&& result) {
  if (!result.ok()) raise_error(result.error());
  return std::move(result).value();
}

// The module's parts, in the order module.cpp calls them.
void bind_errors(py::module_& module);
void bind_values(py::module_& module);
void bind_engine(py::module_& module);

}  // namespace crmflow::python
