#include "yaml/diagnostic.hpp"

namespace crmflow {

std::string Diagnostic::format() const {
  std::string out = file;
  if (line != 0) {
    out += ':';
    out += std::to_string(line);
    out += ':';
    out += std::to_string(column);
  }
  out += ": error: ";
  out += message;
  return out;
}

}  // namespace crmflow
