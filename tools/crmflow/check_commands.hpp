// `crmflow validate` and `crmflow graph` (spec/cli.md, "Checking flows"): commands that read
// definition files and keep no state. Each returns the process exit code.
#pragma once

#include <optional>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"

namespace crmflow::cli {

// `crmflow validate FILE...`: loads each file and prints every problem as
// `FILE:LINE:COL: error: MESSAGE` on stderr; prints nothing when all are valid.
// Returns 0 when all are valid, 1 when some are invalid, 2 when some file cannot be read.
int run_validate(const Arguments& args);

// `crmflow graph FILE [--format dot|svg|mermaid]`: prints the drawing on stdout (svg through
// Graphviz's `dot` program, found on PATH). Returns 0; 1 for an invalid or unreadable file, a
// missing or failing `dot`, or a --case that is unknown or of another process; 2 for an unknown
// format.
int run_graph(const Arguments& args);

// `crmflow test FILE...` (spec/scenario-format.md): one `PASS name` / `FAIL name: what differed`
// line per scenario, then `N passed, N failed`. Returns 0 when none failed, 1 when some failed,
// 2 when a file cannot be read or parsed or holds an invalid process; the highest code wins.
int run_test(const Arguments& args);

// The whole content of a file, or a message saying why it cannot be read ("no such file", "is a
// directory", ...).
struct FileText {
  std::optional<std::string> text;
  std::string problem;
};
FileText read_file_text(const std::string& path);

}  // namespace crmflow::cli
