// The `_crmflow` extension module; the `crmflow` package re-exports it (crmflow/__init__.py).
#include "common.hpp"

PYBIND11_MODULE(_crmflow, module) {
  module.doc() = "crmflow: business processes for CRM work (the compiled part of the package).";
  crmflow::python::bind_errors(module);
  crmflow::python::bind_values(module);
  crmflow::python::bind_engine(module);
}
