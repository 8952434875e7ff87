// crmflow::yaml: the strict YAML reader every crmflow file goes through (process definitions,
// scenarios, calendars, channel configurations).
//
// It is yaml-cpp's parser with the rules yaml-cpp 0.7 does not keep by itself:
// - every node and mapping key keeps its place (1-based line, column in characters);
// - a duplicate key in a mapping is an error at the second key, naming the line of the first;
// - mapping keys are scalars (plain or quoted), never null, lists or mappings;
// - aliases are expanded within a bound (Limits), so a "billion laughs" file is refused;
// - the file is one document of UTF-8 text (a UTF-8 byte order mark is skipped);
// - merge keys (`<<: *defaults`, or `<<: [*a, *b]`) copy the entries of the merged mappings
//   whose keys the mapping does not define itself (the earlier merged mapping wins), at the
//   place of the `<<` entry. A quoted "<<" is an ordinary key.
// Scalars are not typed here: schema.hpp types them by the YAML 1.2 core schema.
//
//   Result<yaml::Document> doc = yaml::parse(text, "phone-repair.yaml");
//   if (!doc) { print(doc.error().message); }   // "phone-repair.yaml:7:3: error: duplicate key
//   ..."
//
// Thread safety: parse is pure; call it from any thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"
#include "yaml/node.hpp"

namespace crmflow::yaml {

struct Limits {
  // Nodes that aliases may bring in over the whole document: each use of an alias costs the
  // number of nodes under its anchor (an alias to a mapping of 3 scalars costs 7: the mapping,
  // 3 keys, 3 values).
  std::size_t max_alias_nodes = 10'000;
  // How deep sequences and mappings may nest.
  std::size_t max_depth = 256;
};

// Reads one YAML document. `file_name` is only used in messages and marks.
// Errors are invalid_input with the message of a Diagnostic, "FILE:LINE:COL: error: WHAT":
// a YAML syntax error, text that is not UTF-8, a duplicate or non-scalar key, a second
// document, nesting past Limits::max_depth, aliases past Limits::max_alias_nodes.
Result<Document> parse(std::string_view text, std::string_view file_name,
                       const Limits& limits = {});

// As parse, for loaders that collect problems: on failure appends the problem (with its
// place; without one for a failure that has none, such as running out of memory) to `problems`
// and returns nullopt.
std::optional<Document> parse(std::string_view text, std::string_view file_name,
                              std::vector<Diagnostic>& problems, const Limits& limits = {});

// Reads a file and parses it, naming it in messages as `path` was given.
// Errors: not_found when the file cannot be opened, unavailable when reading fails, and every
// error of parse().
Result<Document> parse_file(const std::filesystem::path& path, const Limits& limits = {});

}  // namespace crmflow::yaml
