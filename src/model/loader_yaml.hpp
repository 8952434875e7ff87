// The loader's view of the strict YAML reader (src/yaml): the few questions the compiler asks
// of a node, in one place.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "crmflow/value.hpp"
#include "model/definition.hpp"
#include "yaml/node.hpp"

namespace crmflow::model {

using YamlNode = yaml::Node;

// Where the node starts (1-based line, column in characters).
SourceLocation where(const YamlNode& node);
// The place of character `offset` (0-based, in characters) of a scalar's value: exact for a
// single-line scalar, the scalar's start otherwise.
SourceLocation where_in(const YamlNode& scalar, std::size_t offset);

bool is_map(const YamlNode& node);
bool is_list(const YamlNode& node);
bool is_scalar(const YamlNode& node);  // null included

struct YamlEntry {
  std::string_view key;
  SourceLocation key_where;
  const YamlNode* value;
};
// The entries of a map in document order.
std::vector<YamlEntry> entries(const YamlNode& map);
// The items of a list in document order.
std::vector<const YamlNode*> items(const YamlNode& list);
// The value of `key` in a map, nullptr when absent or when `map` is not a map.
const YamlNode* get(const YamlNode& map, std::string_view key);

}  // namespace crmflow::model
