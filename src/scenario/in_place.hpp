// crmflow::scenario: process definitions written in place inside a scenario file.
//
// load_process reads a whole document and reports places in it. To have an in-place definition's
// problems point into the scenario file, the reader hands load_process a text in which the
// definition stands at the very line and column it has in the scenario file, and nothing else
// is written: the lines before it are empty, the characters before it on its first line (`  - `)
// are spaces, and whatever follows it is left out. YAML allows an indented root mapping, so the
// text reads as the same mapping, and every diagnostic's place is the scenario file's.
#pragma once

#include <string>
#include <string_view>

#include "yaml/node.hpp"

namespace crmflow::scenario {

// The text described above for `mapping`, a node read from `file_text`. A block mapping ends
// at the first line after its first that holds something other than a comment and is indented
// less than the mapping; a flow mapping (`{...}`) ends at its closing brace.
// REQUIRES: mapping.is_mapping() and mapping was read from file_text.
std::string in_place_text(std::string_view file_text, const yaml::Node& mapping);

}  // namespace crmflow::scenario
