// crmflow::yaml: the Diagnostic every file reader reports problems with.
//
// The struct itself is public (include/crmflow/diagnostic.hpp: loaders hand lists of them to
// hosts); this header adds what the readers inside src/ need to make them.
//
//   std::vector<Diagnostic> problems;
//   problems.push_back(node.diagnostic("unknown field 'asignee' (did you mean 'assignee'?)"));
//   problems.back().format();   // "phone.yaml:21:11: error: unknown field 'asignee' ..."
#pragma once

#include <string>
#include <string_view>

#include "crmflow/diagnostic.hpp"
#include "crmflow/error.hpp"

namespace crmflow::yaml {

using crmflow::Diagnostic;

// A place in a file: 1-based line, 1-based column counted in characters (UTF-8 code points).
// {0, 0} means "no place" (the whole file).
struct Mark {
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  friend bool operator==(const Mark&, const Mark&) = default;
};

inline Diagnostic make_diagnostic(std::string_view file, Mark at, std::string message) {
  return Diagnostic{std::string(file), at.line, at.column, std::move(message)};
}

// An invalid_input Error whose message is the diagnostic's format(): how a reader that stops at
// its first problem reports it.
inline Error to_error(const Diagnostic& diagnostic) { return invalid_input(diagnostic.format()); }

}  // namespace crmflow::yaml
