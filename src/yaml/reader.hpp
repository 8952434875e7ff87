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
#include <string>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"
#include "yaml/node.hpp"

namespace crmflow::yaml {

// Far more than any definition, calendar, channel, users or scenario file a person writes;
// small enough that a path to a device that never ends or to a huge file costs bounded memory.
inline constexpr std::size_t kMaxFileBytes = 64 * 1024 * 1024;

struct Limits {
  // Nodes that aliases may bring in over the whole document: each use of an alias costs the
  // number of nodes under its anchor (an alias to a mapping of 3 scalars costs 7: the mapping,
  // 3 keys, 3 values).
  std::size_t max_alias_nodes = 10'000;
  // How deep sequences and mappings may nest.
  std::size_t max_depth = 256;
  // parse_file: files larger than this are not read (a path to /dev/zero must not fill memory).
  std::size_t max_file_bytes = kMaxFileBytes;
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

// The bytes of the file at `path`, read in pieces, at most max_bytes + 1 of them.
// Errors: not_found when the file cannot be opened, unavailable when reading fails,
// invalid_input for a directory or a file of more than `max_bytes` bytes. The messages do not name
// the file: the caller does.
Result<std::string> read_text_file(const std::filesystem::path& path,
                                   std::size_t max_bytes = kMaxFileBytes);

// Reads a file (read_text_file, Limits::max_file_bytes) and parses it, naming it in messages as
// `path` was given. Errors: those of read_text_file and of parse().
Result<Document> parse_file(const std::filesystem::path& path, const Limits& limits = {});

}  // namespace crmflow::yaml
