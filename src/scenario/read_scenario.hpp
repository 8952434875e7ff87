// crmflow::scenario: reading a scenario file (spec/scenario-format.md) into a ScenarioFile.
//
// The reader checks everything that can be checked without running: YAML syntax, every field
// and its type, unknown actions and fields (with "did you mean"), durations and datetimes, error
// codes, `start:` naming a process the file does not define, `case:` naming no earlier `as:`,
// steps the case's process does not have. The processes (files or written in place) and the
// files of `deploy:` are loaded and validated exactly as `crmflow validate` does; the problems of
// an in-place definition point into the scenario file. Every problem is reported, not only the
// first.
//
// Thread safety: pure functions (they read files); call them from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/diagnostic.hpp"
#include "scenario/scenario_file.hpp"

namespace crmflow::scenario {

// Reads the scenario written in `text`. `file_name` names it in diagnostics, and its folder is
// where the relative paths in it start. Returns the file when no problem was found; otherwise
// nullopt, with every problem appended to `problems`: those of the scenario file in the order of
// their places, then those found in the files it names.
std::optional<ScenarioFile> read_scenario(std::string_view text, const std::string& file_name,
                                          std::vector<Diagnostic>& problems);

// As read_scenario, for the file at `path` (named as given). A file that cannot be read is one
// problem without a place.
std::optional<ScenarioFile> read_scenario_file(const std::string& path,
                                               std::vector<Diagnostic>& problems);

}  // namespace crmflow::scenario
