// The exception classes (crmflow.Error and one subclass per error code), crmflow.BusinessError
// and the delivery outcomes a Python channel returns. They are plain Python classes, written in
// Python below so that they behave as every Python exception does (pickling aside), and looked up
// by the C++ side when it raises or reads one.
#include <pybind11/eval.h>
#include <pybind11/stl.h>

#include <array>
#include <string>

#include "common.hpp"

namespace crmflow::python {
namespace {

constexpr const char* kClassesSource = R"py(
class Error(Exception):
    """A call crmflow refused. Nothing was changed.

    ``code`` is the library's error code (``"not_found"``, ``"invalid_input"``, ...), the same as
    in the C++ API, the command line and scenario files; ``message`` names the thing (a step, a
    field, FILE:LINE:COL) and what is wrong. ``diagnostics`` lists every problem found in a file
    when loading one failed (an InvalidInput), and is empty otherwise.
    """

    code = "internal"

    def __init__(self, message="", diagnostics=()):
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics)

    def __str__(self):
        return f"{self.code}: {self.message}"


class NotFound(Error):
    """No such process, version, case, task, step, message receiver or calendar."""
    code = "not_found"


class NotAuthorized(Error):
    """The user may not act on that task: unknown, not its assignee, not a candidate."""
    code = "not_authorized"


class InvalidInput(Error):
    """A malformed value, a failed form or variable check, a definition that does not load."""
    code = "invalid_input"


class InvalidState(Error):
    """The thing exists but does not allow this now (an ended case, a step without incident)."""
    code = "invalid_state"


class Conflict(Error):
    """Someone else holds it, it changed underneath the call, or a version clash on deploy."""
    code = "conflict"


class Unavailable(Error):
    """A store or channel could not be reached; retrying may succeed."""
    code = "unavailable"


class Internal(Error):
    """A bug in crmflow: please report it."""
    code = "internal"


class BusinessError(Exception):
    """A handler's business outcome, e.g. ``BusinessError("CARD_DECLINED", "limit reached")``.

    Raise it (or return it) from a service handler: a boundary ``error`` event with that code may
    catch it; without one the case gets an incident. It is never retried.
    """

    def __init__(self, code, message=""):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self):
        return f"{self.code}: {self.message}" if self.message else self.code

    def __repr__(self):
        return f"crmflow.BusinessError({self.code!r}, {self.message!r})"


class Delivered:
    """A channel's outcome: the receiver accepted the notification; ``receipt`` identifies it."""

    __slots__ = ("receipt",)

    def __init__(self, receipt=""):
        self.receipt = receipt

    def __repr__(self):
        return f"crmflow.Delivered({self.receipt!r})"


class Retry:
    """A channel's outcome: a transient failure; try again later.

    ``retry_after`` (a datetime.timedelta, or None) is how long the receiver asked to wait; the
    engine's backoff is used when it is absent or shorter.
    """

    __slots__ = ("error", "retry_after")

    def __init__(self, error, retry_after=None):
        self.error = error
        self.retry_after = retry_after

    def __repr__(self):
        return f"crmflow.Retry({self.error!r}, retry_after={self.retry_after!r})"


class Failed:
    """A channel's outcome: a permanent failure (a bad address); never retried."""

    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error

    def __repr__(self):
        return f"crmflow.Failed({self.error!r})"
)py";

// The extension module, kept for the life of the process (a module is never unloaded).
PyObject* g_module = nullptr;

const char* class_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::not_found:
      return "NotFound";
    case ErrorCode::not_authorized:
      return "NotAuthorized";
    case ErrorCode::invalid_input:
      return "InvalidInput";
    case ErrorCode::invalid_state:
      return "InvalidState";
    case ErrorCode::conflict:
      return "Conflict";
    case ErrorCode::unavailable:
      return "Unavailable";
    case ErrorCode::internal:
      return "Internal";
  }
  return "Internal";
}

}  // namespace

py::object module_attr(const char* name) {
  return py::reinterpret_borrow<py::module_>(g_module).attr(name);
}

py::object error_class(ErrorCode code) { return module_attr(class_name(code)); }

void raise_error(const Error& error, const std::vector<Diagnostic>& diagnostics) {
  py::object type = error_class(error.code);
  py::object exception = type(error.message, py::cast(diagnostics));
  PyErr_SetObject(type.ptr(), exception.ptr());
  throw py::error_already_set();
}

void bind_errors(py::module_& module) {
  g_module = module.ptr();
  module.inc_ref();  // never released: the classes below are looked up for the process's life
  py::exec(py::str(kClassesSource), module.attr("__dict__"));
}

}  // namespace crmflow::python
