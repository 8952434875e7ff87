// Reading a file a person wrote (a process definition, a calendars file) into memory, for the
// loaders that then diagnose its content.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crmflow/diagnostic.hpp"

namespace crmflow::model {

// The bytes of the file at `path`, as they are. When it is a directory, cannot be opened or
// cannot be read, appends a Diagnostic without a place naming `path` (as given) to `diagnostics`
// and returns nullopt.
std::optional<std::string> read_source_file(const std::string& path,
                                            std::vector<Diagnostic>& diagnostics);

}  // namespace crmflow::model
