// Reading a file a person wrote (a process definition, a calendars file) into memory, for the
// loaders that then diagnose its content.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "crmflow/diagnostic.hpp"
#include "yaml/reader.hpp"

namespace crmflow::model {

// The bytes of the file at `path`, as they are. When it is a directory, cannot be opened, cannot
// be read or holds more than `max_bytes` bytes, appends a Diagnostic without a place naming `path`
// (as given) to `diagnostics` and returns nullopt. Reads at most max_bytes + 1 bytes, so that a
// path to a device that never ends (/dev/zero) or to a huge file costs bounded memory; loaders
// check their own, smaller bounds (DefinitionLimits::max_bytes) on what was read.
std::optional<std::string> read_source_file(const std::string& path,
                                            std::vector<Diagnostic>& diagnostics,
                                            std::size_t max_bytes = yaml::kMaxFileBytes);

}  // namespace crmflow::model
