// crmflow::notify internal: the reader of `--handlers` forms, for other files that may hold one
// (a scenario's `handlers:` entry written as `{type: http | command, ...}`).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "crmflow/handler.hpp"
#include "yaml/fields.hpp"
#include "yaml/node.hpp"

namespace crmflow::notify {

// Reads the handler form `{type: http | command, ...}` at `map` for the handler `name` (problems
// reported through `fields`, at their places, naming "handler 'NAME'"), relative paths read
// from `folder`, and builds the handler. nullopt after a problem.
std::optional<Handler> read_handler_form(const yaml::Node& map, const std::string& name,
                                         yaml::FieldReader& fields,
                                         const std::filesystem::path& folder);

}  // namespace crmflow::notify
