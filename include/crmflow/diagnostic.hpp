// crmflow: a problem found in a file a person wrote (a process definition, a scenario, a
// calendars or channels file), with the place it was found.
//
//   for (const auto& d : outcome.diagnostics) std::cerr << d.format() << '\n';
//   // phone-repair.yaml:21:11: error: step 'diagnose': unknown field 'asignee' (did you mean 'assignee'?)
#pragma once

#include <cstdint>
#include <string>

namespace crmflow {

struct Diagnostic {
  std::string file;
  std::uint32_t line = 0;    // 1-based; 0 when the problem has no place (an unreadable file)
  std::uint32_t column = 0;  // 1-based, counted in characters (not bytes)
  std::string message;

  // "FILE:LINE:COL: error: MESSAGE" (or "FILE: error: MESSAGE" without a place).
  std::string format() const;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

}  // namespace crmflow
