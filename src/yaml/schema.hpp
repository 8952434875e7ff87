// crmflow::yaml: the YAML 1.2 core schema, which gives each plain scalar its type, and the
// conversion of a document tree to a Value.
//
// | written (plain)                                   | becomes                   |
// | ------------------------------------------------- | ------------------------- |
// | (nothing), ~, null, Null, NULL                    | null                      |
// | true, True, TRUE, false, False, FALSE             | boolean                   |
// | 12, -3, +7, 0o17, 0x1F, -0x1F                     | integer (a double when it does not fit 64
// bits) | | 1.5, -2., .5, 1e3, 6.02E+23, .inf, -.Inf, .nan    | number (double)           | |
// anything else: yes, no, on, off, 2026-01-01, 1_000 | string                   | Quoted and block
// scalars are always strings. Explicit standard tags are honoured: !!str,
// !!int, !!float, !!bool, !!null (on any scalar style), !!seq, !!map; other tags are refused.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "crmflow/error.hpp"
#include "crmflow/value.hpp"
#include "yaml/node.hpp"

namespace crmflow::yaml {

enum class PlainType : std::uint8_t { null, boolean, integer, number, string };

// The type the core schema gives a plain scalar written as `text`.
PlainType plain_type(std::string_view text) noexcept;

// The value of a plain scalar written as `text`. Errors: invalid_input for a number too large
// for a double (1e400).
Result<Value> plain_value(std::string_view text);

// The Value of a node: scalars typed as above, sequences as lists, mappings as objects keyed by
// the key's text (so `1: a` gives the key "1"). Errors (invalid_input, message formatted as a
// Diagnostic at the node): an unknown tag, a tag that does not fit its node (`!!int abc`), a
// number too large for a double.
Result<Value> to_value(const Node& node);
inline Result<Value> to_value(const Document& document) { return to_value(document.root()); }

// As to_value, for loaders that collect problems: on failure appends the Diagnostic to
// `problems` and returns nullopt.
std::optional<Value> to_value(const Node& node, std::vector<Diagnostic>& problems);

}  // namespace crmflow::yaml
